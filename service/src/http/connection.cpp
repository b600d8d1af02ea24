#include "http/connection.hpp"

#include "http/response_writer.hpp"

namespace boxoffice::http {
namespace {

char lowerAscii(char c) {
    return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
}

bool isConnectionField(const std::string& name) {
    static constexpr std::string_view kName = "connection";
    if (name.size() != kName.size()) return false;
    for (std::size_t i = 0; i < name.size(); ++i)
        if (lowerAscii(name[i]) != kName[i]) return false;
    return true;
}

}  // namespace

Connection::Connection(std::unique_ptr<Wire> wire, RequestSink& sink, FramingLimits limits, ConnectionTimeouts timeouts,
                       std::string peerAddress, StreamLimits streamLimits)
    : wire_(std::move(wire)),
      sink_(sink),
      limits_(limits),
      timeouts_(timeouts),
      peerAddress_(std::move(peerAddress)),
      streamLimits_(streamLimits),
      parser_(limits) {}

void Connection::enter(Phase phase) {
    phase_ = phase;
    since_ = Clock::now();
}

void Connection::onInput(const char* data, std::size_t size) {
    {
        std::lock_guard lock(mu_);
        // After a closing answer, or on a stream (nothing the client sends means anything there):
        // discarded.
        if (phase_ == Phase::Closing || phase_ == Phase::Closed || phase_ == Phase::Streaming) return;
        // One request's worth may wait behind the one being answered; more than that is a client
        // that does not wait for answers: it gets the answer it is owed, then the connection ends.
        const std::size_t bound = limits_.maxRequestLine + limits_.maxHeaderBytes + limits_.maxBodyBytes + 64 * 1024;
        if (input_.size() + size > bound) {
            if (phase_ == Phase::Busy) {
                overflow_ = true;
                return;
            }
        }
        input_.append(data, size);
        if (phase_ == Phase::Idle) enter(Phase::Reading);
        if (phase_ == Phase::Busy) return;
    }
    drive();
}

void Connection::onDisconnect() {
    std::shared_ptr<Stream> stream;
    {
        std::lock_guard lock(mu_);
        phase_ = Phase::Closed;
        stream = std::move(stream_);
    }
    if (stream) stream->stop();  // outside the lock: the stream's own lock comes before ours
}

StreamSink::Outcome Connection::push(std::shared_ptr<const std::string> frame) {
    std::shared_ptr<Stream> dropped;
    {
        std::lock_guard lock(mu_);
        if (phase_ != Phase::Streaming) return Outcome::Gone;
        if (wire_->queuedBytes() <= streamLimits_.backlogBytes) {
            wire_->write(streamFrame(std::move(frame), chunked_), false);
            return Outcome::Queued;
        }
        // A client this far behind reads slower than the frames come: it costs memory for every
        // frame from now on. It is dropped; it reconnects with its Last-Event-ID.
        wire_->abort();
        phase_ = Phase::Closed;
        dropped = std::move(stream_);
    }
    // The caller (the stream, under its own lock) learns it from the result; stop() would take
    // that lock again, so it is not called (and `dropped` is released out of our lock).
    return Outcome::TooSlow;
}

void Connection::onTick(Clock::time_point now) {
    std::lock_guard lock(mu_);
    switch (phase_) {
        case Phase::Idle:
            if (now - since_ > timeouts_.keepAlive) {
                wire_->abort();
                phase_ = Phase::Closed;
            }
            break;
        case Phase::Reading:
            if (now - since_ > (bodyStage_ ? timeouts_.body : timeouts_.header))
                rejectLocked(Error::of(ErrorCode::RequestTimeout, bodyStage_
                                                                      ? "the request body was not received in time"
                                                                      : "the request head was not received in time"));
            break;
        case Phase::Closing:
            if (now - since_ > timeouts_.linger) {
                wire_->abort();
                phase_ = Phase::Closed;
            }
            break;
        case Phase::Busy:
        case Phase::Streaming:
        case Phase::Closed:
            break;
    }
}

void Connection::rejectLocked(const Error& error) {
    Response response = sink_.reject(error);
    std::erase_if(response.headers, [](const auto& h) { return isConnectionField(h.first); });
    wire_->write(serialize(response, WireOptions{true, false, false}), true);
    input_.clear();
    enter(Phase::Closing);
}

void Connection::drive() {
    for (;;) {
        Request request;
        bool keepAlive = true, head = false, http10 = false;
        {
            std::lock_guard lock(mu_);
            if (phase_ != Phase::Idle && phase_ != Phase::Reading) return;
            if (input_.empty()) {
                if (phase_ == Phase::Reading && !parser_.started()) enter(Phase::Idle);
                return;
            }
            const auto status = parser_.parse(input_);
            if (status == RequestParser::Status::Failed) return rejectLocked(parser_.error());
            if (status == RequestParser::Status::NeedMore) {
                if (parser_.awaitingBody() && !bodyStage_) {
                    bodyStage_ = true;
                    since_ = Clock::now();
                    if (parser_.request().expectContinue && !continueSent_) {
                        continueSent_ = true;
                        wire_->write(WireBytes{std::string(kContinue), nullptr, {}}, false);
                    }
                }
                return;
            }
            ParsedRequest& parsed = parser_.request();
            request.method = parsed.method;
            request.methodText = std::move(parsed.methodText);
            request.path = std::move(parsed.path);
            request.rawQuery = std::move(parsed.query);
            request.headers = std::move(parsed.headers);
            request.body = std::move(parsed.body);
            request.peerAddress = peerAddress_;
            keepAlive = parsed.keepAlive;
            head = parsed.method == Method::Head;
            http10 = parsed.version == HttpVersion::Http10;
            input_.erase(0, parser_.consumed());
            parser_.reset();
            bodyStage_ = false;
            continueSent_ = false;
            enter(Phase::Busy);
            dispatching_ = true;
        }
        auto self = shared_from_this();
        sink_.handle(std::move(request), [self, keepAlive, head, http10](Response response) {
            self->answer(std::move(response), keepAlive, head, http10);
        });
        {
            std::lock_guard lock(mu_);
            dispatching_ = false;
            if (phase_ == Phase::Busy) return;  // answered later, from another thread; it drives on
        }
    }
}

void Connection::answer(Response response, bool keepAlive, bool headRequest, bool http10) {
    if (response.stream && !headRequest) return startStream(std::move(response), http10);
    bool next = false;
    {
        std::lock_guard lock(mu_);
        if (phase_ == Phase::Closed) return;
        bool close = !keepAlive || overflow_;
        const auto before = response.headers.size();
        std::erase_if(response.headers, [](const auto& h) { return isConnectionField(h.first); });
        close = close || response.headers.size() != before;  // the pipeline asked to close
        wire_->write(serialize(response, WireOptions{close, http10 && !close, headRequest}), close);
        if (close) {
            input_.clear();
            enter(Phase::Closing);
        } else {
            enter(input_.empty() ? Phase::Idle : Phase::Reading);
        }
        next = !close && !dispatching_;
    }
    if (next) drive();
}

// The head goes out, then the stream starts pushing frames. Requests pipelined behind this one
// are never answered (the stream does not end): they are discarded with the rest of the input.
void Connection::startStream(Response response, bool http10) {
    auto stream = response.stream;
    {
        std::lock_guard lock(mu_);
        if (phase_ == Phase::Closed) return;
        std::erase_if(response.headers, [](const auto& h) { return isConnectionField(h.first); });
        chunked_ = !http10;
        wire_->write(WireBytes{serializeStreamHead(response, chunked_), nullptr, {}}, false);
        input_.clear();
        stream_ = stream;
        enter(Phase::Streaming);
    }
    // The client may go while this runs: onDisconnect then stops the stream, perhaps before start()
    // (a Stream handles stop-before-start); pushes after that are refused here.
    stream->start(shared_from_this());
}

}  // namespace boxoffice::http
