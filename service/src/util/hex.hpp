#pragma once
// Hex and percent encoding: the one encoder of each, for digests, ids and URLs.
#include <cstddef>
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

}  // namespace boxoffice::util
