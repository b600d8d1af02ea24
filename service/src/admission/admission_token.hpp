#pragma once
// Admission tokens: what GET /v1/shows/{id}/queue/me hands an admitted user and POST /v1/holds
// checks (header Boxoffice-Admission) on the reactor thread, with no database or Redis call.
// Format: base64url(payload) "." base64url(HMAC-SHA256(secret, "bx-admission-v1." base64url(payload))),
// payload = show id "\n" user id "\n" expiry (epoch ms, decimal). Bound to the user and the show;
// short-lived (the room's admissionTtl, never past the user's shopping window). The secret is
// BOXOFFICE_ADMISSION_SECRET, shared by every replica; without it each process makes its own.
#include <string>
#include <string_view>

#include "domain/clock.hpp"
#include "domain/ids.hpp"
#include "domain/result.hpp"

namespace boxoffice::admission {

class AdmissionTokens {
public:
    /// Throws std::invalid_argument for a secret under 32 bytes (a start-up failure).
    explicit AdmissionTokens(std::string secret);

    std::string mint(const ShowId& show, const UserId& user, EpochMs expiresAt) const;
    /// Forbidden with the reason ("admission token required", "... expired", "... is for another
    /// show", ...) unless `token` is one of ours for this user and show and not expired at `now`.
    Result<void> verify(std::string_view token, const ShowId& show, const UserId& user, EpochMs now) const;

private:
    std::string secret_;
};

}  // namespace boxoffice::admission
