#include "auth/jwt.hpp"

#include <openssl/crypto.h>

#include <array>
#include <cstdint>
#include <limits>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <utility>

#include "auth/jws.hpp"
#include "util/sha256.hpp"

namespace boxoffice::auth {

namespace {

// Fixed text rather than a serialised object: the signature covers these exact bytes.
constexpr std::string_view kHeader = R"({"alg":"HS256","typ":"JWT"})";

using jws::unauthenticated;

std::string randomJti() {
    return util::base64UrlEncode(util::randomBytes(16));
}

}  // namespace

std::string_view roleName(Role role) {
    switch (role) {
        case Role::Admin:
            return "admin";
        case Role::Staff:
            return "staff";
        case Role::User:
            return "user";
    }
    return "user";
}

std::optional<Role> parseRole(std::string_view s) {
    if (s == "user") return Role::User;
    if (s == "admin") return Role::Admin;
    if (s == "staff") return Role::Staff;
    return std::nullopt;
}

JwtCodec::JwtCodec(std::string secret, const Clock& clock, std::chrono::seconds leeway)
    : secret_(std::move(secret)), clock_(clock), leeway_(leeway) {
    // An empty HMAC key lets anyone forge tokens; refuse to start rather than accept them.
    if (secret_.empty()) throw std::invalid_argument("jwt secret must not be empty");
    if (leeway_.count() < 0) throw std::invalid_argument("jwt leeway must not be negative");
}

std::string JwtCodec::mint(const TokenSpec& spec, std::string_view issuer, std::string_view audience) const {
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
    if (!issuer.empty()) claims["iss"] = issuer;
    if (!audience.empty()) claims["aud"] = audience;

    std::string signingInput = util::base64UrlEncode(kHeader);
    signingInput += '.';
    signingInput += util::base64UrlEncode(claims.dump());
    const auto mac = util::hmacSha256(secret_, signingInput);
    signingInput += '.';
    signingInput += util::base64UrlEncode(std::string_view(reinterpret_cast<const char*>(mac.data()), mac.size()));
    return signingInput;
}

Result<Principal> JwtCodec::verify(std::string_view token) const {
    EpochMs ignored = 0;
    return verify(token, ignored);
}

Result<Principal> JwtCodec::verify(std::string_view token, EpochMs& expiresAtMs) const {
    if (token.size() > jws::kMaxTokenBytes) return unauthenticated("token too large");
    const auto parts = jws::split(token);
    if (!parts) return unauthenticated("malformed token");
    const std::string_view headerPart = parts->header;
    const std::string_view payloadPart = parts->payload;
    const std::string_view signaturePart = parts->signature;

    try {
        // The algorithm is pinned here, never taken from the token: trusting `alg` is how "none" and
        // RS256/HS256 key-confusion forgeries get through.
        const auto header = jws::decodeObject(headerPart);
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
        const auto expected = util::hmacSha256(secret_, parts->signingInput);
        // Length is public (always 32 for HS256); only the byte comparison must not leak timing.
        if (signature.size() != expected.size() ||
            CRYPTO_memcmp(signature.data(), expected.data(), expected.size()) != 0) {
            return unauthenticated("bad signature");
        }

        // Claims are only looked at once the signature proves we wrote them.
        const auto claims = jws::decodeObject(payloadPart);
        if (!claims) return unauthenticated("malformed token");
        if (auto bad = jws::checkTimes(*claims, clock_.nowMs(), leeway_, expiresAtMs)) return std::move(*bad);
        auto subject = jws::subjectOf(*claims);
        if (!subject) return std::move(subject).error();

        Principal principal{std::move(subject).value(), Role::User};
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

VerifiedTokenCache::VerifiedTokenCache(const TokenVerifier& verifier, const Clock& clock, std::size_t capacity)
    : codec_(verifier), clock_(clock), capacityPerShard_(std::max<std::size_t>(1, capacity / 16)) {}

Result<Principal> VerifiedTokenCache::verify(std::string_view token) {
    if (token.size() > jws::kMaxTokenBytes) return jws::unauthenticated("token too large");
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
