#pragma once
// The client address a rate limit is keyed on. X-Forwarded-For is anyone's to write, so it is read
// only when the direct peer is one of our own proxies (BOXOFFICE_TRUSTED_PROXIES: the ALB's
// subnets), and then from the right: each trusted proxy appends the address it saw, so the
// right-most address that is not a trusted proxy is the first one no proxy of ours vouched for
// less than the client itself. Anything left of it may be forged and is never used.
#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace boxoffice::admission {

/// An IPv4 or IPv6 network. IPv4 is kept as IPv4-mapped IPv6 (::ffff:a.b.c.d/96+n), so one
/// comparison serves both and a mapped peer address matches an IPv4 range.
struct Cidr {
    std::array<std::uint8_t, 16> address{};
    int prefix = 0;  // in bits of the 128-bit form

    bool contains(const std::array<std::uint8_t, 16>& ip) const;
};

/// "10.0.0.0/16", "2001:db8::/32", or a bare address (a /32 or /128). Nullopt when malformed.
std::optional<Cidr> parseCidr(std::string_view text);
/// A comma-separated list; `error` names the first bad entry.
std::optional<std::vector<Cidr>> parseCidrList(std::string_view text, std::string& error);

/// The 128-bit form of an address ("1.2.3.4", "::1", "[::1]", "1.2.3.4:80", "[::1]:80").
std::optional<std::array<std::uint8_t, 16>> parseIp(std::string_view text);
/// The canonical text of an address in the 128-bit form (IPv4 for mapped addresses).
std::string formatIp(const std::array<std::uint8_t, 16>& ip);

/// The address to key a client on: the peer itself unless it lies in `trusted`; then the
/// right-most address of `forwardedFor` outside `trusted` (the left-most one when all are
/// trusted; the nearest trusted hop when the next entry is not an address). Canonical text; the
/// peer's text as given when it is not an address at all.
std::string clientIp(std::string_view peer, std::optional<std::string_view> forwardedFor,
                     const std::vector<Cidr>& trusted);

}  // namespace boxoffice::admission
