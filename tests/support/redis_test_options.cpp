#include "support/redis_test_options.hpp"

#include <chrono>
#include <csignal>
#include <stdexcept>
#include <string>

#include "storage/redis/redis_url.hpp"
#include "support/test_env.hpp"

namespace boxoffice::testing {
namespace {

using std::chrono::milliseconds;

[[maybe_unused]] const bool kSigpipeIgnored = [] {
    (void)std::signal(SIGPIPE, SIG_IGN);
    return true;
}();

redis::RedisEndpoint endpointFrom(const std::string& url) {
    std::string error;
    auto ep = redis::parseRedisUrl(url, error);
    if (!ep) throw std::runtime_error("bad Redis URL in the test env: " + error);
    return *ep;
}

}  // namespace

redis::RedisOptions plainRedisOptions() {
    redis::RedisOptions o;
    o.endpoint = endpointFrom(TestEnv::get().redisUrl);
    o.connectTimeout = milliseconds(2000);
    o.commandTimeout = milliseconds(2000);
    return o;
}

redis::RedisOptions tlsRedisOptions() {
    redis::RedisOptions o = plainRedisOptions();
    o.endpoint = endpointFrom(TestEnv::get().redisTlsUrl);
    o.caFile = TestEnv::get().redisTlsCa;
    return o;
}

redis::RedisOptions localRedisOptions(int port) {
    redis::RedisOptions o;
    o.endpoint.host = "127.0.0.1";
    o.endpoint.port = port;
    o.connectTimeout = milliseconds(300);
    o.commandTimeout = milliseconds(300);
    return o;
}

}  // namespace boxoffice::testing
