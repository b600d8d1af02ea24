#pragma once
// The waiting room's use cases (issue 16): an admin sets a show's room, users join and ask for
// their place, an admitted user gets an admission token, and the hold path checks it. The state is
// in the QueueStore, the settings in the WaitingRoomCache; time and randomness come in.
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "admission/admission_token.hpp"
#include "admission/waiting_room.hpp"
#include "admission/waiting_room_cache.hpp"
#include "domain/booking_ports.hpp"
#include "util/work_queue.hpp"

namespace boxoffice::admission {

/// Told what each store call saw (metrics); called on the caller's thread.
class QueueObserver {
public:
    virtual ~QueueObserver() = default;
    virtual void observed(const ShowId& show, const QueueState& state) = 0;
};

/// A user's view of the queue (POST .../queue, GET .../queue/me).
struct QueueTicket {
    enum class Status { Waiting, Admitted, Expired };
    Status status = Status::Waiting;
    Place place;
    std::int64_t peopleAhead = 0;
    std::optional<std::int64_t> estimatedWaitSeconds;
    std::string admissionToken;  // when Admitted
    EpochMs tokenExpiresAt = 0;
    EpochMs windowEndsAt = 0;  // when admitted: the last moment a hold is allowed
};
std::string_view statusName(QueueTicket::Status s);

/// Also the booking flow's HoldGate: with a show's room on, a hold needs the user's admission.
class WaitingRoomService final : public HoldGate {
public:
    /// `preQueueScore` gives each pre-queue joiner a random score in [0, kOpenScoreBase) (tests
    /// inject their own). `observer` may be null.
    WaitingRoomService(QueueStore& store, WaitingRoomCache& rooms, const AdmissionTokens& tokens, const Clock& clock,
                       std::function<std::int64_t()> preQueueScore, QueueObserver* observer = nullptr);

    /// The show's settings (a disabled default when it never had a room).
    WaitingRoomSettings settings(const ShowId& show) const;
    /// Validates and stores the settings; when enabled, arms the store (an existing queue is kept).
    Result<WaitingRoomSettings> configure(WaitingRoomSettings room);

    Result<QueueTicket> join(const ShowId& show, const UserId& user);
    /// NotFound when the user never joined.
    Result<QueueTicket> me(const ShowId& show, const UserId& user);
    Result<QueueState> state(const ShowId& show);
    Result<QueueState> setPaused(const ShowId& show, bool paused);

    /// The hold path's first question, on the reactor thread: one relaxed atomic load while no
    /// show has a room on, one snapshot lookup otherwise.
    bool roomOn(const ShowId& show) const { return rooms_.enabledFor(show.str()) != nullptr; }
    /// The hold path's check for a show with a room on, no I/O: Ok when `token` is a valid
    /// admission for this user and show; Forbidden with the reason otherwise.
    Result<void> checkAdmission(const ShowId& show, const UserId& user, std::string_view token) const {
        return tokens_.verify(token, show, user, clock_.nowMs());
    }
    /// HoldGate: with the show's room on, `admission` must be the user's valid token.
    Result<bool> admit(const ShowId& show, const UserId& user, std::string_view admission) const override;
    /// HoldGate: a hold succeeded under a room, the user's turn is used (frees a maxActive slot).
    /// Queued to a worker of its own, never on the caller's thread; a lost notice only means the
    /// shopper counts as active until the window ends.
    void held(const ShowId& show, const UserId& user) override;
    /// Stops the notice worker (what is queued still runs).
    void stop();

private:
    Result<std::shared_ptr<const WaitingRoomSettings>> enabledRoom(const ShowId& show) const;
    QueueTicket ticketOf(const WaitingRoomSettings& room, const UserId& user, const Place& place) const;
    void observe(const ShowId& show, const QueueState& state) const;

    QueueStore& store_;
    WaitingRoomCache& rooms_;
    const AdmissionTokens& tokens_;
    const Clock& clock_;
    std::function<std::int64_t()> preQueueScore_;
    QueueObserver* observer_;
    util::WorkQueue notices_{"waiting-room", 1, 10'000};
};

}  // namespace boxoffice::admission
