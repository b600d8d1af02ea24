#pragma once
// Client options for the Redis servers of the tests: the shared plain and TLS+AUTH servers that
// scripts/test-servers.sh started (TestEnv), and a local port (a refusing or silent socket, a
// throwaway server). Including this also ignores SIGPIPE, as the service's main() does: a TLS write
// to a socket the server closed must fail with EPIPE, not kill the test binary.
#include "storage/redis/redis_connection.hpp"

namespace boxoffice::testing {

/// The shared plain redis-server, with 2 s deadlines.
redis::RedisOptions plainRedisOptions();
/// The shared TLS+AUTH redis-server (like ElastiCache in transit), with 2 s deadlines.
redis::RedisOptions tlsRedisOptions();
/// 127.0.0.1:`port`, with 300 ms deadlines.
redis::RedisOptions localRedisOptions(int port);

}  // namespace boxoffice::testing
