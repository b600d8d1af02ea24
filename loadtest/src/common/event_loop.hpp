#pragma once
// The harness's HTTP/1.1 client: one epoll loop on one thread driving many non-blocking keep-alive
// connections to one server, one request in flight per connection (no pipelining: a browser or an
// ALB does not pipeline either). Requests wait in a FIFO for a free connection; their latency counts
// from their planned start, so time spent queued here is charged to the service (open loop).
// Timers wake virtual users. Everything on a loop runs on its thread: no locks.
// Over https:// each connection is a non-blocking OpenSSL session (tls.hpp): the handshake runs in
// the loop, and SSL_read/SSL_write's WANT_READ/WANT_WRITE decide which readiness is waited for. On
// http:// the loop makes exactly the recv/send/epoll calls it made before TLS existed.

#include <chrono>
#include <cstdint>
#include <deque>
#include <memory>
#include <queue>
#include <string>
#include <string_view>
#include <vector>

#include <netinet/in.h>

#include "common/base_url.hpp"

namespace boxoffice::load {

class TlsClient;

/// A resolved base URL: where to connect, what to send as Host, whether and how to speak TLS.
struct Origin {
    sockaddr_in addr{};
    BaseUrl url;
};

/// Microseconds on the monotonic clock.
std::int64_t monoMicros();

struct Call {
    std::string wire;          // the whole request, head and body
    std::int64_t planned = 0;  // monoMicros() at which it was meant to start
    std::int64_t sent = 0;     // when its first byte went out
    std::uint32_t user = 0;
    std::uint8_t endpoint = 0;
    std::uint8_t step = 0;
};

struct Response {
    int status = 0;
    std::string_view body;  // valid during the callback only
    std::string_view head;  // status line and headers (headerValue() reads them), same lifetime
};

class LoopHandler {
public:
    virtual ~LoopHandler() = default;
    virtual void onResponse(Call& call, const Response& response, std::int64_t doneMicros) = 0;
    /// Connect/reset/timeout/protocol failure of a call in flight (or one that never got a socket).
    virtual void onFailure(Call& call, const char* reason, std::int64_t doneMicros) = 0;
    virtual void onTimer(std::uint32_t user, std::uint8_t step, std::int64_t nowMicros) = 0;
};

class EventLoop {
public:
    /// `tls` is required for an https:// origin (and ignored for http://); it must outlive the loop.
    EventLoop(const Origin& server, int connections, std::chrono::milliseconds timeout, LoopHandler& handler,
              const TlsClient* tls = nullptr);
    ~EventLoop();
    EventLoop(const EventLoop&) = delete;
    EventLoop& operator=(const EventLoop&) = delete;

    /// Opens every connection before the sale starts (a warm crowd); returns how many connected.
    int connectAll(std::chrono::milliseconds within);

    void submit(Call call);
    void addTimer(std::int64_t atMicros, std::uint32_t user, std::uint8_t step);

    /// Runs until `finished()` holds and nothing is queued, in flight or timed, or until stop().
    template <typename Finished>
    void run(Finished finished) {
        while (!stopped_) {
            fireTimers();
            if (finished() && idle()) break;
            pollOnce();
        }
    }
    void stop() { stopped_ = true; }
    bool idle() const { return inFlight_ == 0 && queue_.empty() && timers_.empty(); }
    std::size_t queued() const { return queue_.size(); }
    int inFlight() const { return inFlight_; }
    long long reconnects() const { return reconnects_; }
    /// The last TLS handshake failure ("" if none): why connectAll() may come up short.
    const std::string& lastTlsError() const { return lastTlsError_; }

private:
    struct Conn;
    struct Timer {
        std::int64_t at;
        std::uint32_t user;
        std::uint8_t step;
        bool operator>(const Timer& o) const { return at > o.at; }
    };

    void fireTimers();
    void pollOnce();
    void open(Conn& c);
    void closeConn(Conn& c);
    void fail(Conn& c, const char* reason);
    void onWritable(Conn& c);
    void onReadable(Conn& c);
    void startOn(Conn& c, Call&& call);
    void flush(Conn& c);
    void flushTls(Conn& c);
    long readTls(Conn& c, char* into, std::size_t room);
    void handshake(Conn& c);
    void setWriteInterest(Conn& c, bool on);
    void becomeIdle(Conn& c);
    void checkTimeouts(std::int64_t now);

    sockaddr_in server_;
    std::string host_;  // SNI and the certificate's expected name
    const TlsClient* tls_ = nullptr;
    std::string lastTlsError_;
    std::chrono::milliseconds timeout_;
    LoopHandler& handler_;
    int epoll_ = -1;
    std::vector<std::unique_ptr<Conn>> conns_;
    std::vector<Conn*> idle_;
    std::vector<Conn*> closed_;  // waiting to be reopened
    std::deque<Call> queue_;
    std::priority_queue<Timer, std::vector<Timer>, std::greater<>> timers_;
    int inFlight_ = 0;
    long long reconnects_ = 0;
    bool stopped_ = false;
    std::int64_t lastTimeoutScan_ = 0;
};

/// Parses and resolves an http(s):// base URL (IPv4); false with `error` set on failure.
bool resolveOrigin(const std::string& baseUrl, Origin& out, std::string& error);

}  // namespace boxoffice::load
