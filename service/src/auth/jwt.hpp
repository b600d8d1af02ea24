#pragma once
// HS256 JSON Web Tokens: minted for development and load tests, verified on every request.
#include <array>
#include <chrono>
#include <functional>
#include <mutex>
#include <unordered_map>
#include <optional>
#include <string>
#include <string_view>

#include "auth/token_verifier.hpp"
#include "domain/clock.hpp"
#include "domain/result.hpp"

namespace boxoffice::auth {

std::string_view roleName(Role role);

struct TokenSpec {
    std::string userId;
    Role role = Role::User;
    std::chrono::seconds ttl{3600};
};

/// Signs and verifies HS256 tokens with one shared secret. Verification checks, in order: three
/// base64url parts, header `alg` == "HS256" exactly (rejects "none", "HS512", "RS256", ...; `typ` if
/// present must be "JWT"), the signature (constant-time compare), `exp` (required, must be in the
/// future, `leeway` allowed), `nbf` (optional, must not be in the future beyond `leeway`), `sub`
/// (required non-empty string, at most 128 chars), `role` (optional, "user" or "admin"; default user).
/// Any failure -> Error{Unauthenticated, detail naming the reason, e.g. "token expired"}.
class JwtCodec final : public TokenVerifier {
public:
    JwtCodec(std::string secret, const Clock& clock, std::chrono::seconds leeway = std::chrono::seconds{30});

    std::string mint(const TokenSpec& spec) const { return mint(spec, {}, {}); }
    /// With `iss` / `aud` claims (each left out when empty), for a service that checks them.
    std::string mint(const TokenSpec& spec, std::string_view issuer, std::string_view audience) const;
    Result<Principal> verify(std::string_view token) const;
    const Clock& clock() const override { return clock_; }
    /// Like verify(), also giving the instant (epoch ms) after which the token no longer verifies.
    Result<Principal> verify(std::string_view token, EpochMs& expiresAtMs) const override;

private:
    std::string secret_;
    const Clock& clock_;
    std::chrono::seconds leeway_;
};

/// Remembers tokens that verified, until they expire: a flash sale sends the same few thousand
/// tokens over and over, and HMAC + base64 + JSON per request is a measurable share of a hold.
/// Thread-safe (sharded locks). A token is only ever cached after a full verify(), and only until its
/// `exp`: a key removed from a JWKS stops new tokens at once, tokens already seen run out at `exp`.
class VerifiedTokenCache {
public:
    VerifiedTokenCache(const TokenVerifier& verifier, const Clock& clock, std::size_t capacity = 200000);
    Result<Principal> verify(std::string_view token);

private:
    struct Entry {
        Principal principal;
        EpochMs expiresAt = 0;
    };
    // Transparent, so a lookup hashes the token's view without copying it into a string.
    struct TokenHash {
        using is_transparent = void;
        std::size_t operator()(std::string_view s) const noexcept { return std::hash<std::string_view>{}(s); }
    };
    struct Shard {
        std::mutex mu;
        std::unordered_map<std::string, Entry, TokenHash, std::equal_to<>> entries;
    };
    const TokenVerifier& codec_;
    const Clock& clock_;
    std::size_t capacityPerShard_;
    std::array<Shard, 16> shards_;
};

/// Parses "user" / "admin".
std::optional<Role> parseRole(std::string_view s);

}  // namespace boxoffice::auth
