#include "auth/jwt.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>

#include <array>
#include <cstdint>
#include <limits>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <utility>

#include "util/sha256.hpp"

namespace boxoffice::auth {

namespace {

// Far above any token we mint (~300 bytes); bounds the work an unauthenticated caller can cause.
constexpr std::size_t kMaxTokenBytes = 8 * 1024;
constexpr std::size_t kMaxSubjectChars = 128;
constexpr std::size_t kHs256Bytes = 32;
// Fixed text rather than a serialised object: the signature covers these exact bytes.
constexpr std::string_view kHeader = R"({"alg":"HS256","typ":"JWT"})";

Error unauthenticated(std::string detail) {
    return Error{ErrorCode::Unauthenticated, std::move(detail), {}, {}, {}};
}

std::array<unsigned char, kHs256Bytes> hmacSha256(std::string_view key, std::string_view data) {
    std::array<unsigned char, kHs256Bytes> mac{};
    unsigned int len = 0;
    const auto* out = HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
                           reinterpret_cast<const unsigned char*>(data.data()), data.size(), mac.data(), &len);
    // Only an allocation failure or a broken OpenSSL gets here: a bug, not a bad token.
    if (out == nullptr || len != kHs256Bytes) throw std::runtime_error("jwt: HMAC-SHA256 failed");
    return mac;
}

std::string randomJti() {
    std::array<unsigned char, 16> bytes{};
    if (RAND_bytes(bytes.data(), static_cast<int>(bytes.size())) != 1) {
        throw std::runtime_error("jwt: RAND_bytes failed");
    }
    return util::base64UrlEncode(std::string_view(reinterpret_cast<const char*>(bytes.data()), bytes.size()));
}

// Decodes one base64url segment into a JSON object; nullopt for anything else (bad base64, bad JSON,
// invalid UTF-8, a JSON array or scalar).
std::optional<nlohmann::json> decodeObject(std::string_view segment) {
    std::string text;
    if (!util::base64UrlDecode(segment, text)) return std::nullopt;
    auto doc = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
    if (doc.is_discarded() || !doc.is_object()) return std::nullopt;
    return doc;
}

}  // namespace

std::string_view roleName(Role role) {
    switch (role) {
        case Role::Admin:
            return "admin";
        case Role::User:
            return "user";
    }
    return "user";
}

std::optional<Role> parseRole(std::string_view s) {
    if (s == "user") return Role::User;
    if (s == "admin") return Role::Admin;
    return std::nullopt;
}

JwtCodec::JwtCodec(std::string secret, const Clock& clock, std::chrono::seconds leeway)
    : secret_(std::move(secret)), clock_(clock), leeway_(leeway) {
    // An empty HMAC key lets anyone forge tokens; refuse to start rather than accept them.
    if (secret_.empty()) throw std::invalid_argument("jwt secret must not be empty");
    if (leeway_.count() < 0) throw std::invalid_argument("jwt leeway must not be negative");
}

std::string JwtCodec::mint(const TokenSpec& spec) const {
    // Whole seconds, as RFC 7519 NumericDate is usually read; floor keeps iat <= now.
    const std::int64_t ms = clock_.nowMs();
    const std::int64_t iat = ms >= 0 ? ms / 1000 : -((-ms + 999) / 1000);
    nlohmann::ordered_json claims;
    claims["sub"] = spec.userId;
    claims["role"] = roleName(spec.role);
    claims["iat"] = iat;
    claims["nbf"] = iat;
    claims["exp"] = iat + spec.ttl.count();
    claims["jti"] = randomJti();

    std::string signingInput = util::base64UrlEncode(kHeader);
    signingInput += '.';
    signingInput += util::base64UrlEncode(claims.dump());
    const auto mac = hmacSha256(secret_, signingInput);
    signingInput += '.';
    signingInput += util::base64UrlEncode(std::string_view(reinterpret_cast<const char*>(mac.data()), mac.size()));
    return signingInput;
}

Result<Principal> JwtCodec::verify(std::string_view token) const {
    EpochMs ignored = 0;
    return verify(token, ignored);
}

Result<Principal> JwtCodec::verify(std::string_view token, EpochMs& expiresAtMs) const {
    if (token.size() > kMaxTokenBytes) return unauthenticated("token too large");

    const auto dot1 = token.find('.');
    if (dot1 == std::string_view::npos) return unauthenticated("malformed token");
    const auto dot2 = token.find('.', dot1 + 1);
    if (dot2 == std::string_view::npos || token.find('.', dot2 + 1) != std::string_view::npos) {
        return unauthenticated("malformed token");
    }
    const std::string_view headerPart = token.substr(0, dot1);
    const std::string_view payloadPart = token.substr(dot1 + 1, dot2 - dot1 - 1);
    const std::string_view signaturePart = token.substr(dot2 + 1);

    try {
        // The algorithm is pinned here, never taken from the token: trusting `alg` is how "none" and
        // RS256/HS256 key-confusion forgeries get through.
        const auto header = decodeObject(headerPart);
        if (!header) return unauthenticated("malformed token");
        const auto alg = header->find("alg");
        if (alg == header->end() || !alg->is_string() || alg->get_ref<const std::string&>() != "HS256") {
            return unauthenticated("unsupported algorithm");
        }
        const auto typ = header->find("typ");
        if (typ != header->end() && (!typ->is_string() || typ->get_ref<const std::string&>() != "JWT")) {
            return unauthenticated("unsupported token type");
        }

        std::string signature;
        if (!util::base64UrlDecode(signaturePart, signature)) return unauthenticated("malformed token");
        const auto expected = hmacSha256(secret_, token.substr(0, dot2));
        // Length is public (always 32 for HS256); only the byte comparison must not leak timing.
        if (signature.size() != expected.size() ||
            CRYPTO_memcmp(signature.data(), expected.data(), expected.size()) != 0) {
            return unauthenticated("bad signature");
        }

        // Claims are only looked at once the signature proves we wrote them.
        const auto claims = decodeObject(payloadPart);
        if (!claims) return unauthenticated("malformed token");

        // Compare in milliseconds as doubles: NumericDate may be fractional, and a double holds any
        // realistic epoch-ms exactly, while absurd values (1e300) still compare sanely.
        const double nowMs = static_cast<double>(clock_.nowMs());
        const double leewayMs = static_cast<double>(leeway_.count()) * 1000.0;

        const auto exp = claims->find("exp");
        if (exp == claims->end()) return unauthenticated("missing expiry");
        if (!exp->is_number()) return unauthenticated("invalid expiry");
        if (nowMs >= exp->get<double>() * 1000.0 + leewayMs) return unauthenticated("token expired");
        // Clamped: converting a double beyond int64 (exp 1e300 in a validly signed token) is undefined.
        const double untilMs = exp->get<double>() * 1000.0 + leewayMs;
        expiresAtMs = untilMs >= 9.0e18 ? std::numeric_limits<EpochMs>::max() : static_cast<EpochMs>(untilMs);

        const auto nbf = claims->find("nbf");
        if (nbf != claims->end()) {
            if (!nbf->is_number()) return unauthenticated("invalid not-before");
            if (nbf->get<double>() * 1000.0 > nowMs + leewayMs) return unauthenticated("token not yet valid");
        }

        const auto sub = claims->find("sub");
        if (sub == claims->end() || !sub->is_string() || sub->get_ref<const std::string&>().empty()) {
            return unauthenticated("missing subject");
        }
        const auto& subject = sub->get_ref<const std::string&>();
        if (subject.size() > kMaxSubjectChars) return unauthenticated("invalid subject");

        Principal principal{subject, Role::User};
        const auto role = claims->find("role");
        if (role != claims->end()) {
            const auto parsed = role->is_string() ? parseRole(role->get_ref<const std::string&>()) : std::nullopt;
            if (!parsed) return unauthenticated("invalid role");
            principal.role = *parsed;
        }
        return principal;
    } catch (const nlohmann::json::exception&) {
        // Every access above is type-checked first; this is a backstop so a token can never turn into a 500.
        return unauthenticated("malformed token");
    }
}

VerifiedTokenCache::VerifiedTokenCache(const JwtCodec& codec, const Clock& clock, std::size_t capacity)
    : codec_(codec), clock_(clock), capacityPerShard_(std::max<std::size_t>(1, capacity / 16)) {}

Result<Principal> VerifiedTokenCache::verify(std::string_view token) {
    if (token.size() > kMaxTokenBytes) return codec_.verify(token);
    Shard& shard = shards_[std::hash<std::string_view>{}(token) % shards_.size()];
    const EpochMs now = clock_.nowMs();
    {
        std::lock_guard lock(shard.mu);
        auto it = shard.entries.find(token);
        if (it != shard.entries.end()) {
            if (now < it->second.expiresAt) return it->second.principal;
            shard.entries.erase(it);
        }
    }
    EpochMs expiresAt = 0;
    auto principal = codec_.verify(token, expiresAt);
    if (!principal) return principal;
    std::lock_guard lock(shard.mu);
    if (shard.entries.size() >= capacityPerShard_) shard.entries.clear();  // crude, bounded, rare
    shard.entries.emplace(std::string(token), Entry{*principal, expiresAt});
    return principal;
}

}  // namespace boxoffice::auth
