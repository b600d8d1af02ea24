#pragma once
// The service's token verifier: HS256 tokens against the shared secret (when one is configured) and
// RS256 / ES256 tokens from an OpenID Connect provider against its JWKS (when one is configured).
#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "auth/jwks_source.hpp"
#include "auth/jws.hpp"
#include "auth/jwt.hpp"
#include "auth/token_verifier.hpp"

namespace boxoffice::auth {

/// What a provider's token must say, and how its claims map to a Principal.
struct ClaimRules {
    std::string issuer;                  // required `iss` when non-empty
    std::vector<std::string> audiences;  // `aud` (a string or an array) must hold one of these when non-empty
    std::string roleClaim = "role";      // e.g. "cognito:groups", "roles"; may be a string or an array
    std::string adminValue = "admin";    // Role::Admin when the claim equals or contains it
    std::string staffValue = "staff";    // Role::Staff when it equals or contains this (and not adminValue)
};

/// The algorithm is chosen by which key verifies, never by the token alone: `alg` "HS256" goes only
/// to the shared secret, "RS256" / "ES256" only to a JWKS key of that type (and of that `alg` where
/// the key declares one); "none" and anything else are refused. A token naming a `kid` the key set
/// lacks is refused at once (401) and asks the source for a background refresh. Then `exp`, `nbf`,
/// `sub`, and for provider tokens `iss`, `aud` and the role claim are checked. The service's own
/// HS256 tokens keep JwtCodec's rules (`role` "user" or "admin"); `iss`/`aud`, when configured, are
/// required of them too.
class JwtVerifier final : public TokenVerifier {
public:
    /// `hs256` and `jwks` may each be null (not both); both must outlive the verifier.
    JwtVerifier(const JwtCodec* hs256, JwksSource* jwks, ClaimRules rules, const Clock& clock,
                std::chrono::seconds leeway = std::chrono::seconds{30});

    Result<Principal> verify(std::string_view token, EpochMs& expiresAtMs) const override;
    Result<Principal> verify(std::string_view token) const;
    const Clock& clock() const override { return clock_; }

private:
    Result<Principal> verifyWithJwks(const jws::Parts& parts, const nlohmann::json& header, JwsAlg alg,
                                     EpochMs& expiresAtMs) const;
    std::optional<Error> checkIssuerAndAudience(const nlohmann::json& claims) const;
    Role roleOf(const nlohmann::json& claims) const;

    const JwtCodec* hs256_;
    JwksSource* jwks_;
    ClaimRules rules_;
    const Clock& clock_;
    std::chrono::seconds leeway_;
};

}  // namespace boxoffice::auth
