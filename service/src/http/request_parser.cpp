#include "http/request_parser.hpp"

#include <algorithm>

#include "http/token_syntax.hpp"
#include "util/hex.hpp"

namespace boxoffice::http {
namespace {

Method methodOf(std::string_view m) {
    if (m == "GET") return Method::Get;
    if (m == "POST") return Method::Post;
    if (m == "PUT") return Method::Put;
    if (m == "PATCH") return Method::Patch;
    if (m == "DELETE") return Method::Delete;
    if (m == "HEAD") return Method::Head;
    if (m == "OPTIONS") return Method::Options;
    return Method::Other;
}

// Fields whose second copy changes what the request means: a duplicate is refused rather than
// resolved one way here and another way by a proxy in front.
bool singleton(std::string_view lowerName) {
    static constexpr std::string_view names[] = {"host",          "content-length",  "content-type",
                                                 "authorization", "idempotency-key", "x-request-id",
                                                 "expect",        "origin",          "traceparent"};
    for (auto n : names)
        if (n == lowerName) return true;
    return false;
}

// Each comma-separated element of a list field, trimmed; false when an element is empty.
template <typename F>
bool forEachElement(std::string_view list, F&& f) {
    while (true) {
        const auto comma = list.find(',');
        const auto element = trimOws(list.substr(0, comma));
        if (element.empty()) return false;
        f(element);
        if (comma == std::string_view::npos) return true;
        list.remove_prefix(comma + 1);
    }
}

}  // namespace

RequestParser::RequestParser(FramingLimits limits) : limits_(limits) {}

void RequestParser::reset() {
    stage_ = Stage::Head;
    request_ = ParsedRequest{};
    error_ = Error{};
    pos_ = 0;
    scanned_ = 0;
    headBytes_ = 0;
    headerCount_ = 0;
    contentLength_ = 0;
    chunkLeft_ = 0;
    chunkStep_ = ChunkStep::Size;
    sawRequestLine_ = false;
    started_ = false;
    leadingEmptyLines_ = 0;
    failed_ = false;
}

RequestParser::Status RequestParser::fail(ErrorCode code, std::string detail) {
    stage_ = Stage::Failed;
    failed_ = true;
    error_ = Error::of(code, std::move(detail));
    return Status::Failed;
}

RequestParser::Status RequestParser::parse(std::string_view in) {
    if (!in.empty()) started_ = true;
    for (;;) {
        switch (stage_) {
            case Stage::Head: {
                const auto s = parseHead(in);
                if (s != Status::Complete) return s;
                break;  // head done; the body stage follows
            }
            case Stage::Body:
                if (in.size() - pos_ < contentLength_) return Status::NeedMore;
                request_.body.assign(in.substr(pos_, contentLength_));
                pos_ += contentLength_;
                stage_ = Stage::Done;
                break;
            case Stage::Chunks: {
                const auto s = parseChunks(in);
                if (s != Status::Complete) return s;
                break;
            }
            case Stage::Trailers: {
                const auto s = parseTrailers(in);
                if (s != Status::Complete) return s;
                break;
            }
            case Stage::Done:
                return Status::Complete;
            case Stage::Failed:
                return Status::Failed;
        }
    }
}

std::optional<std::string_view> RequestParser::nextLine(std::string_view in, std::size_t limit, ErrorCode tooLong,
                                                        const char* what) {
    const std::size_t start = pos_;
    const std::size_t searchEnd = std::min(in.size(), start + limit + 2);
    // Bytes of an unfinished line already checked are not checked again (a line that arrives a
    // byte at a time costs its length, not its length squared).
    std::size_t i = std::max(start, scanned_);
    for (; i < searchEnd; ++i) {
        const auto c = static_cast<unsigned char>(in[i]);
        // Past `limit` bytes only the line's CRLF may come: anything else makes the line too long,
        // whatever the byte is, so the verdict is the same however the bytes were cut into
        // segments (found by the framing fuzzer: a bare CR just past the limit was "too long" a
        // byte at a time and "bare CR" all at once).
        const std::size_t at = i - start;
        if ((at == limit && c != '\r') || (at == limit + 1 && c != '\n')) {
            fail(tooLong, std::string("the ") + what + " exceeds " + std::to_string(limit) + " bytes");
            return std::nullopt;
        }
        if (c == '\n') {
            if (i == start || in[i - 1] != '\r') {
                fail(ErrorCode::MalformedRequest,
                     std::string("a bare LF ends a line of the ") + what + "; lines end with CRLF");
                return std::nullopt;
            }
            pos_ = i + 1;
            scanned_ = pos_;
            return in.substr(start, i - 1 - start);
        }
        if (c == '\r') {
            if (i + 1 >= in.size()) break;  // what follows it is not in yet: look again then
            if (in[i + 1] != '\n') {
                fail(ErrorCode::MalformedRequest, std::string("a bare CR in the ") + what);
                return std::nullopt;
            }
            continue;
        }
        if (isCtl(c)) {
            fail(ErrorCode::MalformedRequest, std::string("a control character in the ") + what);
            return std::nullopt;
        }
    }
    scanned_ = i;
    if (in.size() - start > limit + 1)
        fail(tooLong, std::string("the ") + what + " exceeds " + std::to_string(limit) + " bytes");
    return std::nullopt;
}

RequestParser::Status RequestParser::parseHead(std::string_view in) {
    while (!sawRequestLine_) {
        auto line = nextLine(in, limits_.maxRequestLine, ErrorCode::UriTooLong, "request line");
        if (failed_) return Status::Failed;
        if (!line) return Status::NeedMore;
        // RFC 9112 2.2: empty lines before a request line (left over from a client that ended a
        // body with an extra CRLF) are skipped, a few of them.
        if (line->empty()) {
            if (++leadingEmptyLines_ > 4) return fail(ErrorCode::MalformedRequest, "empty lines instead of a request");
            continue;
        }
        if (!requestLine(*line)) return Status::Failed;
        sawRequestLine_ = true;
    }
    const Status fields = fieldLines(in, "header section", false);
    if (fields != Status::Complete) return fields;
    return finishHead() ? Status::Complete : Status::Failed;
}

RequestParser::Status RequestParser::fieldLines(std::string_view in, const char* section, bool trailer) {
    for (;;) {
        const std::size_t before = pos_;
        const std::size_t room = limits_.maxHeaderBytes > headBytes_ ? limits_.maxHeaderBytes - headBytes_ : 0;
        auto line = nextLine(in, room, ErrorCode::HeadersTooLarge, section);
        if (failed_) return Status::Failed;
        if (!line) return Status::NeedMore;
        headBytes_ += pos_ - before;
        if (line->empty()) return Status::Complete;
        if (!headerLine(*line, trailer)) return Status::Failed;
    }
}

bool RequestParser::requestLine(std::string_view line) {
    // method SP request-target SP HTTP-version, exactly one space each.
    const auto sp1 = line.find(' ');
    const auto sp2 = sp1 == std::string_view::npos ? sp1 : line.find(' ', sp1 + 1);
    if (sp2 == std::string_view::npos || line.find(' ', sp2 + 1) != std::string_view::npos) {
        fail(ErrorCode::MalformedRequest, "the request line must be: METHOD /path HTTP/1.1");
        return false;
    }
    const auto method = line.substr(0, sp1);
    const auto target = line.substr(sp1 + 1, sp2 - sp1 - 1);
    const auto version = line.substr(sp2 + 1);
    if (!isToken(method)) {
        fail(ErrorCode::MalformedRequest, "the method is not a token");
        return false;
    }
    if (version == "HTTP/1.1") {
        request_.version = HttpVersion::Http11;
    } else if (version == "HTTP/1.0") {
        request_.version = HttpVersion::Http10;
        request_.keepAlive = false;
    } else if (version.size() == 8 && version.starts_with("HTTP/") && version[5] >= '0' && version[5] <= '9' &&
               version[6] == '.' && version[7] >= '0' && version[7] <= '9') {
        // RFC 9110 2.5: a later 1.x minor version is answered as 1.1; another major is not HTTP/1.
        if (version[5] != '1') {
            fail(ErrorCode::MalformedRequest, "only HTTP/1.1 and HTTP/1.0 are served on this connection");
            return false;
        }
        request_.version = HttpVersion::Http11;
    } else {
        fail(ErrorCode::MalformedRequest, "the HTTP version must be HTTP/1.1 or HTTP/1.0");
        return false;
    }
    request_.methodText.assign(method);
    request_.method = methodOf(method);
    // origin-form only: "/path[?query]". The absolute form is for proxies, "*" for OPTIONS of the
    // whole server; this service is neither asked for.
    if (target.empty() || target.front() != '/') {
        fail(ErrorCode::MalformedRequest, "the request target must be a path starting with /");
        return false;
    }
    for (std::size_t i = 0; i < target.size(); ++i) {
        const auto c = static_cast<unsigned char>(target[i]);
        if (c <= 0x20 || c >= 0x7f || c == '#' || c == '"' || c == '<' || c == '>' || c == '\\' || c == '^' ||
            c == '`' || c == '{' || c == '|' || c == '}') {
            fail(ErrorCode::MalformedRequest, "the request target has a character that must be percent-encoded");
            return false;
        }
        if (c == '%' &&
            (i + 2 >= target.size() || util::hexDigit(target[i + 1]) < 0 || util::hexDigit(target[i + 2]) < 0)) {
            fail(ErrorCode::MalformedRequest, "the request target has a malformed percent-escape");
            return false;
        }
    }
    const auto q = target.find('?');
    request_.path.assign(target.substr(0, q));
    if (q != std::string_view::npos) request_.query.assign(target.substr(q + 1));
    return true;
}

bool RequestParser::headerLine(std::string_view line, bool trailer) {
    if (line.front() == ' ' || line.front() == '\t') {
        fail(ErrorCode::MalformedRequest, "obsolete line folding is not accepted");
        return false;
    }
    if (++headerCount_ > limits_.maxHeaderCount) {
        fail(ErrorCode::HeadersTooLarge, "more than " + std::to_string(limits_.maxHeaderCount) + " header fields");
        return false;
    }
    const auto colon = line.find(':');
    if (colon == std::string_view::npos) {
        fail(ErrorCode::MalformedRequest, "a header line without a colon");
        return false;
    }
    const auto name = line.substr(0, colon);
    if (!isToken(name)) {
        fail(ErrorCode::MalformedRequest, name.empty() || name.back() == ' ' || name.back() == '\t'
                                              ? "whitespace before the colon of a header field"
                                              : "a header field name that is not a token");
        return false;
    }
    // Control characters were refused by nextLine(); what is left is VCHAR, obs-text, SP, HTAB.
    const auto value = trimOws(line.substr(colon + 1));
    if (trailer) return true;  // trailers are framed and checked, never used

    std::string key(name);
    for (auto& c : key) c = lowerAscii(c);
    auto [it, inserted] = request_.headers.try_emplace(std::move(key), value);
    if (!inserted) {
        if (singleton(it->first)) {
            fail(ErrorCode::MalformedRequest, "the " + std::string(name) + " header field is sent twice");
            return false;
        }
        // RFC 9110 5.3: repeated list fields are one list (an empty line adds no element).
        if (it->second.empty())
            it->second.assign(value);
        else if (!value.empty())
            it->second.append(", ").append(value);
    }
    return true;
}

bool RequestParser::finishHead() {
    auto& h = request_.headers;
    const bool http11 = request_.version == HttpVersion::Http11;

    if (auto host = h.find("host"); host == h.end()) {
        if (http11) {
            fail(ErrorCode::MalformedRequest, "an HTTP/1.1 request needs a Host header field");
            return false;
        }
    } else {
        for (char c : host->second)
            if (c == ' ' || c == '\t' || c == ',' || c == '/' || c == '@') {
                fail(ErrorCode::MalformedRequest, "the Host header field is not a host[:port]");
                return false;
            }
    }

    if (auto conn = h.find("connection"); conn != h.end()) {
        bool close = false, keep = false;
        if (!forEachElement(conn->second, [&](std::string_view t) {
                close = close || equalsLower(t, "close");
                keep = keep || equalsLower(t, "keep-alive");
            })) {
            fail(ErrorCode::MalformedRequest, "the Connection header field is not a list of tokens");
            return false;
        }
        if (close)
            request_.keepAlive = false;
        else if (keep)
            request_.keepAlive = true;
    }

    const auto te = h.find("transfer-encoding");
    const auto cl = h.find("content-length");
    if (te != h.end()) {
        if (cl != h.end()) {
            fail(ErrorCode::MalformedRequest, "Content-Length and Transfer-Encoding together are ambiguous");
            return false;
        }
        if (!http11) {
            fail(ErrorCode::MalformedRequest, "Transfer-Encoding is not defined for HTTP/1.0");
            return false;
        }
        if (!equalsLower(te->second, "chunked")) {
            fail(ErrorCode::MalformedRequest, "the only transfer coding accepted is chunked");
            return false;
        }
        stage_ = Stage::Chunks;
    } else if (cl != h.end()) {
        const std::string& v = cl->second;
        if (v.empty() || v.size() > 19) {
            fail(v.empty() ? ErrorCode::MalformedRequest : ErrorCode::PayloadTooLarge,
                 v.empty() ? "Content-Length is empty"
                           : "the body exceeds " + std::to_string(limits_.maxBodyBytes) + " bytes");
            return false;
        }
        std::size_t n = 0;
        for (char c : v) {
            if (c < '0' || c > '9') {
                fail(ErrorCode::MalformedRequest, "Content-Length must be one non-negative decimal number");
                return false;
            }
            n = n * 10 + static_cast<std::size_t>(c - '0');  // 19 digits fit in 64 bits
        }
        if (n > limits_.maxBodyBytes) {
            fail(ErrorCode::PayloadTooLarge, "the body exceeds " + std::to_string(limits_.maxBodyBytes) + " bytes");
            return false;
        }
        contentLength_ = n;
        stage_ = n == 0 ? Stage::Done : Stage::Body;
    } else {
        stage_ = Stage::Done;  // no body
    }

    if (auto expect = h.find("expect"); expect != h.end()) {
        if (!equalsLower(expect->second, "100-continue")) {
            fail(ErrorCode::ExpectationFailed, "the only expectation supported is 100-continue");
            return false;
        }
        request_.expectContinue = http11;
    }
    return true;
}

}  // namespace boxoffice::http
