#include "payments/webhook_signature.hpp"

#include <openssl/crypto.h>

#include <array>
#include <charconv>
#include <stdexcept>

#include "util/hex.hpp"
#include "util/sha256.hpp"

namespace boxoffice::payments {
namespace {

Error invalid(std::string detail) {
    return Error::of(ErrorCode::InvalidSignature, std::move(detail));
}

std::string trim(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
    return std::string(s);
}

// 32 bytes from 64 hex digits, or false (a malformed candidate is skipped, like any wrong one).
bool decodeMac(std::string_view hex, std::array<unsigned char, 32>& out) {
    if (hex.size() != 64) return false;
    for (std::size_t i = 0; i < 32; ++i) {
        const int hi = util::hexDigit(hex[2 * i]), lo = util::hexDigit(hex[2 * i + 1]);
        if (hi < 0 || lo < 0) return false;
        out[i] = static_cast<unsigned char>(hi * 16 + lo);
    }
    return true;
}

}  // namespace

WebhookSignature::WebhookSignature(std::vector<std::string> secrets, const Clock& clock, std::chrono::seconds tolerance)
    : secrets_(std::move(secrets)), clock_(clock), tolerance_(tolerance) {
    if (secrets_.empty()) throw std::invalid_argument("webhook signature: no secret");
    for (const auto& s : secrets_)
        if (s.empty()) throw std::invalid_argument("webhook signature: an empty secret");
}

Result<void> WebhookSignature::verify(std::string_view header, std::string_view rawBody) const {
    if (header.empty()) return invalid("no signature header");
    if (header.size() > 4096) return invalid("malformed signature header");
    std::string timestamp;
    std::vector<std::string> candidates;
    std::string_view rest = header;
    while (!rest.empty()) {
        const auto comma = rest.find(',');
        const std::string item = trim(rest.substr(0, comma));
        rest = comma == std::string_view::npos ? std::string_view() : rest.substr(comma + 1);
        const auto eq = item.find('=');
        if (eq == std::string::npos || eq == 0) return invalid("malformed signature header");
        const std::string key = item.substr(0, eq), value = item.substr(eq + 1);
        if (key == "t") {
            if (!timestamp.empty()) return invalid("malformed signature header: two timestamps");
            timestamp = value;
        } else if (key == "v1") {
            candidates.push_back(value);
        }  // other schemes (v0, ...) are not ours to check
    }
    long long t = 0;
    const auto [end, ec] = std::from_chars(timestamp.data(), timestamp.data() + timestamp.size(), t);
    if (timestamp.empty() || ec != std::errc() || end != timestamp.data() + timestamp.size() || t < 0)
        return invalid("malformed signature header: no valid timestamp");
    if (candidates.empty()) return invalid("no v1 signature in the header");

    const long long now = clock_.nowMs() / 1000;
    const long long age = now > t ? now - t : t - now;
    if (age > tolerance_.count()) return invalid("the signature's timestamp is outside the tolerance");

    std::string signedPayload;
    signedPayload.reserve(timestamp.size() + 1 + rawBody.size());
    signedPayload.append(timestamp).push_back('.');
    signedPayload.append(rawBody);
    // Every secret against every candidate, without stopping at the first match: the work done does
    // not depend on which one matched.
    bool matched = false;
    for (const auto& secret : secrets_) {
        const auto expected = util::hmacSha256(secret, signedPayload);
        for (const auto& candidate : candidates) {
            std::array<unsigned char, 32> given{};
            if (!decodeMac(candidate, given)) continue;
            if (CRYPTO_memcmp(given.data(), expected.data(), expected.size()) == 0) matched = true;
        }
    }
    if (!matched) return invalid("no signature matches the payload");
    return {};
}

std::string WebhookSignature::sign(std::string_view rawBody, long long unixSeconds) const {
    const std::string t = std::to_string(unixSeconds);
    const auto mac = util::hmacSha256(secrets_.front(), t + "." + std::string(rawBody));
    return "t=" + t + ",v1=" + util::hexLower(mac.data(), mac.size());
}

}  // namespace boxoffice::payments
