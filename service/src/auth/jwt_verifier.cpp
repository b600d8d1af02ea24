#include "auth/jwt_verifier.hpp"

#include <stdexcept>
#include <utility>

#include "util/sha256.hpp"

namespace boxoffice::auth {

using jws::unauthenticated;

JwtVerifier::JwtVerifier(const JwtCodec* hs256, JwksSource* jwks, ClaimRules rules, const Clock& clock,
                         std::chrono::seconds leeway)
    : hs256_(hs256), jwks_(jwks), rules_(std::move(rules)), clock_(clock), leeway_(leeway) {
    if (!hs256_ && !jwks_) throw std::invalid_argument("jwt verifier needs a shared secret or a JWKS");
    if (leeway_.count() < 0) throw std::invalid_argument("jwt leeway must not be negative");
}

Result<Principal> JwtVerifier::verify(std::string_view token) const {
    EpochMs ignored = 0;
    return verify(token, ignored);
}

Result<Principal> JwtVerifier::verify(std::string_view token, EpochMs& expiresAtMs) const {
    if (token.size() > jws::kMaxTokenBytes) return unauthenticated("token too large");
    const auto parts = jws::split(token);
    if (!parts) return unauthenticated("malformed token");
    try {
        const auto header = jws::decodeObject(parts->header);
        if (!header) return unauthenticated("malformed token");
        const auto alg = header->find("alg");
        if (alg == header->end() || !alg->is_string()) return unauthenticated("unsupported algorithm");
        const auto& name = alg->get_ref<const std::string&>();
        if (name == "HS256") {
            if (!hs256_) return unauthenticated("HS256 tokens are not accepted (no shared secret configured)");
            auto principal = hs256_->verify(token, expiresAtMs);
            if (!principal) return principal;
            // Verified by the secret: the payload is ours to read.
            const auto claims = jws::decodeObject(parts->payload);
            if (!claims) return unauthenticated("malformed token");
            if (auto bad = checkIssuerAndAudience(*claims)) return std::move(*bad);
            return principal;
        }
        if (name == "RS256" || name == "ES256") {
            if (!jwks_) return unauthenticated(name + " tokens are not accepted (no JWKS configured)");
            return verifyWithJwks(*parts, *header, name == "RS256" ? JwsAlg::RS256 : JwsAlg::ES256, expiresAtMs);
        }
        return unauthenticated("unsupported algorithm");
    } catch (const nlohmann::json::exception&) {
        // Every access is type-checked first; a backstop so a token can never turn into a 500.
        return unauthenticated("malformed token");
    }
}

Result<Principal> JwtVerifier::verifyWithJwks(const jws::Parts& parts, const nlohmann::json& header, JwsAlg alg,
                                              EpochMs& expiresAtMs) const {
    if (const auto typ = header.find("typ"); typ != header.end()) {
        // "JWT" (RFC 7519) or "at+jwt" (RFC 9068 access tokens); an ID token's typ is absent or "JWT".
        if (!typ->is_string() || (*typ != "JWT" && *typ != "at+jwt" && *typ != "application/at+jwt"))
            return unauthenticated("unsupported token type");
    }
    // `crit` names extensions the verifier must understand; it understands none.
    if (header.contains("crit")) return unauthenticated("unsupported critical header");
    const auto kidIt = header.find("kid");
    if (kidIt != header.end() && !kidIt->is_string()) return unauthenticated("malformed token");
    const bool hasKid = kidIt != header.end();
    const std::string kid = hasKid ? kidIt->get<std::string>() : std::string();

    const auto set = jwks_->current();
    if (!set) {
        jwks_->requestRefresh();
        return unauthenticated("signing keys not loaded yet");
    }
    const Jwk* key = set->find(kid, hasKid, alg);
    if (!key) {
        if (!hasKid)
            return unauthenticated("token has no kid and the key set has no single " + std::string(jwsAlgName(alg)) +
                                   " key");
        // Perhaps the provider rotated its keys: fetch them in the background, never on this request.
        jwks_->requestRefresh();
        return unauthenticated("unknown signing key");
    }
    if (key->alg != alg) return unauthenticated("token algorithm does not match its key");

    std::string signature;
    if (!util::base64UrlDecode(parts.signature, signature)) return unauthenticated("malformed token");
    if (!verifySignature(*key, alg, parts.signingInput, signature)) return unauthenticated("bad signature");

    const auto claims = jws::decodeObject(parts.payload);
    if (!claims) return unauthenticated("malformed token");
    if (auto bad = jws::checkTimes(*claims, clock_.nowMs(), leeway_, expiresAtMs)) return std::move(*bad);
    if (auto bad = checkIssuerAndAudience(*claims)) return std::move(*bad);
    auto subject = jws::subjectOf(*claims);
    if (!subject) return std::move(subject).error();
    return Principal{std::move(subject).value(), roleOf(*claims)};
}

std::optional<Error> JwtVerifier::checkIssuerAndAudience(const nlohmann::json& claims) const {
    if (!rules_.issuer.empty()) {
        const auto iss = claims.find("iss");
        if (iss == claims.end()) return unauthenticated("missing issuer");
        if (!iss->is_string() || *iss != rules_.issuer) return unauthenticated("wrong issuer");
    }
    if (!rules_.audiences.empty()) {
        const auto aud = claims.find("aud");
        if (aud == claims.end()) return unauthenticated("missing audience");
        auto accepted = [this](const nlohmann::json& v) {
            if (!v.is_string()) return false;
            for (const auto& a : rules_.audiences)
                if (v == a) return true;
            return false;
        };
        bool ok = accepted(*aud);
        if (aud->is_array())
            for (const auto& v : *aud) ok = ok || accepted(v);
        if (!ok) return unauthenticated("wrong audience");
    }
    return std::nullopt;
}

Role JwtVerifier::roleOf(const nlohmann::json& claims) const {
    const auto claim = claims.find(rules_.roleClaim);
    if (claim == claims.end()) return Role::User;
    const auto holds = [&claim](const std::string& value) {
        if (value.empty()) return false;
        if (claim->is_string()) return *claim == value;
        if (claim->is_array())
            for (const auto& v : *claim)
                if (v.is_string() && v == value) return true;
        return false;
    };
    // Admin wins over staff when a group list holds both. Any other value (a number, an object, a
    // group list without either group) is an ordinary user.
    if (holds(rules_.adminValue)) return Role::Admin;
    if (holds(rules_.staffValue)) return Role::Staff;
    return Role::User;
}

}  // namespace boxoffice::auth
