#pragma once
// The request target's path and query, percent-decoded, refusing what no id or name carries.
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

namespace boxoffice::http {

/// Percent-decodes `in` (a path segment or a query component; `plusIsSpace` for queries).
/// nullopt for a malformed escape or a decoded control character (NUL, CR, LF, DEL, TAB, ...).
std::optional<std::string> decodeComponent(std::string_view in, bool plusIsSpace);

/// Parses a query string into `out` (names and values percent-decoded). False, leaving a detail in
/// `error`, on a malformed escape or a control character.
bool parseQuery(std::string_view query, std::unordered_map<std::string, std::string>& out, std::string& error);

}  // namespace boxoffice::http
