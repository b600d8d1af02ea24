#pragma once
// HS256 JSON Web Tokens: minted for development and load tests, verified on every request.
#include <chrono>
#include <optional>
#include <string>
#include <string_view>

#include "domain/clock.hpp"
#include "domain/result.hpp"

namespace boxoffice::auth {

enum class Role { User, Admin };

std::string_view roleName(Role role);

/// Who is calling: the JWT `sub` and `role`.
struct Principal {
    std::string userId;
    Role role = Role::User;
    bool isAdmin() const { return role == Role::Admin; }
};

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
class JwtCodec {
public:
    JwtCodec(std::string secret, const Clock& clock, std::chrono::seconds leeway = std::chrono::seconds{30});

    std::string mint(const TokenSpec& spec) const;
    Result<Principal> verify(std::string_view token) const;

private:
    std::string secret_;
    const Clock& clock_;
    std::chrono::seconds leeway_;
};

/// Parses "user" / "admin".
std::optional<Role> parseRole(std::string_view s);

}  // namespace boxoffice::auth
