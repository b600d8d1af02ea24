#include "http/uri_component.hpp"

#include "http/token_syntax.hpp"
#include "util/hex.hpp"

namespace boxoffice::http {

std::optional<std::string> decodeComponent(std::string_view in, bool plusIsSpace) {
    auto out = util::percentDecode(in, plusIsSpace);
    if (!out) return out;
    for (const char c : *out)
        if (isCtl(static_cast<unsigned char>(c)) || c == '\t') return std::nullopt;
    return out;
}

bool parseQuery(std::string_view query, std::unordered_map<std::string, std::string>& out, std::string& error) {
    while (!query.empty()) {
        const auto amp = query.find('&');
        const auto pair = query.substr(0, amp);
        query = amp == std::string_view::npos ? std::string_view() : query.substr(amp + 1);
        if (pair.empty()) continue;
        const auto eq = pair.find('=');
        auto name = decodeComponent(pair.substr(0, eq), true);
        auto value = decodeComponent(eq == std::string_view::npos ? std::string_view() : pair.substr(eq + 1), true);
        if (!name || !value) {
            error = "the query has a malformed percent-escape or a control character";
            return false;
        }
        out.insert_or_assign(std::move(*name), std::move(*value));
    }
    return true;
}

}  // namespace boxoffice::http
