#pragma once
// The waiting room of a show (issue 16): its admin-set settings, the queue store port and the
// admission arithmetic both adapters share. Pure C++, no I/O.
//
// The model. Every joiner gets a place with a score: before the room opens a random score below
// kOpenScoreBase (the pre-queue: the order of arrival is thrown away, so arriving early is no
// advantage), once it has opened kOpenScoreBase + a sequence number (first come, first served).
// The place is the rank in that order, so the pre-queue is "shuffled" at the opening without a job
// running at the opening second. Nobody is ever removed from the order, so after the opening a rank
// never changes: admission is a cursor ("the first N are admitted") that advances lazily whenever
// the store is asked, by admitRate x elapsed time, or up to maxActive shoppers still inside their
// shopping window. Whoever the cursor passes gets a shopping window from that moment; one who has
// not held when it ends has lost the turn (abandoned).
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "domain/clock.hpp"
#include "domain/ids.hpp"
#include "domain/result.hpp"

namespace boxoffice::admission {

/// Scores at or above this are places taken after the opening; below it, the shuffled pre-queue.
/// 2^52: every score stays an exact integer in a double (Redis sorted set scores are doubles).
inline constexpr std::int64_t kOpenScoreBase = std::int64_t{1} << 52;

inline constexpr std::int64_t kMaxAdmitRate = 100'000;  // people per second
inline constexpr std::int64_t kMaxActive = 1'000'000;
inline constexpr std::chrono::milliseconds kMinAdmissionTtl{5'000}, kMaxAdmissionTtl{3'600'000};
inline constexpr std::chrono::milliseconds kMinShoppingWindow{10'000}, kMaxShoppingWindow{3'600'000};

/// A show's waiting room as the admin set it (PUT /v1/shows/{id}/waiting-room). Exactly one of
/// admitRate and maxActive is positive.
struct WaitingRoomSettings {
    ShowId show;
    bool enabled = false;
    EpochMs opensAt = 0;
    std::int64_t admitRate = 0;                         // people admitted per second, or 0
    std::int64_t maxActive = 0;                         // admitted shoppers inside their window at most, or 0
    std::chrono::milliseconds admissionTtl{60'000};     // lifetime of one admission token
    std::chrono::milliseconds shoppingWindow{600'000};  // from admission to the last hold allowed
    EpochMs updatedAt = 0;
    std::string updatedBy;
};

/// What the cursor did during one store call: the process that made the call counts it, so the
/// sum over replicas is exact (each admission happens in exactly one call).
struct Progress {
    std::int64_t admitted = 0;   // newly admitted
    std::int64_t abandoned = 0;  // admitted, window over, never held
};

/// The room as a whole (GET /v1/shows/{id}/queue).
struct QueueState {
    std::int64_t size = 0;      // everyone who ever joined
    std::int64_t admitted = 0;  // the cursor: ranks below it are admitted
    std::int64_t active = 0;    // admitted, inside their window, not yet held
    std::int64_t held = 0;      // admitted and held within their window
    std::int64_t abandoned = 0;
    bool paused = false;
    bool opened = false;
    Progress progress;
};

/// One user's place (POST /v1/shows/{id}/queue, GET .../queue/me).
struct Place {
    bool joined = false;
    bool preQueue = false;   // joined before the opening, still waiting for it (no rank yet)
    std::int64_t rank = 0;   // 0-based, meaningful when !preQueue
    EpochMs admittedAt = 0;  // 0: not admitted yet
    QueueState room;
};

/// The per-show queue. Adapters: in process (memory_queue_store.hpp) and Redis (one sorted set and
/// a few counters per show under the show's hash tag). Every call advances the cursor to `now`
/// first, with the settings passed in (the settings live in SQL, the state here). A store that no
/// longer has the state of an armed room (a Redis restart without persistence) answers
/// DependencyUnavailable "waiting room state lost; retry" until an admin arms it again.
class QueueStore {
public:
    virtual ~QueueStore() = default;
    /// Creates the room's state when it has none (an admin enabled it); keeps what is there.
    virtual Result<void> arm(const WaitingRoomSettings& room, EpochMs now) = 0;
    /// The user's place, taken now when the user has none. `preQueueScore` is the random score a
    /// pre-queue place gets (in [0, kOpenScoreBase)); ignored once the room has opened.
    virtual Result<Place> join(const WaitingRoomSettings& room, const UserId& user, std::int64_t preQueueScore,
                               EpochMs now) = 0;
    /// The user's place without taking one (joined == false when the user never joined).
    virtual Result<Place> place(const WaitingRoomSettings& room, const UserId& user, EpochMs now) = 0;
    virtual Result<QueueState> state(const WaitingRoomSettings& room, EpochMs now) = 0;
    /// Stops (true) or restarts (false) the cursor; no admission credit builds up while paused.
    virtual Result<QueueState> setPaused(const WaitingRoomSettings& room, bool paused, EpochMs now) = 0;
    /// The user held within the window: the turn is used, the shopper no longer counts as active.
    virtual Result<QueueState> held(const WaitingRoomSettings& room, const UserId& user, EpochMs now) = 0;
};

/// The error a store gives for a room whose state is gone.
Error stateLost();

/// Where the cursor stands after `elapsedMs` of unpaused time at `rate` people per second, from
/// `admitted` (fractional: a slow rate admits one person every few calls), capped at `size`.
double advancedByRate(double admitted, std::int64_t rate, EpochMs elapsedMs, std::int64_t size);
/// The cursor in maxActive mode: every free slot admits one more, up to `size`.
std::int64_t advancedBySlots(std::int64_t admitted, std::int64_t maxActive, std::int64_t active, std::int64_t size);

/// The wait a user at `ahead` people from the cursor can expect, in seconds (0 when admitted);
/// nullopt while paused or when the room cannot tell (pre-queue).
std::optional<std::int64_t> estimatedWaitSeconds(const WaitingRoomSettings& room, const Place& place);

/// Validation of what an admin sends (also used by the PUT handler): the errors name the fields.
std::vector<FieldError> validate(const WaitingRoomSettings& room);

/// The port behind the settings cache: the waiting_rooms table (migrations/000015).
class WaitingRoomRepository {
public:
    virtual ~WaitingRoomRepository() = default;
    virtual Result<std::vector<WaitingRoomSettings>> loadAll() = 0;
    /// NotFound when the show does not exist.
    virtual Result<void> save(const WaitingRoomSettings& room) = 0;
};

}  // namespace boxoffice::admission
