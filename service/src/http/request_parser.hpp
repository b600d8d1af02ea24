#pragma once
// Strict HTTP/1.1 request framing (RFC 9112), incremental over a connection's input buffer.
//
// The parser reads one request at a time from the front of a buffer the caller only appends to.
// Anything ambiguous about where a request ends is an error, never a guess: two Content-Lengths,
// Content-Length with Transfer-Encoding, a coding other than `chunked`, a bad chunk size, a bare LF
// where CRLF is required, whitespace before a colon, obsolete line folding, control characters.
// After an error the caller answers the error and closes the connection, so bytes after a bad
// request are never read as a request of their own (no request smuggling).
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "domain/error.hpp"
#include "http/message.hpp"

namespace boxoffice::http {

struct FramingLimits {
    std::size_t maxRequestLine = 8 * 1024;   // 414 beyond
    std::size_t maxHeaderBytes = 16 * 1024;  // the header section (and a chunked body's trailers): 431
    std::size_t maxHeaderCount = 100;        // 431
    std::size_t maxBodyBytes = 64 * 1024;    // 413, checked against a declared length at once
};

enum class HttpVersion { Http10, Http11 };

/// One framed request: everything the edge needs to answer it.
struct ParsedRequest {
    Method method = Method::Other;
    std::string methodText;  // as sent (a token)
    std::string path;        // the target's path, still percent-encoded
    std::string query;       // after '?', still percent-encoded (empty if none)
    HttpVersion version = HttpVersion::Http11;
    std::unordered_map<std::string, std::string> headers;  // lower-case names; list fields joined by ", "
    std::string body;                                      // decoded (chunks joined)
    bool keepAlive = true;                                 // what the client asked for (Connection, version)
    bool expectContinue = false;                           // `Expect: 100-continue`
};

class RequestParser {
public:
    enum class Status {
        NeedMore,  // nothing complete yet; call again with more bytes
        Complete,  // request() is ready; consumed() bytes of the buffer belong to it
        Failed,    // error() says why; answer it and close the connection
    };

    explicit RequestParser(FramingLimits limits = {});

    /// `input` starts where this request starts and holds every byte received since (the caller
    /// appends to it and drops consumed() bytes after Complete). Call after each append.
    Status parse(std::string_view input);

    /// True once the head is in and the body is still to come: the point at which to answer
    /// `Expect: 100-continue`.
    bool awaitingBody() const { return stage_ == Stage::Body || stage_ == Stage::Chunks; }
    bool inHead() const { return stage_ == Stage::Head; }
    /// Bytes seen of this request so far (0: the buffer holds no part of a request yet).
    bool started() const { return started_; }

    ParsedRequest& request() { return request_; }
    std::size_t consumed() const { return pos_; }
    const Error& error() const { return error_; }
    /// The version of the failed request when known (errors before the request line is read are
    /// answered as HTTP/1.1).
    HttpVersion version() const { return request_.version; }

    /// Ready for the next request on the connection.
    void reset();

private:
    enum class Stage { Head, Body, Chunks, Trailers, Done, Failed };
    enum class ChunkStep { Size, Data, DataEnd };

    Status fail(ErrorCode code, std::string detail);
    Status parseHead(std::string_view in);
    Status parseChunks(std::string_view in);
    Status parseTrailers(std::string_view in);
    /// The next complete line from pos_ (without CRLF), or nullopt when none is complete yet;
    /// sets failed() on a bare LF or a control character.
    std::optional<std::string_view> nextLine(std::string_view in, std::size_t limit, ErrorCode tooLong,
                                             const char* what);
    bool requestLine(std::string_view line);
    /// Field lines of the head or the trailer section (`section` names it in errors), within the
    /// head's byte budget, up to and including the empty line that ends them: Complete there.
    Status fieldLines(std::string_view in, const char* section, bool trailer);
    bool headerLine(std::string_view line, bool trailer);
    bool finishHead();

    FramingLimits limits_;
    Stage stage_ = Stage::Head;
    ParsedRequest request_;
    Error error_;
    std::size_t pos_ = 0;          // next unread byte of the buffer
    std::size_t scanned_ = 0;      // bytes of the current line already checked
    std::size_t headBytes_ = 0;    // header section so far (or trailers)
    std::size_t headerCount_ = 0;  // header fields so far
    std::size_t contentLength_ = 0;
    std::size_t chunkLeft_ = 0;
    ChunkStep chunkStep_ = ChunkStep::Size;
    bool sawRequestLine_ = false;
    bool started_ = false;
    int leadingEmptyLines_ = 0;
    bool failed_ = false;
};

}  // namespace boxoffice::http
