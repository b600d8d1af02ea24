#include "storage/redis/redis_connection.hpp"

#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <cerrno>
#include <charconv>
#include <climits>
#include <string_view>
#include <system_error>
#include <utility>

namespace boxoffice::redis {
namespace {

using Clock = std::chrono::steady_clock;

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
struct AddrInfoFree {
    void operator()(addrinfo* p) const noexcept { freeaddrinfo(p); }
};
using SslCtxPtr = std::unique_ptr<SSL_CTX, SslCtxFree>;
using SslPtr = std::unique_ptr<SSL, SslFree>;
using AddrInfoPtr = std::unique_ptr<addrinfo, AddrInfoFree>;

// The one place a Redis transport failure becomes an ErrorCode: clients see only the fixed
// detail, the reason goes to `internal` for the log.
Error unavailable(std::string internal) {
    return Error::of(ErrorCode::DependencyUnavailable, "redis unavailable", std::move(internal));
}
Error timedOut(std::string internal) {
    return Error::of(ErrorCode::DependencyTimeout, "redis timed out", std::move(internal));
}

// system_category().message() is thread-safe, unlike strerror().
std::string errnoText(int err) {
    return std::system_category().message(err);
}

// Drains OpenSSL's per-thread error queue so a stale entry cannot be blamed on a later call.
std::string drainSslErrors() {
    std::string out;
    while (const unsigned long code = ERR_get_error()) {
        std::array<char, 256> buf{};
        ERR_error_string_n(code, buf.data(), buf.size());
        if (!out.empty()) out += "; ";
        out += buf.data();
    }
    return out;
}

bool isIpLiteral(const std::string& host) {
    in6_addr v6{};
    in_addr v4{};
    return inet_pton(AF_INET, host.c_str(), &v4) == 1 || inet_pton(AF_INET6, host.c_str(), &v6) == 1;
}

// Appends one command in RESP form (an array of bulk strings). Every argument carries its
// length, so binary arguments (CR, LF, NUL) need no care; written here rather than through
// redisFormatCommandArgv because this runs for every hold and needs no allocation of its own.
bool appendCommand(const std::vector<std::string>& argv, std::string& wire) {
    if (argv.empty() || argv.size() > static_cast<std::size_t>(INT_MAX)) return false;
    char num[24];
    const auto appendHeader = [&](char kind, std::size_t n) {
        wire.push_back(kind);
        const auto [end, ec] = std::to_chars(num, num + sizeof num, n);
        wire.append(num, end);
        wire.append("\r\n", 2);
    };
    appendHeader('*', argv.size());
    for (const auto& a : argv) {
        appendHeader('$', a.size());
        wire.append(a);
        wire.append("\r\n", 2);
    }
    return true;
}

// One deadline and what it is for, so a timeout names the phase and the budget that ran out.
struct Budget {
    Clock::time_point deadline;
    std::chrono::milliseconds total;
    const char* phase;
};

}  // namespace

struct RedisConnection::Impl {
    explicit Impl(RedisOptions opts)
        : options(std::move(opts)),
          where("redis " + options.endpoint.host + ":" + std::to_string(options.endpoint.port) + ": ") {}

    RedisOptions options;
    std::string where;
    SslCtxPtr sslCtx;  // kept across reconnects: loading the CA bundle is the costly part
    UniqueFd fd;
    SslPtr ssl;
    std::unique_ptr<ReplyReader> reader;
    bool ready = false;  // true only after TCP, TLS, AUTH and SELECT all succeeded
    bool connectedBefore = false;
    std::atomic<std::uint64_t> reconnects{0};  // read by metrics from another thread
    std::array<char, 16384> readBuf{};

    Error fail(Error e) {
        drop();
        e.internal.insert(0, where);
        return e;
    }

    // After a failure the stream position is unknown (half a reply may be in flight), so the
    // connection is discarded rather than reused; no close_notify, since OpenSSL forbids
    // SSL_shutdown after a fatal error.
    void drop() {
        ready = false;
        ssl.reset();
        fd.reset();
        reader.reset();
        ERR_clear_error();
    }

    void closeGracefully() {
        if (ssl && ready) {
            // One non-blocking attempt: close_notify is a courtesy and must not stall the caller.
            ERR_clear_error();
            (void)SSL_shutdown(ssl.get());
        }
        drop();
    }

    Result<void> waitFor(short events, const Budget& budget) {
        for (;;) {
            const auto now = Clock::now();
            if (now >= budget.deadline) {
                return timedOut(std::string(budget.phase) + " deadline of " + std::to_string(budget.total.count()) +
                                " ms passed");
            }
            const auto left = std::chrono::ceil<std::chrono::milliseconds>(budget.deadline - now).count();
            pollfd p{fd.get(), events, 0};
            const int n = ::poll(&p, 1, static_cast<int>(std::min<long long>(left, INT_MAX)));
            // POLLERR/POLLHUP count as ready: the read or write that follows reports the cause.
            if (n > 0) return {};
            if (n < 0 && errno != EINTR) return unavailable("poll: " + errnoText(errno));
        }
    }

    Result<void> connectTcp(const Budget& budget) {
        addrinfo hints{};
        hints.ai_family = AF_UNSPEC;
        hints.ai_socktype = SOCK_STREAM;
        hints.ai_flags = AI_NUMERICSERV;
        addrinfo* found = nullptr;
        const std::string port = std::to_string(options.endpoint.port);
        // getaddrinfo takes no deadline: a slow resolver is bounded only by resolv.conf's
        // timeout/attempts, which can stretch connect() past connectTimeout for DNS names such as
        // ElastiCache endpoints. Numeric hosts resolve without I/O.
        const int rc = getaddrinfo(options.endpoint.host.c_str(), port.c_str(), &hints, &found);
        if (rc != 0) {
            return unavailable("resolve: " + std::string(rc == EAI_SYSTEM ? errnoText(errno) : gai_strerror(rc)));
        }
        const AddrInfoPtr addresses(found);

        std::string lastError = "no address to connect to";
        for (const addrinfo* ai = addresses.get(); ai != nullptr; ai = ai->ai_next) {
            UniqueFd s(::socket(ai->ai_family, ai->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, ai->ai_protocol));
            if (!s.valid()) {
                lastError = "socket: " + errnoText(errno);
                continue;
            }
            fd = std::move(s);
            if (::connect(fd.get(), ai->ai_addr, ai->ai_addrlen) != 0) {
                if (errno != EINPROGRESS) {
                    lastError = "connect: " + errnoText(errno);
                    fd.reset();
                    continue;
                }
                // A timeout ends the attempt outright: the budget is shared by all addresses.
                if (auto w = waitFor(POLLOUT, budget); !w) return w;
                int soError = 0;
                socklen_t soLen = sizeof soError;
                if (::getsockopt(fd.get(), SOL_SOCKET, SO_ERROR, &soError, &soLen) != 0) soError = errno;
                if (soError != 0) {
                    lastError = "connect: " + errnoText(soError);
                    fd.reset();
                    continue;
                }
            }
            tuneSocket();
            return {};
        }
        return unavailable(lastError);
    }

    void tuneSocket() {
        const int on = 1;
        // Commands are small and latency-bound; Nagle would hold a pipeline's tail for an ACK.
        (void)::setsockopt(fd.get(), IPPROTO_TCP, TCP_NODELAY, &on, sizeof on);
        (void)::setsockopt(fd.get(), SOL_SOCKET, SO_KEEPALIVE, &on, sizeof on);
        // Linux's default of 2 h idle before the first probe outlives every NAT/firewall idle
        // timeout on the path, so a silently dropped pooled connection would go unnoticed.
        const int idle = 60;
        const int interval = 10;
        const int probes = 3;
        (void)::setsockopt(fd.get(), IPPROTO_TCP, TCP_KEEPIDLE, &idle, sizeof idle);
        (void)::setsockopt(fd.get(), IPPROTO_TCP, TCP_KEEPINTVL, &interval, sizeof interval);
        (void)::setsockopt(fd.get(), IPPROTO_TCP, TCP_KEEPCNT, &probes, sizeof probes);
    }

    Result<void> makeSslContext() {
        ERR_clear_error();
        SslCtxPtr ctx(SSL_CTX_new(TLS_client_method()));
        if (!ctx) return unavailable("SSL_CTX_new: " + drainSslErrors());
        // ElastiCache offers TLS 1.2 and 1.3; nothing older is worth negotiating.
        SSL_CTX_set_min_proto_version(ctx.get(), TLS1_2_VERSION);
        // Partial writes let writeAll advance through a large pipeline like it does on a plain socket.
        SSL_CTX_set_mode(ctx.get(), SSL_MODE_ENABLE_PARTIAL_WRITE | SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER);
        if (options.verifyPeer) {
            SSL_CTX_set_verify(ctx.get(), SSL_VERIFY_PEER, nullptr);
            const int ok = options.caFile.empty()
                               ? SSL_CTX_set_default_verify_paths(ctx.get())
                               : SSL_CTX_load_verify_locations(ctx.get(), options.caFile.c_str(), nullptr);
            if (ok != 1) {
                return unavailable("cannot load CA certificates '" + options.caFile + "': " + drainSslErrors());
            }
        } else {
            SSL_CTX_set_verify(ctx.get(), SSL_VERIFY_NONE, nullptr);
        }
        sslCtx = std::move(ctx);
        return {};
    }

    std::string tlsFailure(const char* op, int sslError, int sysErrno) {
        std::string reason = std::string(op) + ": ";
        if (sslError == SSL_ERROR_ZERO_RETURN) {
            reason += "server closed the TLS session";
        } else if (sslError == SSL_ERROR_SYSCALL) {
            reason += sysErrno != 0 ? errnoText(sysErrno) : "connection closed";
        } else if (sslError == SSL_ERROR_SSL) {
            reason += "TLS protocol failure";
        } else {
            reason += "SSL_get_error " + std::to_string(sslError);
        }
        if (const std::string queued = drainSslErrors(); !queued.empty()) reason += " (" + queued + ")";
        return reason;
    }

    Result<void> startTls(const Budget& budget) {
        if (!sslCtx) {
            if (auto r = makeSslContext(); !r) return r;
        }
        ERR_clear_error();
        ssl.reset(SSL_new(sslCtx.get()));
        if (!ssl || SSL_set_fd(ssl.get(), fd.get()) != 1) return unavailable("SSL_new: " + drainSslErrors());

        const std::string& host = options.endpoint.host;
        const bool ipLiteral = isIpLiteral(host);
        // RFC 6066 forbids IP literals in SNI; ElastiCache endpoints are always names. SSL_ctrl is
        // spelled out because the SSL_set_tlsext_host_name macro hides a C-style cast.
        if (!ipLiteral && SSL_ctrl(ssl.get(), SSL_CTRL_SET_TLSEXT_HOSTNAME, TLSEXT_NAMETYPE_host_name,
                                   const_cast<char*>(host.c_str())) != 1) {
            return unavailable("SNI: " + drainSslErrors());
        }
        if (options.verifyPeer) {
            // An IP must match an IP SAN, not a DNS one; set1_host would compare it as a name.
            const int ok = ipLiteral ? X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(ssl.get()), host.c_str())
                                     : SSL_set1_host(ssl.get(), host.c_str());
            if (ok != 1) return unavailable("cannot set the expected host name: " + drainSslErrors());
            SSL_set_hostflags(ssl.get(), X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
        }

        for (;;) {
            ERR_clear_error();
            const int rc = SSL_connect(ssl.get());
            const int sysErrno = errno;
            if (rc == 1) return {};
            const int err = SSL_get_error(ssl.get(), rc);
            if (err == SSL_ERROR_WANT_READ || err == SSL_ERROR_WANT_WRITE) {
                if (auto w = waitFor(err == SSL_ERROR_WANT_READ ? POLLIN : POLLOUT, budget); !w) return w;
                continue;
            }
            std::string reason = tlsFailure("TLS handshake", err, sysErrno);
            if (const long verify = SSL_get_verify_result(ssl.get()); verify != X509_V_OK) {
                reason += " (certificate: " + std::string(X509_verify_cert_error_string(verify)) + ")";
            }
            return unavailable(std::move(reason));
        }
    }

    Result<void> writeAll(std::string_view data, const Budget& budget) {
        while (!data.empty()) {
            if (ssl) {
                ERR_clear_error();
                const int chunk = static_cast<int>(std::min<std::size_t>(data.size(), INT_MAX));
                const int n = SSL_write(ssl.get(), data.data(), chunk);
                const int sysErrno = errno;
                if (n > 0) {
                    data.remove_prefix(static_cast<std::size_t>(n));
                    continue;
                }
                const int err = SSL_get_error(ssl.get(), n);
                if (err == SSL_ERROR_WANT_WRITE || err == SSL_ERROR_WANT_READ) {
                    if (auto w = waitFor(err == SSL_ERROR_WANT_READ ? POLLIN : POLLOUT, budget); !w) return w;
                    continue;
                }
                return unavailable(tlsFailure("write", err, sysErrno));
            }
            // MSG_NOSIGNAL: a peer that already closed must not raise SIGPIPE. SSL_write above
            // goes through the socket BIO's plain write(), which cannot pass that flag; it relies
            // on main() having set SIGPIPE to SIG_IGN for the whole process.
            const ssize_t n = ::send(fd.get(), data.data(), data.size(), MSG_NOSIGNAL);
            if (n >= 0) {
                data.remove_prefix(static_cast<std::size_t>(n));
                continue;
            }
            if (errno == EINTR) continue;
            if (errno == EAGAIN || errno == EWOULDBLOCK) {
                if (auto w = waitFor(POLLOUT, budget); !w) return w;
                continue;
            }
            return unavailable("write: " + errnoText(errno));
        }
        return {};
    }

    // Returns at least one byte. SSL_read is tried before polling because OpenSSL may already hold
    // decrypted bytes the socket no longer shows as readable.
    Result<std::size_t> readSome(const Budget& budget) {
        for (;;) {
            if (ssl) {
                ERR_clear_error();
                const int n = SSL_read(ssl.get(), readBuf.data(), static_cast<int>(readBuf.size()));
                const int sysErrno = errno;
                if (n > 0) return static_cast<std::size_t>(n);
                const int err = SSL_get_error(ssl.get(), n);
                if (err == SSL_ERROR_WANT_READ || err == SSL_ERROR_WANT_WRITE) {
                    if (auto w = waitFor(err == SSL_ERROR_WANT_READ ? POLLIN : POLLOUT, budget); !w) return w.error();
                    continue;
                }
                return unavailable(tlsFailure("read", err, sysErrno));
            }
            const ssize_t n = ::recv(fd.get(), readBuf.data(), readBuf.size(), 0);
            if (n > 0) return static_cast<std::size_t>(n);
            if (n == 0) return unavailable("read: server closed the connection");
            if (errno == EINTR) continue;
            if (errno == EAGAIN || errno == EWOULDBLOCK) {
                if (auto w = waitFor(POLLIN, budget); !w) return w.error();
                continue;
            }
            return unavailable("read: " + errnoText(errno));
        }
    }

    Result<std::vector<Reply>> readReplies(std::size_t count, const Budget& budget) {
        std::vector<Reply> replies;
        replies.reserve(count);
        while (replies.size() < count) {
            std::optional<Reply> reply;
            if (!reader->next(reply)) return unavailable("protocol error: " + reader->error());
            if (reply) {
                replies.push_back(std::move(*reply));
                continue;
            }
            auto n = readSome(budget);
            if (!n) return std::move(n).error();
            if (!reader->feed(std::string_view(readBuf.data(), *n))) {
                return unavailable("protocol error: " + reader->error());
            }
        }
        return replies;
    }

    // Everything is written before anything is read. That cannot deadlock against Redis: it keeps
    // reading and queues replies in its client output buffer while we are not reading. (A proxy
    // that stops reading when its send side is full could stall us, but only until the deadline.)
    Result<std::vector<Reply>> exchange(std::string_view wire, std::size_t count, const Budget& budget) {
        if (auto w = writeAll(wire, budget); !w) return w.error();
        return readReplies(count, budget);
    }

    Result<void> handshake(const Budget& budget) {
        const RedisEndpoint& ep = options.endpoint;
        std::string wire;
        std::vector<const char*> what;
        if (!ep.password.empty()) {
            if (ep.username.empty()) {
                appendCommand({"AUTH", ep.password}, wire);
            } else {
                appendCommand({"AUTH", ep.username, ep.password}, wire);
            }
            what.push_back("AUTH");
        }
        if (ep.db != 0) {
            appendCommand({"SELECT", std::to_string(ep.db)}, wire);
            what.push_back("SELECT");
        }
        if (what.empty()) return {};
        // AUTH and SELECT share one round trip; if AUTH fails, SELECT fails with NOAUTH too.
        auto replies = exchange(wire, what.size(), budget);
        if (!replies) return std::move(replies).error();
        for (std::size_t i = 0; i < what.size(); ++i) {
            const Reply& r = replies.value()[i];
            // Redis's AUTH errors never echo the password, so the text is safe to log.
            if (r.type == Reply::Type::Error) return unavailable(std::string(what[i]) + " rejected: " + r.str);
        }
        return {};
    }

    Result<void> connect(std::optional<Clock::time_point> due = {}) {
        if (ready) return {};
        drop();
        // One budget covers TCP, TLS and AUTH/SELECT: the caller cares how long connecting took,
        // not which step was slow.
        Budget budget{Clock::now() + options.connectTimeout, options.connectTimeout, "connect"};
        if (due && *due < budget.deadline) budget.deadline = *due;
        if (auto r = connectTcp(budget); !r) return fail(std::move(r).error());
        if (options.endpoint.tls) {
            if (auto r = startTls(budget); !r) return fail(std::move(r).error());
        }
        reader = std::make_unique<ReplyReader>();
        if (!reader->valid()) return fail(unavailable("redisReaderCreate: out of memory"));
        if (auto r = handshake(budget); !r) return fail(std::move(r).error());
        ready = true;
        if (connectedBefore) reconnects.fetch_add(1, std::memory_order_relaxed);
        connectedBefore = true;
        return {};
    }

    Result<std::vector<Reply>> run(const std::string& wire, std::size_t count,
                                   std::optional<Clock::time_point> due = {}) {
        if (auto c = connect(due); !c) return std::move(c).error();
        Budget budget{Clock::now() + options.commandTimeout, options.commandTimeout, "command"};
        if (due && *due < budget.deadline) budget.deadline = *due;
        auto replies = exchange(wire, count, budget);
        if (!replies) return fail(std::move(replies).error());
        return replies;
    }
};

RedisConnection::RedisConnection(RedisOptions options) : impl_(std::make_unique<Impl>(std::move(options))) {}

RedisConnection::~RedisConnection() {
    impl_->closeGracefully();
}

Result<void> RedisConnection::connect() {
    return impl_->connect();
}

bool RedisConnection::connected() const {
    return impl_->ready;
}

std::uint64_t RedisConnection::reconnects() const {
    return impl_->reconnects.load(std::memory_order_relaxed);
}

void RedisConnection::close() {
    impl_->closeGracefully();
}

Result<Reply> RedisConnection::command(const std::vector<std::string>& argv) {
    std::string wire;
    if (!appendCommand(argv, wire)) return Error::internalError("redis: cannot encode an empty command");
    auto replies = impl_->run(wire, 1);
    if (!replies) return std::move(replies).error();
    return std::move(replies.value().front());
}

Result<std::vector<Reply>> RedisConnection::pipeline(const std::vector<std::vector<std::string>>& commands) {
    if (commands.empty()) return std::vector<Reply>{};
    std::string wire;
    for (const auto& argv : commands) {
        if (!appendCommand(argv, wire)) return Error::internalError("redis: cannot encode an empty command");
    }
    return impl_->run(wire, commands.size());
}

Result<std::vector<Reply>> RedisConnection::pipelineRefs(
    const std::vector<const std::vector<std::string>*>& commands,
    std::optional<std::chrono::steady_clock::time_point> deadline) {
    if (commands.empty()) return std::vector<Reply>{};
    std::string wire;
    for (const auto* argv : commands) {
        if (!appendCommand(*argv, wire)) return Error::internalError("redis: cannot encode an empty command");
    }
    return impl_->run(wire, commands.size(), deadline);
}

}  // namespace boxoffice::redis
