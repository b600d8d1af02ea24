#include "admission/client_ip.hpp"

#include <arpa/inet.h>

#include <charconv>

namespace boxoffice::admission {

namespace {

std::string_view trim(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
    return s;
}

bool isTrusted(const std::array<std::uint8_t, 16>& ip, const std::vector<Cidr>& trusted) {
    for (const auto& c : trusted)
        if (c.contains(ip)) return true;
    return false;
}

bool isMapped(const std::array<std::uint8_t, 16>& ip) {
    for (int i = 0; i < 10; ++i)
        if (ip[static_cast<std::size_t>(i)] != 0) return false;
    return ip[10] == 0xff && ip[11] == 0xff;
}

}  // namespace

bool Cidr::contains(const std::array<std::uint8_t, 16>& ip) const {
    int bits = prefix;
    for (std::size_t i = 0; i < 16 && bits > 0; ++i, bits -= 8) {
        const std::uint8_t mask = bits >= 8 ? 0xff : static_cast<std::uint8_t>(0xff << (8 - bits));
        if ((ip[i] & mask) != (address[i] & mask)) return false;
    }
    return true;
}

std::optional<std::array<std::uint8_t, 16>> parseIp(std::string_view text) {
    text = trim(text);
    std::string host;
    if (!text.empty() && text.front() == '[') {
        const auto close = text.find(']');
        if (close == std::string_view::npos) return std::nullopt;
        host = std::string(text.substr(1, close - 1));
    } else if (text.find(':') != text.rfind(':')) {
        host = std::string(text);  // IPv6 without brackets: never with a port
    } else {
        host = std::string(text.substr(0, text.find(':')));  // IPv4, maybe with a port
    }
    std::array<std::uint8_t, 16> out{};
    in_addr v4{};
    if (inet_pton(AF_INET, host.c_str(), &v4) == 1) {
        out[10] = 0xff;
        out[11] = 0xff;
        const auto* b = reinterpret_cast<const std::uint8_t*>(&v4.s_addr);
        for (std::size_t i = 0; i < 4; ++i) out[12 + i] = b[i];
        return out;
    }
    in6_addr v6{};
    if (inet_pton(AF_INET6, host.c_str(), &v6) == 1) {
        for (std::size_t i = 0; i < 16; ++i) out[i] = v6.s6_addr[i];
        return out;
    }
    return std::nullopt;
}

std::string formatIp(const std::array<std::uint8_t, 16>& ip) {
    char buf[INET6_ADDRSTRLEN] = {};
    if (isMapped(ip)) {
        in_addr v4{};
        auto* b = reinterpret_cast<std::uint8_t*>(&v4.s_addr);
        for (std::size_t i = 0; i < 4; ++i) b[i] = ip[12 + i];
        inet_ntop(AF_INET, &v4, buf, sizeof buf);
    } else {
        in6_addr v6{};
        for (std::size_t i = 0; i < 16; ++i) v6.s6_addr[i] = ip[i];
        inet_ntop(AF_INET6, &v6, buf, sizeof buf);
    }
    return buf;
}

std::optional<Cidr> parseCidr(std::string_view text) {
    text = trim(text);
    const auto slash = text.find('/');
    const std::string_view addr = text.substr(0, slash);
    if (addr.empty() || addr.front() == '[') return std::nullopt;
    // A CIDR has no port: an IPv4 address with ':' is malformed here.
    if (addr.find(':') != std::string_view::npos && addr.find(':') == addr.rfind(':')) return std::nullopt;
    auto ip = parseIp(addr);
    if (!ip) return std::nullopt;
    const bool v4 = addr.find(':') == std::string_view::npos;
    const int max = v4 ? 32 : 128;
    int prefix = max;
    if (slash != std::string_view::npos) {
        const std::string_view p = text.substr(slash + 1);
        const auto [end, ec] = std::from_chars(p.data(), p.data() + p.size(), prefix);
        if (p.empty() || ec != std::errc{} || end != p.data() + p.size() || prefix < 0 || prefix > max)
            return std::nullopt;
    }
    Cidr c{*ip, v4 ? 96 + prefix : prefix};
    // Host bits set ("10.0.0.1/16") are most likely a typo for another network: refuse them.
    for (int bit = c.prefix; bit < 128; ++bit)
        if (c.address[static_cast<std::size_t>(bit / 8)] & (0x80 >> (bit % 8))) return std::nullopt;
    return c;
}

std::optional<std::vector<Cidr>> parseCidrList(std::string_view text, std::string& error) {
    std::vector<Cidr> out;
    while (!text.empty()) {
        const auto comma = text.find(',');
        const std::string_view item = trim(text.substr(0, comma));
        text = comma == std::string_view::npos ? std::string_view{} : text.substr(comma + 1);
        if (item.empty()) continue;
        auto c = parseCidr(item);
        if (!c) {
            error = "'" + std::string(item) + "' is not an IPv4 or IPv6 network such as 10.0.0.0/16 or 2001:db8::/32";
            return std::nullopt;
        }
        out.push_back(*c);
    }
    return out;
}

std::string clientIp(std::string_view peer, std::optional<std::string_view> forwardedFor,
                     const std::vector<Cidr>& trusted) {
    auto peerIp = parseIp(peer);
    if (!peerIp) return std::string(peer);
    if (!forwardedFor || !isTrusted(*peerIp, trusted)) return formatIp(*peerIp);
    auto nearest = *peerIp;
    std::string_view rest = *forwardedFor;
    while (!rest.empty()) {
        const auto comma = rest.rfind(',');
        const std::string_view item = trim(comma == std::string_view::npos ? rest : rest.substr(comma + 1));
        rest = comma == std::string_view::npos ? std::string_view{} : rest.substr(0, comma);
        if (item.empty()) continue;
        auto ip = parseIp(item);
        if (!ip) break;  // not written by a proxy of ours: the hop before it is all we know
        if (!isTrusted(*ip, trusted)) return formatIp(*ip);
        nearest = *ip;
    }
    return formatIp(nearest);
}

}  // namespace boxoffice::admission
