// The load harness's response framing (loadtest/src/common/http_response) on bytes a server could send.
// A head that parses ends exactly at the first blank line and parses the same from that prefix
// alone (what arrives after it cannot change it); with no blank line yet it is Incomplete up to
// 64 KiB; the header and JSON field helpers return views inside their input.
#include <string>
#include <string_view>

#include "fuzz_target.hpp"
#include "common/http_response.hpp"

namespace boxoffice::fuzz {
namespace {

bool inside(std::string_view part, std::string_view whole) {
    return part.empty() || (part.data() >= whole.data() && part.data() + part.size() <= whole.data() + whole.size());
}

void httpResponse(std::string_view input) {
    load::ResponseHead head;
    const auto result = load::parseResponseHead(input, head);
    const auto blank = input.find("\r\n\r\n");
    if (blank == std::string_view::npos) {
        FUZZ_CHECK(result == (input.size() > 65536 ? load::HeadParse::Invalid : load::HeadParse::Incomplete));
    } else {
        FUZZ_CHECK(result != load::HeadParse::Incomplete);
    }
    if (result == load::HeadParse::Done) {
        FUZZ_CHECK(head.headerBytes == blank + 4);
        FUZZ_CHECK(head.status >= 100 && head.status <= 999);
        FUZZ_CHECK(head.contentLength == 0 || !load::headerValue(input.substr(0, blank), "content-length").empty());
        load::ResponseHead alone;
        FUZZ_CHECK(load::parseResponseHead(input.substr(0, head.headerBytes), alone) == load::HeadParse::Done);
        FUZZ_CHECK(alone.status == head.status && alone.contentLength == head.contentLength &&
                   alone.close == head.close && alone.headerBytes == head.headerBytes);
        // Any shorter prefix has no blank line yet.
        load::ResponseHead partial;
        FUZZ_CHECK(load::parseResponseHead(input.substr(0, head.headerBytes - 1), partial) ==
                   (head.headerBytes - 1 > 65536 ? load::HeadParse::Invalid : load::HeadParse::Incomplete));
    }

    const std::string_view headPart = input.substr(0, blank == std::string_view::npos ? input.size() : blank);
    for (const std::string_view name : {"content-length", "connection", "location", "etag"})
        FUZZ_CHECK(inside(load::headerValue(headPart, name), headPart));
    const std::string_view body = blank == std::string_view::npos ? input : input.substr(blank + 4);
    for (const std::string_view name : {"holdId", "orderId", "status", "code"}) {
        const auto value = load::jsonStringField(body, name);
        FUZZ_CHECK(inside(value, body) && value.find('"') == std::string_view::npos);
        (void)load::jsonIntField(body, name);
    }
}

}  // namespace
}  // namespace boxoffice::fuzz

BOXOFFICE_FUZZ_TARGET(http_response, boxoffice::fuzz::httpResponse)
