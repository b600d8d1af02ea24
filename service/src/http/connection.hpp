#pragma once
// One client connection: bytes in, framed requests to the pipeline one at a time, answers out in
// order, timeouts, and the close after anything the framing cannot trust.
//
// Requests pipelined behind one another wait in the input buffer until the one before is answered,
// so answers leave in the order the requests came and a slow request holds back only its own
// connection. A framing error is answered and the connection is closed: nothing after it is read.
#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <string>

#include "http/message.hpp"
#include "http/request_parser.hpp"
#include "http/response_writer.hpp"

namespace boxoffice::http {

/// Where a connection's bytes go. Implemented over a TCP peer, or by a test.
class Wire {
public:
    virtual ~Wire() = default;
    /// Queues `bytes`; with `thenClose`, the write side is shut once they are out (the client
    /// sees the answer, then the end of the stream).
    virtual void write(WireBytes bytes, bool thenClose) = 0;
    /// Ends the connection now (both directions).
    virtual void abort() = 0;
    /// Bytes written and not yet handed to the socket (how far a streaming client is behind).
    virtual std::size_t queuedBytes() const { return 0; }
};

/// What a connection hands its requests to (the middleware pipeline).
class RequestSink {
public:
    virtual ~RequestSink() = default;
    /// Answers `request` through `respond`, exactly once, from any thread.
    virtual void handle(Request request, std::function<void(Response)> respond) = 0;
    /// The answer to a request the framing refused, or to a timeout (`error`): the connection
    /// closes after it.
    virtual Response reject(const Error& error) = 0;
};

struct ConnectionTimeouts {
    std::chrono::milliseconds header{10'000};     // first byte of a request to the end of its head
    std::chrono::milliseconds body{30'000};       // end of the head to the end of the body
    std::chrono::milliseconds keepAlive{75'000};  // idle between requests
    std::chrono::milliseconds linger{2'000};      // after a closing answer, for the client to close
};

/// A streaming answer (Server-Sent Events) holds its connection until the client leaves: no
/// timeout applies, input is discarded, and a client whose unsent output passes `backlogBytes` when
/// a frame is pushed is dropped (the one bound on what a slow consumer costs).
struct StreamLimits {
    std::size_t backlogBytes = 1024 * 1024;
};

class Connection : public StreamSink, public std::enable_shared_from_this<Connection> {
public:
    using Clock = std::chrono::steady_clock;

    Connection(std::unique_ptr<Wire> wire, RequestSink& sink, FramingLimits limits, ConnectionTimeouts timeouts,
               std::string peerAddress, StreamLimits streamLimits = {});

    /// Bytes received (the reactor thread).
    void onInput(const char* data, std::size_t size);
    /// The peer is gone: nothing more is written.
    void onDisconnect();
    /// Checks the timeouts (a timer thread, a few times a second).
    void onTick(Clock::time_point now);
    /// A frame of the streaming answer (any thread).
    Outcome push(std::shared_ptr<const std::string> frame) override;

private:
    enum class Phase { Idle, Reading, Busy, Streaming, Closing, Closed };

    void drive();
    void answer(Response response, bool keepAlive, bool headRequest, bool http10);
    void startStream(Response response, bool http10);
    void rejectLocked(const Error& error);
    void enter(Phase phase);

    std::unique_ptr<Wire> wire_;
    RequestSink& sink_;
    FramingLimits limits_;
    ConnectionTimeouts timeouts_;
    std::string peerAddress_;
    StreamLimits streamLimits_;

    std::mutex mu_;
    std::string input_;
    RequestParser parser_;
    Phase phase_ = Phase::Idle;
    Clock::time_point since_ = Clock::now();  // when the phase (or the body stage) began
    bool bodyStage_ = false;                  // the head of the request being read is in
    bool continueSent_ = false;
    bool dispatching_ = false;        // drive() is inside sink_.handle() on some thread
    bool overflow_ = false;           // pipelined input beyond the buffer bound: close after the answer
    std::shared_ptr<Stream> stream_;  // while Streaming: told to stop when the client goes
    bool chunked_ = false;            // the stream's frames go as chunks (HTTP/1.1)
};

}  // namespace boxoffice::http
