#include "storage/redis/redis_socket.hpp"

#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <openssl/err.h>
#include <openssl/x509v3.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <climits>
#include <system_error>
#include <utility>

namespace boxoffice::redis {

Error redisUnavailable(std::string internal) {
    return Error::of(ErrorCode::DependencyUnavailable, "redis unavailable", std::move(internal));
}
Error redisTimedOut(std::string internal) {
    return Error::of(ErrorCode::DependencyTimeout, "redis timed out", std::move(internal));
}

namespace {

using Clock = std::chrono::steady_clock;

struct AddrInfoFree {
    void operator()(addrinfo* p) const noexcept { freeaddrinfo(p); }
};
using AddrInfoPtr = std::unique_ptr<addrinfo, AddrInfoFree>;

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

}  // namespace

Result<void> RedisSocket::open(const Budget& budget) {
    drop();
    if (auto r = connectTcp(budget); !r) return r;
    if (options_.endpoint.tls) return startTls(budget);
    return {};
}

void RedisSocket::drop() {
    ssl_.reset();
    fd_.reset();
    ERR_clear_error();
}

void RedisSocket::closeGracefully() {
    if (ssl_) {
        ERR_clear_error();
        (void)SSL_shutdown(ssl_.get());
    }
    drop();
}

Result<void> RedisSocket::waitFor(short events, const Budget& budget) {
    for (;;) {
        const auto now = Clock::now();
        if (now >= budget.deadline) {
            return redisTimedOut(std::string(budget.phase) + " deadline of " + std::to_string(budget.total.count()) +
                                 " ms passed");
        }
        const auto left = std::chrono::ceil<std::chrono::milliseconds>(budget.deadline - now).count();
        pollfd p{fd_.get(), events, 0};
        const int n = ::poll(&p, 1, static_cast<int>(std::min<long long>(left, INT_MAX)));
        // POLLERR/POLLHUP count as ready: the read or write that follows reports the cause.
        if (n > 0) return {};
        if (n < 0 && errno != EINTR) return redisUnavailable("poll: " + errnoText(errno));
    }
}

Result<void> RedisSocket::connectTcp(const Budget& budget) {
    addrinfo hints{};
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_NUMERICSERV;
    addrinfo* found = nullptr;
    const std::string port = std::to_string(options_.endpoint.port);
    // getaddrinfo takes no deadline: a slow resolver is bounded only by resolv.conf's
    // timeout/attempts, which can stretch connect() past connectTimeout for DNS names such as
    // ElastiCache endpoints. Numeric hosts resolve without I/O.
    const int rc = getaddrinfo(options_.endpoint.host.c_str(), port.c_str(), &hints, &found);
    if (rc != 0) {
        return redisUnavailable("resolve: " + std::string(rc == EAI_SYSTEM ? errnoText(errno) : gai_strerror(rc)));
    }
    const AddrInfoPtr addresses(found);

    std::string lastError = "no address to connect to";
    for (const addrinfo* ai = addresses.get(); ai != nullptr; ai = ai->ai_next) {
        UniqueFd s(::socket(ai->ai_family, ai->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, ai->ai_protocol));
        if (!s.valid()) {
            lastError = "socket: " + errnoText(errno);
            continue;
        }
        fd_ = std::move(s);
        if (::connect(fd_.get(), ai->ai_addr, ai->ai_addrlen) != 0) {
            if (errno != EINPROGRESS) {
                lastError = "connect: " + errnoText(errno);
                fd_.reset();
                continue;
            }
            // A timeout ends the attempt outright: the budget is shared by all addresses.
            if (auto w = waitFor(POLLOUT, budget); !w) return w;
            int soError = 0;
            socklen_t soLen = sizeof soError;
            if (::getsockopt(fd_.get(), SOL_SOCKET, SO_ERROR, &soError, &soLen) != 0) soError = errno;
            if (soError != 0) {
                lastError = "connect: " + errnoText(soError);
                fd_.reset();
                continue;
            }
        }
        tuneSocket();
        return {};
    }
    return redisUnavailable(lastError);
}

void RedisSocket::tuneSocket() {
    const int on = 1;
    // Commands are small and latency-bound; Nagle would hold a pipeline's tail for an ACK.
    (void)::setsockopt(fd_.get(), IPPROTO_TCP, TCP_NODELAY, &on, sizeof on);
    (void)::setsockopt(fd_.get(), SOL_SOCKET, SO_KEEPALIVE, &on, sizeof on);
    // Linux's default of 2 h idle before the first probe outlives every NAT/firewall idle
    // timeout on the path, so a silently dropped pooled connection would go unnoticed.
    const int idle = 60;
    const int interval = 10;
    const int probes = 3;
    (void)::setsockopt(fd_.get(), IPPROTO_TCP, TCP_KEEPIDLE, &idle, sizeof idle);
    (void)::setsockopt(fd_.get(), IPPROTO_TCP, TCP_KEEPINTVL, &interval, sizeof interval);
    (void)::setsockopt(fd_.get(), IPPROTO_TCP, TCP_KEEPCNT, &probes, sizeof probes);
}

Result<void> RedisSocket::makeSslContext() {
    ERR_clear_error();
    std::unique_ptr<SSL_CTX, SslCtxFree> ctx(SSL_CTX_new(TLS_client_method()));
    if (!ctx) return redisUnavailable("SSL_CTX_new: " + drainSslErrors());
    // ElastiCache offers TLS 1.2 and 1.3; nothing older is worth negotiating.
    SSL_CTX_set_min_proto_version(ctx.get(), TLS1_2_VERSION);
    // Partial writes let writeAll advance through a large pipeline like it does on a plain socket.
    SSL_CTX_set_mode(ctx.get(), SSL_MODE_ENABLE_PARTIAL_WRITE | SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER);
    if (options_.verifyPeer) {
        SSL_CTX_set_verify(ctx.get(), SSL_VERIFY_PEER, nullptr);
        const int ok = options_.caFile.empty()
                           ? SSL_CTX_set_default_verify_paths(ctx.get())
                           : SSL_CTX_load_verify_locations(ctx.get(), options_.caFile.c_str(), nullptr);
        if (ok != 1) {
            return redisUnavailable("cannot load CA certificates '" + options_.caFile + "': " + drainSslErrors());
        }
    } else {
        SSL_CTX_set_verify(ctx.get(), SSL_VERIFY_NONE, nullptr);
    }
    sslCtx_ = std::move(ctx);
    return {};
}

std::string RedisSocket::tlsFailure(const char* op, int sslError, int sysErrno) {
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

Result<void> RedisSocket::startTls(const Budget& budget) {
    if (!sslCtx_) {
        if (auto r = makeSslContext(); !r) return r;
    }
    ERR_clear_error();
    ssl_.reset(SSL_new(sslCtx_.get()));
    if (!ssl_ || SSL_set_fd(ssl_.get(), fd_.get()) != 1) return redisUnavailable("SSL_new: " + drainSslErrors());

    const std::string& host = options_.endpoint.host;
    const bool ipLiteral = isIpLiteral(host);
    // RFC 6066 forbids IP literals in SNI; ElastiCache endpoints are always names. SSL_ctrl is
    // spelled out because the SSL_set_tlsext_host_name macro hides a C-style cast.
    if (!ipLiteral && SSL_ctrl(ssl_.get(), SSL_CTRL_SET_TLSEXT_HOSTNAME, TLSEXT_NAMETYPE_host_name,
                               const_cast<char*>(host.c_str())) != 1) {
        return redisUnavailable("SNI: " + drainSslErrors());
    }
    if (options_.verifyPeer) {
        // An IP must match an IP SAN, not a DNS one; set1_host would compare it as a name.
        const int ok = ipLiteral ? X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(ssl_.get()), host.c_str())
                                 : SSL_set1_host(ssl_.get(), host.c_str());
        if (ok != 1) return redisUnavailable("cannot set the expected host name: " + drainSslErrors());
        SSL_set_hostflags(ssl_.get(), X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
    }

    for (;;) {
        ERR_clear_error();
        const int rc = SSL_connect(ssl_.get());
        const int sysErrno = errno;
        if (rc == 1) return {};
        const int err = SSL_get_error(ssl_.get(), rc);
        if (err == SSL_ERROR_WANT_READ || err == SSL_ERROR_WANT_WRITE) {
            if (auto w = waitFor(err == SSL_ERROR_WANT_READ ? POLLIN : POLLOUT, budget); !w) return w;
            continue;
        }
        std::string reason = tlsFailure("TLS handshake", err, sysErrno);
        if (const long verify = SSL_get_verify_result(ssl_.get()); verify != X509_V_OK) {
            reason += " (certificate: " + std::string(X509_verify_cert_error_string(verify)) + ")";
        }
        return redisUnavailable(std::move(reason));
    }
}

Result<void> RedisSocket::writeAll(std::string_view data, const Budget& budget) {
    while (!data.empty()) {
        if (ssl_) {
            ERR_clear_error();
            const int chunk = static_cast<int>(std::min<std::size_t>(data.size(), INT_MAX));
            const int n = SSL_write(ssl_.get(), data.data(), chunk);
            const int sysErrno = errno;
            if (n > 0) {
                data.remove_prefix(static_cast<std::size_t>(n));
                continue;
            }
            const int err = SSL_get_error(ssl_.get(), n);
            if (err == SSL_ERROR_WANT_WRITE || err == SSL_ERROR_WANT_READ) {
                if (auto w = waitFor(err == SSL_ERROR_WANT_READ ? POLLIN : POLLOUT, budget); !w) return w;
                continue;
            }
            return redisUnavailable(tlsFailure("write", err, sysErrno));
        }
        // MSG_NOSIGNAL: a peer that already closed must not raise SIGPIPE. SSL_write above
        // goes through the socket BIO's plain write(), which cannot pass that flag; it relies
        // on main() having set SIGPIPE to SIG_IGN for the whole process.
        const ssize_t n = ::send(fd_.get(), data.data(), data.size(), MSG_NOSIGNAL);
        if (n >= 0) {
            data.remove_prefix(static_cast<std::size_t>(n));
            continue;
        }
        if (errno == EINTR) continue;
        if (errno == EAGAIN || errno == EWOULDBLOCK) {
            if (auto w = waitFor(POLLOUT, budget); !w) return w;
            continue;
        }
        return redisUnavailable("write: " + errnoText(errno));
    }
    return {};
}

// Returns at least one byte. SSL_read is tried before polling because OpenSSL may already hold
// decrypted bytes the socket no longer shows as readable.
Result<std::string_view> RedisSocket::readSome(const Budget& budget) {
    for (;;) {
        if (ssl_) {
            ERR_clear_error();
            const int n = SSL_read(ssl_.get(), readBuf_.data(), static_cast<int>(readBuf_.size()));
            const int sysErrno = errno;
            if (n > 0) return std::string_view(readBuf_.data(), static_cast<std::size_t>(n));
            const int err = SSL_get_error(ssl_.get(), n);
            if (err == SSL_ERROR_WANT_READ || err == SSL_ERROR_WANT_WRITE) {
                if (auto w = waitFor(err == SSL_ERROR_WANT_READ ? POLLIN : POLLOUT, budget); !w) return w.error();
                continue;
            }
            return redisUnavailable(tlsFailure("read", err, sysErrno));
        }
        const ssize_t n = ::recv(fd_.get(), readBuf_.data(), readBuf_.size(), 0);
        if (n > 0) return std::string_view(readBuf_.data(), static_cast<std::size_t>(n));
        if (n == 0) return redisUnavailable("read: server closed the connection");
        if (errno == EINTR) continue;
        if (errno == EAGAIN || errno == EWOULDBLOCK) {
            if (auto w = waitFor(POLLIN, budget); !w) return w.error();
            continue;
        }
        return redisUnavailable("read: " + errnoText(errno));
    }
}

}  // namespace boxoffice::redis
