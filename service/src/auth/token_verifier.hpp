#pragma once
// The port the HTTP edge authenticates through: a bearer token in, a Principal (or an
// Error{Unauthenticated, reason}) out. Implemented by JwtCodec (HS256 only) and JwtVerifier (HS256
// and the JWKS algorithms); VerifiedTokenCache works over any of them.
#include <string_view>

#include "domain/clock.hpp"
#include "domain/result.hpp"

namespace boxoffice::auth {

enum class Role { User, Staff, Admin };

/// Who is calling: the JWT `sub` and the role its claims map to.
struct Principal {
    std::string userId;
    Role role = Role::User;
    bool isAdmin() const { return role == Role::Admin; }
    /// Door staff may check tickets in; an admin may do whatever staff may.
    bool isStaff() const { return role == Role::Staff || role == Role::Admin; }
};

class TokenVerifier {
public:
    virtual ~TokenVerifier() = default;
    /// Verifies `token` completely; on success `expiresAtMs` is the instant (epoch ms) after which the
    /// token no longer verifies. Never throws for a bad token.
    virtual Result<Principal> verify(std::string_view token, EpochMs& expiresAtMs) const = 0;
    virtual const Clock& clock() const = 0;
};

}  // namespace boxoffice::auth
