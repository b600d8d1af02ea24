#pragma once
// The harness as the show's admin, before the crowd: turn the waiting room on (`--waiting-room`)
// or read the room the show already has (`--queue`). Blocking set-up calls on the SetupClient.

#include <cstdint>
#include <optional>
#include <string>

#include "common/setup_client.hpp"
#include "harness/scenario.hpp"

namespace boxoffice::load {

/// PUT /v1/shows/{id}/waiting-room: on, opening at `opensAtMs` (epoch ms), admitting as `q` says.
/// Returns the opening as the service stored it; throws std::runtime_error naming the call.
long long configureWaitingRoom(SetupClient& client, const std::string& adminToken, const std::string& showId,
                               const QueueSettings& q, long long opensAtMs);

/// GET /v1/shows/{id}/waiting-room: the room's opening (epoch ms) when it is on, nullopt when it is
/// off; throws std::runtime_error when it cannot be read.
std::optional<long long> waitingRoomOpensAt(SetupClient& client, const std::string& adminToken,
                                            const std::string& showId);

/// The show's waiting room before the crowd arrives (nothing with the queue off): turned on to open
/// `--queue-lead` after the last planned arrival of a crowd whose first arrives at `opening`
/// (monoMicros()), so everyone joins the pre-queue; or, with `--queue`, read as it is (when the
/// admin token is known). Returns monoMicros() of the opening (0: unknown or already past); throws
/// std::runtime_error when the room cannot be set, or is not on.
std::int64_t prepareWaitingRoom(const Scenario& s, SetupClient& setup, const std::string& adminToken,
                                const std::string& showId, std::int64_t opening, long long users);

}  // namespace boxoffice::load
