#pragma once
// The crowd's identities: one JWT per virtual user, minted with the shared secret or read from a
// file (one token per line; the user id is the token's `sub`).

#include <optional>
#include <string>
#include <vector>

namespace boxoffice::load {

struct VirtualUser {
    std::string id;     // JWT sub
    std::string token;  // bearer token
};

/// `count` users named `<prefix>-<i>`, tokens valid for `ttlSeconds`.
std::vector<VirtualUser> mintUsers(const std::string& secret, const std::string& prefix, long long count,
                                   long long ttlSeconds);

/// The `sub` claim of a JWT (not verified: the service does that), or nullopt.
std::optional<std::string> subjectOf(const std::string& token);

/// The first `count` tokens of a file; an error message when it has fewer or one has no `sub`.
std::optional<std::vector<VirtualUser>> readUsers(const std::string& path, long long count, std::string& error);

}  // namespace boxoffice::load
