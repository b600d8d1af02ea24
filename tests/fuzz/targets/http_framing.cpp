// The service's HTTP/1.1 framing (http/request_parser) on bytes a client could send, read as a
// connection reads them: request after request until one is refused or incomplete. Every framed
// request consumed exactly its bytes, has a path, lower-case token field names, no control
// characters in values, a Host on HTTP/1.1 and a body within the limit; a refusal is a 4xx framing
// code; and the same bytes cut into pieces (two pieces, or one byte at a time) frame the same
// requests and end with the same verdict.
#include <string>
#include <string_view>
#include <vector>

#include "fuzz_target.hpp"
#include "http/request_parser.hpp"

namespace boxoffice::fuzz {
namespace {

struct Framed {
    std::vector<std::string> requests;  // method, path, query, body and fields, flattened
    http::RequestParser::Status last = http::RequestParser::Status::NeedMore;
    ErrorCode error = ErrorCode::Internal;
    bool operator==(const Framed&) const = default;
};

http::FramingLimits limits() {
    http::FramingLimits l;
    l.maxRequestLine = 512;
    l.maxHeaderBytes = 1024;
    l.maxHeaderCount = 16;
    l.maxBodyBytes = 2048;
    return l;
}

void checkRequest(const http::ParsedRequest& r) {
    FUZZ_CHECK(!r.path.empty() && r.path.front() == '/');
    FUZZ_CHECK(r.body.size() <= limits().maxBodyBytes);
    FUZZ_CHECK(r.version == http::HttpVersion::Http10 || r.headers.count("host") == 1);
    for (const auto& [name, value] : r.headers) {
        FUZZ_CHECK(!name.empty());
        for (char c : name) FUZZ_CHECK(!(c >= 'A' && c <= 'Z') && c > 0x20 && c != ':');
        for (unsigned char c : value) FUZZ_CHECK(c >= 0x20 || c == '\t');
        FUZZ_CHECK(value.empty() || (value.front() != ' ' && value.back() != ' '));
    }
    FUZZ_CHECK(!(r.headers.count("content-length") && r.headers.count("transfer-encoding")));
}

// Feeds `input` in pieces of `step` bytes (0: all at once), as a connection's buffer grows.
Framed frame(std::string_view input, std::size_t step) {
    Framed out;
    http::RequestParser parser(limits());
    std::string buffer;
    std::size_t fed = 0;
    while (true) {
        const std::size_t take = step == 0 ? input.size() - fed : std::min(step, input.size() - fed);
        buffer.append(input.substr(fed, take));
        fed += take;
        auto status = parser.parse(buffer);
        while (status == http::RequestParser::Status::Complete) {
            const auto& r = parser.request();
            checkRequest(r);
            FUZZ_CHECK(parser.consumed() > 0 && parser.consumed() <= buffer.size());
            std::string flat = r.methodText + ' ' + r.path + '?' + r.query + '|' + r.body + '|';
            for (const auto& [name, value] : r.headers) flat += name + ':' + value + '\n';
            out.requests.push_back(std::move(flat));
            buffer.erase(0, parser.consumed());
            parser.reset();
            status = parser.parse(buffer);
        }
        if (status == http::RequestParser::Status::Failed) {
            const auto code = parser.error().code;
            FUZZ_CHECK(code == ErrorCode::MalformedRequest || code == ErrorCode::UriTooLong ||
                       code == ErrorCode::HeadersTooLarge || code == ErrorCode::PayloadTooLarge ||
                       code == ErrorCode::ExpectationFailed);
            FUZZ_CHECK(!parser.error().detail.empty());
            out.last = status;
            out.error = code;
            return out;  // the connection closes: nothing after a refusal is framed
        }
        if (fed == input.size()) {
            out.last = status;
            return out;
        }
    }
}

void httpFraming(std::string_view input) {
    const Framed whole = frame(input, 0);
    if (!input.empty()) {
        const std::size_t cut = 1 + static_cast<unsigned char>(input.front()) % input.size();
        FUZZ_CHECK(frame(input, cut) == whole);
    }
    if (input.size() <= 4096) FUZZ_CHECK(frame(input, 1) == whole);
}

}  // namespace
}  // namespace boxoffice::fuzz

BOXOFFICE_FUZZ_TARGET(http_framing, boxoffice::fuzz::httpFraming)
