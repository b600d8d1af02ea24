// JWT verification (auth/jwt) on token strings. The input is verified as a token as it is; then,
// since a fuzzer cannot forge an HMAC, it is also signed with the verifier's secret so the header
// and claim checks behind the signature are reached: "HEADER\nPAYLOAD" signs both JSON texts as
// given, anything without a newline is the payload under the standard header. A token that
// verifies must carry what verify() promises (alg HS256, a live exp, a subject, a known role); one
// byte changed in its signature must make it fail; the cache answers as the codec does.
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <array>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "auth/jwt.hpp"
#include "fuzz_target.hpp"
#include "util/sha256.hpp"

namespace boxoffice::fuzz {
namespace {

constexpr std::string_view kSecret = "fuzz-secret-fuzz-secret-fuzz-secret!";
constexpr EpochMs kNowMs = 1'800'000'000'000;  // 2027-01-15
constexpr double kLeewayS = 30;

class FixedClock final : public Clock {
public:
    EpochMs nowMs() const override { return kNowMs; }
};

std::string sign(std::string_view headerJson, std::string_view payloadJson) {
    std::string token = util::base64UrlEncode(headerJson) + "." + util::base64UrlEncode(payloadJson);
    std::array<unsigned char, EVP_MAX_MD_SIZE> mac{};
    unsigned int len = 0;
    HMAC(EVP_sha256(), kSecret.data(), static_cast<int>(kSecret.size()),
         reinterpret_cast<const unsigned char*>(token.data()), token.size(), mac.data(), &len);
    FUZZ_CHECK(len == 32);
    token += '.';
    token += util::base64UrlEncode(std::string_view(reinterpret_cast<const char*>(mac.data()), len));
    return token;
}

void checkRefused(const Result<auth::Principal>& r) {
    FUZZ_CHECK(r.error().code == ErrorCode::Unauthenticated);
    FUZZ_CHECK(!r.error().detail.empty());
}

// A principal came out: the token must say what verify() promises to have checked.
void checkAccepted(std::string_view headerJson, std::string_view payloadJson, const auth::Principal& p) {
    const auto header = nlohmann::json::parse(headerJson, nullptr, false);
    const auto claims = nlohmann::json::parse(payloadJson, nullptr, false);
    FUZZ_CHECK(header.is_object() && claims.is_object());
    FUZZ_CHECK(header.value("alg", nlohmann::json()) == "HS256");
    FUZZ_CHECK(!header.contains("typ") || header["typ"] == "JWT");
    FUZZ_CHECK(claims.contains("exp") && claims["exp"].is_number());
    FUZZ_CHECK(claims["exp"].get<double>() * 1000.0 + kLeewayS * 1000.0 > static_cast<double>(kNowMs));
    FUZZ_CHECK(!claims.contains("nbf") ||
               (claims["nbf"].is_number() && claims["nbf"].get<double>() * 1000.0 <= kNowMs + kLeewayS * 1000.0));
    FUZZ_CHECK(claims.contains("sub") && claims["sub"].is_string() && claims["sub"] == p.userId);
    FUZZ_CHECK(!p.userId.empty() && p.userId.size() <= 128);
    if (claims.contains("role"))
        FUZZ_CHECK(claims["role"] == std::string(auth::roleName(p.role)));
    else
        FUZZ_CHECK(p.role == auth::Role::User);
}

void jwt(std::string_view input) {
    const FixedClock clock;
    const auth::JwtCodec codec(std::string(kSecret), clock);
    auth::VerifiedTokenCache cache(codec, clock, 16);

    const auto raw = codec.verify(input);
    if (!raw) checkRefused(raw);

    std::string_view headerJson = R"({"alg":"HS256","typ":"JWT"})";
    std::string_view payloadJson = input;
    if (const auto nl = input.find('\n'); nl != std::string_view::npos) {
        headerJson = input.substr(0, nl);
        payloadJson = input.substr(nl + 1);
    }
    const std::string token = sign(headerJson, payloadJson);
    EpochMs expiresAt = 0;
    const auto verified = codec.verify(token, expiresAt);
    const auto cached1 = cache.verify(token);
    const auto cached2 = cache.verify(token);
    for (const auto* c : {&cached1, &cached2}) {
        FUZZ_CHECK(c->ok() == verified.ok());
        if (c->ok()) FUZZ_CHECK(c->value().userId == verified->userId && c->value().role == verified->role);
    }
    if (!verified) {
        checkRefused(verified);
        return;
    }
    checkAccepted(headerJson, payloadJson, *verified);
    FUZZ_CHECK(expiresAt > kNowMs);

    std::string tampered = token;
    tampered[tampered.size() - 2] = tampered[tampered.size() - 2] == 'A' ? 'B' : 'A';
    const auto forged = codec.verify(tampered);
    FUZZ_CHECK(!forged.ok());
    checkRefused(forged);
}

}  // namespace
}  // namespace boxoffice::fuzz

BOXOFFICE_FUZZ_TARGET(jwt, boxoffice::fuzz::jwt)
