#pragma once
// Hex and percent encoding: the one encoder and decoder of each, for digests, ids and URLs.
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace boxoffice::util {

/// Lower-case hex of `n` bytes, two digits each.
std::string hexLower(const unsigned char* bytes, std::size_t n);
inline std::string hexLower(std::string_view bytes) {
    return hexLower(reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size());
}

/// RFC 3986 percent-encoding: everything but the unreserved characters (A-Z a-z 0-9 - _ . ~) as %XX
/// (upper-case hex), for a URI component or an application/x-www-form-urlencoded value.
std::string percentEncode(std::string_view s);

/// The value of one hex digit (either case), or -1.
inline int hexDigit(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

/// Decodes %XX escapes, and '+' as a space when `plusIsSpace` (application/x-www-form-urlencoded;
/// elsewhere, such as URI userinfo, a '+' is a '+'). nullopt for a malformed escape. Decoded bytes
/// are not checked: callers refuse what they cannot carry (control characters, ...).
std::optional<std::string> percentDecode(std::string_view s, bool plusIsSpace = false);

}  // namespace boxoffice::util
