#pragma once
// The byte stream under a Redis connection: TCP, plain or OpenSSL TLS (hiredis 0.14 has no TLS),
// every step bounded by a deadline. Knows nothing of RESP; redis_connection.cpp speaks it over this.
#include <openssl/ssl.h>
#include <unistd.h>

#include <array>
#include <chrono>
#include <memory>
#include <string>
#include <string_view>
#include <utility>

#include "domain/error.hpp"
#include "domain/result.hpp"
#include "storage/redis/redis_connection.hpp"

namespace boxoffice::redis {

// The one place a Redis transport failure becomes an ErrorCode: clients see only the fixed
// detail, the reason goes to `internal` for the log.
Error redisUnavailable(std::string internal);
Error redisTimedOut(std::string internal);

/// One deadline and what it is for, so a timeout names the phase and the budget that ran out.
struct Budget {
    std::chrono::steady_clock::time_point deadline;
    std::chrono::milliseconds total;
    const char* phase;
};

class RedisSocket {
public:
    explicit RedisSocket(const RedisOptions& options) : options_(options) {}
    ~RedisSocket() { drop(); }
    RedisSocket(const RedisSocket&) = delete;
    RedisSocket& operator=(const RedisSocket&) = delete;

    /// Connects to the options' endpoint, with TLS when it asks for it.
    Result<void> open(const Budget& budget);
    Result<void> writeAll(std::string_view data, const Budget& budget);
    /// At least one byte, valid until the next call.
    Result<std::string_view> readSome(const Budget& budget);
    /// After a failure the stream position is unknown (half a reply may be in flight), so the
    /// stream is discarded rather than reused; no close_notify, since OpenSSL forbids
    /// SSL_shutdown after a fatal error.
    void drop();
    /// One non-blocking close_notify attempt (a courtesy that must not stall the caller), then drop().
    void closeGracefully();

private:
    class UniqueFd {
    public:
        UniqueFd() = default;
        explicit UniqueFd(int fd) : fd_(fd) {}
        ~UniqueFd() { reset(); }
        UniqueFd(UniqueFd&& other) noexcept : fd_(std::exchange(other.fd_, -1)) {}
        UniqueFd& operator=(UniqueFd&& other) noexcept {
            if (this != &other) {
                reset();
                fd_ = std::exchange(other.fd_, -1);
            }
            return *this;
        }
        UniqueFd(const UniqueFd&) = delete;
        UniqueFd& operator=(const UniqueFd&) = delete;

        int get() const { return fd_; }
        bool valid() const { return fd_ >= 0; }
        void reset() {
            if (fd_ >= 0) ::close(fd_);
            fd_ = -1;
        }

    private:
        int fd_ = -1;
    };

    struct SslCtxFree {
        void operator()(SSL_CTX* p) const noexcept { SSL_CTX_free(p); }
    };
    struct SslFree {
        void operator()(SSL* p) const noexcept { SSL_free(p); }
    };

    Result<void> waitFor(short events, const Budget& budget);
    Result<void> connectTcp(const Budget& budget);
    void tuneSocket();
    Result<void> makeSslContext();
    std::string tlsFailure(const char* op, int sslError, int sysErrno);
    Result<void> startTls(const Budget& budget);

    const RedisOptions& options_;
    std::unique_ptr<SSL_CTX, SslCtxFree> sslCtx_;  // kept across reconnects: loading the CA bundle is the costly part
    UniqueFd fd_;
    std::unique_ptr<SSL, SslFree> ssl_;
    std::array<char, 16384> readBuf_{};
};

}  // namespace boxoffice::redis
