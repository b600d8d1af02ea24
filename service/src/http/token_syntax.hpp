#pragma once
// RFC 9110's character classes and the small string steps the request parser takes on every
// field: inline, since they run for every byte of every head.
#include <array>
#include <cstddef>
#include <string_view>

namespace boxoffice::http {

// RFC 9110 5.6.2: tchar = "!" / "#" / "$" / "%" / "&" / "'" / "*" / "+" / "-" / "." / "^" / "_" /
// "`" / "|" / "~" / DIGIT / ALPHA
constexpr std::array<bool, 256> tcharTable() {
    std::array<bool, 256> t{};
    for (int c = '0'; c <= '9'; ++c) t[static_cast<std::size_t>(c)] = true;
    for (int c = 'a'; c <= 'z'; ++c) t[static_cast<std::size_t>(c)] = true;
    for (int c = 'A'; c <= 'Z'; ++c) t[static_cast<std::size_t>(c)] = true;
    for (char c : std::string_view("!#$%&'*+-.^_`|~")) t[static_cast<unsigned char>(c)] = true;
    return t;
}
inline constexpr auto kTchar = tcharTable();

inline bool isTchar(char c) {
    return kTchar[static_cast<unsigned char>(c)];
}
inline bool isToken(std::string_view s) {
    if (s.empty()) return false;
    for (char c : s)
        if (!isTchar(c)) return false;
    return true;
}
// Control characters other than HTAB, and DEL.
inline bool isCtl(unsigned char c) {
    return (c < 0x20 && c != '\t') || c == 0x7f;
}
inline char lowerAscii(char c) {
    return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
}
inline bool equalsLower(std::string_view s, std::string_view lower) {
    if (s.size() != lower.size()) return false;
    for (std::size_t i = 0; i < s.size(); ++i)
        if (lowerAscii(s[i]) != lower[i]) return false;
    return true;
}
inline std::string_view trimOws(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
    return s;
}

}  // namespace boxoffice::http
