#include "admission/admission_token.hpp"

#include <openssl/crypto.h>

#include <array>
#include <charconv>
#include <stdexcept>

#include "util/sha256.hpp"

namespace boxoffice::admission {

namespace {

constexpr std::string_view kDomain = "bx-admission-v1.";
constexpr std::size_t kMaxTokenBytes = 1024;

Error refused(std::string detail) {
    return Error::of(ErrorCode::Forbidden, std::move(detail));
}

std::string macOf(const std::string& secret, std::string_view payload64) {
    std::string input(kDomain);
    input += payload64;
    const auto mac = util::hmacSha256(secret, input);
    return std::string(reinterpret_cast<const char*>(mac.data()), mac.size());
}

}  // namespace

AdmissionTokens::AdmissionTokens(std::string secret) : secret_(std::move(secret)) {
    if (secret_.size() < 32) throw std::invalid_argument("BOXOFFICE_ADMISSION_SECRET must be at least 32 characters");
}

std::string AdmissionTokens::mint(const ShowId& show, const UserId& user, EpochMs expiresAt) const {
    const std::string payload = show.str() + "\n" + user.str() + "\n" + std::to_string(expiresAt);
    std::string token = util::base64UrlEncode(payload);
    const std::string mac = macOf(secret_, token);
    token += '.';
    token += util::base64UrlEncode(mac);
    return token;
}

Result<void> AdmissionTokens::verify(std::string_view token, const ShowId& show, const UserId& user,
                                     EpochMs now) const {
    if (token.empty()) return refused("admission token required: join the queue (POST /v1/shows/{id}/queue)");
    const auto dot = token.find('.');
    if (token.size() > kMaxTokenBytes || dot == std::string_view::npos) return refused("admission token is malformed");
    const std::string_view payload64 = token.substr(0, dot);
    std::string mac, payload;
    if (!util::base64UrlDecode(token.substr(dot + 1), mac) || !util::base64UrlDecode(payload64, payload))
        return refused("admission token is malformed");
    const std::string expected = macOf(secret_, payload64);
    if (mac.size() != expected.size() || CRYPTO_memcmp(mac.data(), expected.data(), expected.size()) != 0)
        return refused("admission token signature is invalid");
    const auto first = payload.find('\n');
    const auto second = first == std::string::npos ? first : payload.find('\n', first + 1);
    if (second == std::string::npos) return refused("admission token is malformed");
    EpochMs exp = 0;
    const char* begin = payload.data() + second + 1;
    const char* end = payload.data() + payload.size();
    if (auto [p, ec] = std::from_chars(begin, end, exp); ec != std::errc{} || p != end)
        return refused("admission token is malformed");
    if (std::string_view(payload).substr(0, first) != show.str()) return refused("admission token is for another show");
    if (std::string_view(payload).substr(first + 1, second - first - 1) != user.str())
        return refused("admission token is for another user");
    if (exp <= now) return refused("admission token expired: ask GET /v1/shows/{id}/queue/me for a fresh one");
    return {};
}

}  // namespace boxoffice::admission
