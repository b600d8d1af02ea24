#pragma once
// One Redis connection: hiredis's protocol writer/reader driven over our own socket, plain or
// OpenSSL TLS (hiredis 0.14 has no TLS), with connect and command deadlines, AUTH and SELECT.
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "domain/result.hpp"
#include "storage/redis/redis_url.hpp"
#include "storage/redis/reply_reader.hpp"

namespace boxoffice::redis {

struct RedisOptions {
    RedisEndpoint endpoint;
    std::chrono::milliseconds connectTimeout{1000};
    std::chrono::milliseconds commandTimeout{500};
    std::string caFile;      // TLS: CA bundle to verify the server; empty = system default
    bool verifyPeer = true;  // TLS: verify certificate chain and host name
};

/// Not thread-safe: one owner at a time (a pool hands it out). Copying is deleted.
/// Failures: DependencyUnavailable (refused, reset, closed, TLS handshake, AUTH rejected) and
/// DependencyTimeout (connect or command deadline); after any such failure the connection is
/// closed and `connected()` is false until `connect()` succeeds again.
class RedisConnection {
public:
    explicit RedisConnection(RedisOptions options);
    ~RedisConnection();
    RedisConnection(const RedisConnection&) = delete;
    RedisConnection& operator=(const RedisConnection&) = delete;

    /// Connects (TCP, TLS if configured, AUTH, SELECT). Idempotent when already connected.
    Result<void> connect();
    bool connected() const;
    void close();
    /// Successful connects after the first one (a lost connection re-established), for metrics.
    std::uint64_t reconnects() const;

    /// Sends one command and waits for its reply (connecting first if needed). A Redis error
    /// reply is returned as a Reply of Type::Error, not as a failed Result.
    Result<Reply> command(const std::vector<std::string>& argv);

    /// Sends all commands in one write, then reads all replies in order (pipelining).
    Result<std::vector<Reply>> pipeline(const std::vector<std::vector<std::string>>& commands);
    /// The same, for commands owned elsewhere (their arguments are not copied), finished by
    /// `deadline` at the latest: connecting and the exchange then get what is left of it when that
    /// is less than their own timeouts (a caller's answer is due by then, whatever the step).
    Result<std::vector<Reply>> pipelineRefs(const std::vector<const std::vector<std::string>*>& commands,
                                            std::optional<std::chrono::steady_clock::time_point> deadline = {});

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace boxoffice::redis
