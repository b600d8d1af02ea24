#include "common/event_loop.hpp"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <ctime>
#include <stdexcept>

#include <fcntl.h>
#include <netdb.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/ssl.h>

#include "common/event_loop_conn.hpp"
#include "common/http_response.hpp"
#include "common/tls.hpp"

namespace boxoffice::load {

std::int64_t monoMicros() {
    timespec ts{};
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return static_cast<std::int64_t>(ts.tv_sec) * 1'000'000 + ts.tv_nsec / 1000;
}

EventLoop::EventLoop(const Origin& server, int connections, std::chrono::milliseconds timeout, LoopHandler& handler,
                     const TlsClient* tls)
    : server_(server.addr),
      host_(server.url.host),
      tls_(server.url.tls ? tls : nullptr),
      timeout_(timeout),
      handler_(handler) {
    if (server.url.tls && tls == nullptr) throw std::logic_error("EventLoop: an https:// origin needs a TlsClient");
    epoll_ = epoll_create1(EPOLL_CLOEXEC);
    for (int i = 0; i < connections; ++i) {
        auto c = std::make_unique<Conn>();
        c->cap = 16384;
        c->buf = std::make_unique<char[]>(c->cap);
        conns_.push_back(std::move(c));
    }
}

EventLoop::~EventLoop() {
    for (auto& c : conns_) {
        SSL_free(c->ssl);
        if (c->fd >= 0) ::close(c->fd);
    }
    if (epoll_ >= 0) ::close(epoll_);
}

void EventLoop::open(Conn& c) {
    c.inClosedList = false;
    c.fd = ::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (c.fd < 0) {
        c.state = Conn::State::Closed;
        c.reopenAt = monoMicros() + 100'000;
        c.inClosedList = true;
        closed_.push_back(&c);
        return;
    }
    int one = 1;
    ::setsockopt(c.fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    c.state = Conn::State::Connecting;
    c.len = 0;
    c.haveHead = false;
    const int rc = ::connect(c.fd, reinterpret_cast<const sockaddr*>(&server_), sizeof server_);
    epoll_event ev{};
    ev.events = EPOLLIN | EPOLLOUT;
    ev.data.ptr = &c;
    c.writeArmed = true;
    ::epoll_ctl(epoll_, EPOLL_CTL_ADD, c.fd, &ev);
    if (rc != 0 && errno != EINPROGRESS) fail(c, "connect failed");
}

void EventLoop::closeConn(Conn& c) {
    if (c.ssl != nullptr) {
        // No close_notify: the socket goes away now either way, and the server does not wait for it.
        SSL_free(c.ssl);
        c.ssl = nullptr;
        c.writeWantsRead = c.readWantsWrite = false;
    }
    if (c.fd >= 0) {
        ::epoll_ctl(epoll_, EPOLL_CTL_DEL, c.fd, nullptr);
        ::close(c.fd);
    }
    c.fd = -1;
    c.state = Conn::State::Closed;
    c.len = 0;
    c.haveHead = false;
    c.writeArmed = false;
    if (!c.inClosedList) {
        c.inClosedList = true;
        closed_.push_back(&c);
    }
}

void EventLoop::fail(Conn& c, const char* reason) {
    const bool wasConnecting = c.state == Conn::State::Connecting || c.state == Conn::State::Handshaking;
    const bool hadCall = c.state == Conn::State::Busy;
    Call call;
    if (hadCall) {
        call = std::move(c.call);
        --inFlight_;
    }
    closeConn(c);
    // Back off only while connecting fails (the server is down or out of backlog); a reset
    // keep-alive socket is reopened at once.
    c.connectFailures = wasConnecting ? std::min(c.connectFailures + 1, 7) : 0;
    c.reopenAt = monoMicros() + (c.connectFailures ? (5'000LL << c.connectFailures) : 0);
    ++reconnects_;
    if (hadCall) handler_.onFailure(call, reason, monoMicros());
}

void EventLoop::becomeIdle(Conn& c) {
    c.state = Conn::State::Idle;
    if (!queue_.empty()) {
        Call next = std::move(queue_.front());
        queue_.pop_front();
        startOn(c, std::move(next));
        return;
    }
    if (!c.inIdleList) {
        c.inIdleList = true;
        idle_.push_back(&c);
    }
}

void EventLoop::submit(Call call) {
    while (!idle_.empty()) {
        Conn* c = idle_.back();
        idle_.pop_back();
        c->inIdleList = false;
        if (c->state != Conn::State::Idle) continue;
        startOn(*c, std::move(call));
        return;
    }
    queue_.push_back(std::move(call));
}

void EventLoop::startOn(Conn& c, Call&& call) {
    c.call = std::move(call);
    c.call.sent = monoMicros();
    c.state = Conn::State::Busy;
    c.outOff = 0;
    c.len = 0;
    c.haveHead = false;
    ++inFlight_;
    flush(c);
}

void EventLoop::flush(Conn& c) {
    if (c.ssl != nullptr) {
        flushTls(c);
        return;
    }
    const std::string& w = c.call.wire;
    while (c.outOff < w.size()) {
        const ssize_t n = ::send(c.fd, w.data() + c.outOff, w.size() - c.outOff, MSG_NOSIGNAL);
        if (n > 0) {
            c.outOff += static_cast<std::size_t>(n);
            continue;
        }
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
            setWriteInterest(c, true);
            return;
        }
        fail(c, "send failed");
        return;
    }
    setWriteInterest(c, false);
}

void EventLoop::setWriteInterest(Conn& c, bool on) {
    if (c.writeArmed == on) return;
    epoll_event ev{};
    ev.events = on ? EPOLLIN | EPOLLOUT : EPOLLIN;
    ev.data.ptr = &c;
    ::epoll_ctl(epoll_, EPOLL_CTL_MOD, c.fd, &ev);
    c.writeArmed = on;
}

void EventLoop::onWritable(Conn& c) {
    if (c.state == Conn::State::Connecting) {
        int err = 0;
        socklen_t len = sizeof err;
        ::getsockopt(c.fd, SOL_SOCKET, SO_ERROR, &err, &len);
        if (err != 0) {
            fail(c, "connect failed");
            return;
        }
        if (tls_ != nullptr) {
            std::string error;
            c.ssl = tls_->newSession(c.fd, host_, error);
            if (c.ssl == nullptr) {
                lastTlsError_ = error;
                fail(c, "TLS handshake failed");
                return;
            }
            c.state = Conn::State::Handshaking;
            c.handshakeStart = monoMicros();
            handshake(c);
            return;
        }
        c.connectFailures = 0;
        epoll_event ev{};
        ev.events = EPOLLIN;
        ev.data.ptr = &c;
        ::epoll_ctl(epoll_, EPOLL_CTL_MOD, c.fd, &ev);
        c.writeArmed = false;
        becomeIdle(c);
        return;
    }
    if (c.state == Conn::State::Handshaking) {
        handshake(c);
        return;
    }
    if (c.state == Conn::State::Busy) {
        if (c.readWantsWrite) {
            onReadable(c);
            return;
        }
        flush(c);
    }
}

void EventLoop::onReadable(Conn& c) {
    if (c.writeWantsRead) {
        flush(c);
        if (c.fd < 0) return;
    }
    for (;;) {
        if (c.cap - c.len < 4096) {
            auto bigger = std::make_unique<char[]>(c.cap * 2);
            std::memcpy(bigger.get(), c.buf.get(), c.len);
            c.buf = std::move(bigger);
            c.cap *= 2;
        }
        const ssize_t n = c.ssl != nullptr ? readTls(c, c.buf.get() + c.len, c.cap - c.len)
                                           : ::recv(c.fd, c.buf.get() + c.len, c.cap - c.len, 0);
        if (n == 0) {
            fail(c, c.state == Conn::State::Busy ? "connection closed by server" : "idle connection closed");
            return;
        }
        if (n < 0) {
            if (errno == EAGAIN || errno == EWOULDBLOCK) break;
            if (errno == EINTR) continue;
            fail(c, "connection reset");
            return;
        }
        c.len += static_cast<std::size_t>(n);
        // A short read drained the socket; over TLS, a record may also be only partly handed over.
        if (c.len < c.cap && (c.ssl == nullptr || SSL_pending(c.ssl) == 0)) break;
    }
    if (c.state != Conn::State::Busy) {
        c.len = 0;  // nothing is expected on an idle socket
        return;
    }
    const std::string_view data(c.buf.get(), c.len);
    if (!c.haveHead) {
        switch (parseResponseHead(data, c.head)) {
            case HeadParse::Incomplete:
                return;
            case HeadParse::Invalid:
                fail(c, "malformed response");
                return;
            case HeadParse::Done:
                c.haveHead = true;
                break;
        }
    }
    if (c.len < c.head.headerBytes + c.head.contentLength) return;
    Call call = std::move(c.call);
    --inFlight_;
    c.state = Conn::State::Idle;  // not yet offered: the handler's next request may take another one
    const Response r{c.head.status, data.substr(c.head.headerBytes, c.head.contentLength),
                     data.substr(0, c.head.headerBytes)};
    handler_.onResponse(call, r, monoMicros());
    c.len = 0;
    c.haveHead = false;
    if (c.head.close) {
        closeConn(c);
        c.reopenAt = 0;
        ++reconnects_;
        return;
    }
    becomeIdle(c);
}

void EventLoop::addTimer(std::int64_t atMicros, std::uint32_t user, std::uint8_t step) {
    timers_.push({atMicros, user, step});
}

void EventLoop::fireTimers() {
    const std::int64_t now = monoMicros();
    while (!timers_.empty() && timers_.top().at <= now) {
        const Timer t = timers_.top();
        timers_.pop();
        handler_.onTimer(t.user, t.step, now);
    }
}

void EventLoop::checkTimeouts(std::int64_t now) {
    const std::int64_t limit = std::chrono::duration_cast<std::chrono::microseconds>(timeout_).count();
    for (auto& c : conns_) {
        if (c->state == Conn::State::Busy && now - c->call.sent > limit) fail(*c, "timeout");
        if (c->state == Conn::State::Handshaking && now - c->handshakeStart > limit) {
            lastTlsError_ = "no TLS handshake within the timeout";
            fail(*c, "TLS handshake failed");
        }
    }
    while (!queue_.empty() && now - queue_.front().planned > limit) {
        Call call = std::move(queue_.front());
        queue_.pop_front();
        handler_.onFailure(call, "no connection within the timeout", now);
    }
}

void EventLoop::pollOnce() {
    std::int64_t now = monoMicros();
    int waitMs = 100;
    if (!timers_.empty()) waitMs = static_cast<int>(std::clamp<std::int64_t>((timers_.top().at - now) / 1000, 0, 100));
    if (!closed_.empty()) waitMs = std::min(waitMs, 5);
    epoll_event events[512];
    const int n = ::epoll_wait(epoll_, events, 512, waitMs);
    for (int i = 0; i < n; ++i) {
        auto* c = static_cast<Conn*>(events[i].data.ptr);
        if (c->fd < 0) continue;
        const auto ev = events[i].events;
        if (ev & (EPOLLOUT | EPOLLERR)) onWritable(*c);
        if (c->fd >= 0 && (ev & (EPOLLIN | EPOLLHUP | EPOLLERR))) {
            if (c->state == Conn::State::Connecting) {
                if (ev & (EPOLLHUP | EPOLLERR)) fail(*c, "connect failed");
            } else if (c->state == Conn::State::Handshaking) {
                handshake(*c);  // a reset surfaces as its error
            } else {
                onReadable(*c);
            }
        }
    }
    now = monoMicros();
    if (!closed_.empty()) {
        std::vector<Conn*> retry;
        retry.swap(closed_);
        for (Conn* c : retry) {
            if (c->state != Conn::State::Closed) {
                c->inClosedList = false;
                continue;
            }
            if (c->reopenAt <= now) {
                open(*c);
            } else {
                closed_.push_back(c);
            }
        }
    }
    if (now - lastTimeoutScan_ > 100'000) {
        lastTimeoutScan_ = now;
        checkTimeouts(now);
    }
}

int EventLoop::connectAll(std::chrono::milliseconds within) {
    for (auto& c : conns_)
        if (c->state == Conn::State::Closed && !c->inClosedList) open(*c);
    const std::int64_t deadline = monoMicros() + within.count() * 1000;
    auto ready = [&] {
        int n = 0;
        for (auto& c : conns_) n += c->state == Conn::State::Idle;
        return n;
    };
    while (monoMicros() < deadline && ready() < static_cast<int>(conns_.size())) pollOnce();
    return ready();
}

bool resolveOrigin(const std::string& baseUrl, Origin& out, std::string& error) {
    auto url = parseBaseUrl(baseUrl, error);
    if (!url) return false;
    addrinfo hints{};
    hints.ai_family = AF_INET;
    hints.ai_socktype = SOCK_STREAM;
    addrinfo* res = nullptr;
    if (const int rc = ::getaddrinfo(url->host.c_str(), url->port.c_str(), &hints, &res); rc != 0 || !res) {
        error = "cannot resolve " + url->host + ": " + gai_strerror(rc);
        return false;
    }
    std::memcpy(&out.addr, res->ai_addr, sizeof out.addr);
    ::freeaddrinfo(res);
    out.url = std::move(*url);
    return true;
}

}  // namespace boxoffice::load
