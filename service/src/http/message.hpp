#pragma once
// The project's own request and response: what the edge frames and handlers read and answer.
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "auth/jwt.hpp"

namespace boxoffice::http {

enum class Method { Get, Post, Put, Patch, Delete, Head, Options, Other };

std::string_view methodName(Method m);

struct Request {
    Method method = Method::Get;
    std::string methodText;  // as sent (Method::Other covers every method not listed)
    std::string path;        // percent-encoded, as sent
    std::string rawQuery;    // after '?', percent-encoded, as sent
    std::string body;
    std::string peerAddress;  // the directly connected client (a proxy, behind a load balancer)
    std::string requestId;
    std::unordered_map<std::string, std::string> pathParams;
    std::unordered_map<std::string, std::string> query;    // percent-decoded
    std::unordered_map<std::string, std::string> headers;  // lower-case names
    std::optional<auth::Principal> principal;              // set when a valid bearer token was sent

    const std::string& param(const std::string& name) const;  // a path parameter (always present)
    std::optional<std::string> queryValue(const std::string& name) const;
    std::optional<std::string> header(const std::string& lowerName) const;
};

/// Where a streaming answer's frames go: the connection it was opened on. Thread-safe.
class StreamSink {
public:
    virtual ~StreamSink() = default;
    enum class Outcome { Queued, Gone, TooSlow };
    /// Queues one frame (shared, never copied per client). Gone: the client left. TooSlow: it
    /// fell more than the connection's bound behind and was dropped. Either way the stream is over.
    virtual Outcome push(std::shared_ptr<const std::string> frame) = 0;
};

/// A response whose body never ends (Server-Sent Events). The connection sends the head, then
/// calls start() with itself as the sink; stop() comes once the client is gone (possibly before
/// start() returns, possibly from another thread), after which nothing is pushed.
class Stream {
public:
    virtual ~Stream() = default;
    virtual void start(std::shared_ptr<StreamSink> sink) = 0;
    virtual void stop() = 0;
};

struct Response {
    int status = 200;
    std::string body;
    std::string contentType = "application/json";
    std::vector<std::pair<std::string, std::string>> headers;
    std::shared_ptr<const std::string> sharedBody;  // sent instead of `body` when set (cached bodies)
    std::shared_ptr<Stream> stream;                 // a 200 whose body is this stream (no Content-Length)

    static Response json(int status, std::string body) {
        return {status, std::move(body), "application/json", {}, {}, {}};
    }
    static Response noContent() { return {204, {}, {}, {}, {}, {}}; }
    Response& with(std::string name, std::string value) {
        headers.emplace_back(std::move(name), std::move(value));
        return *this;
    }
};

}  // namespace boxoffice::http
