#include "admission/waiting_room_service.hpp"

#include <algorithm>

#include "util/log.hpp"

namespace boxoffice::admission {

std::string_view statusName(QueueTicket::Status s) {
    switch (s) {
        case QueueTicket::Status::Waiting:
            return "WAITING";
        case QueueTicket::Status::Admitted:
            return "ADMITTED";
        case QueueTicket::Status::Expired:
            return "EXPIRED";
    }
    return "WAITING";
}

WaitingRoomService::WaitingRoomService(QueueStore& store, WaitingRoomCache& rooms, const AdmissionTokens& tokens,
                                       const Clock& clock, std::function<std::int64_t()> preQueueScore,
                                       QueueObserver* observer)
    : store_(store),
      rooms_(rooms),
      tokens_(tokens),
      clock_(clock),
      preQueueScore_(std::move(preQueueScore)),
      observer_(observer) {}

WaitingRoomSettings WaitingRoomService::settings(const ShowId& show) const {
    if (auto room = rooms_.find(show.str())) return *room;
    WaitingRoomSettings none;
    none.show = show;
    return none;
}

Result<WaitingRoomSettings> WaitingRoomService::configure(WaitingRoomSettings room) {
    if (auto errs = validate(room); room.enabled && !errs.empty()) return Error::validation(std::move(errs));
    room.updatedAt = clock_.nowMs();
    // Armed before the settings are stored, so no replica sees the room on without a state behind
    // it (which it would take for a lost one). Arming twice keeps the queue.
    if (room.enabled)
        if (auto r = store_.arm(room, room.updatedAt); !r) return std::move(r).error();
    if (auto r = rooms_.save(room); !r) return std::move(r).error();
    return room;
}

Result<std::shared_ptr<const WaitingRoomSettings>> WaitingRoomService::enabledRoom(const ShowId& show) const {
    auto room = rooms_.enabledFor(show.str());
    if (!room) return Error::of(ErrorCode::Conflict, "this show has no waiting room on");
    return room;
}

void WaitingRoomService::observe(const ShowId& show, const QueueState& state) const {
    if (observer_) observer_->observed(show, state);
}

QueueTicket WaitingRoomService::ticketOf(const WaitingRoomSettings& room, const UserId& user,
                                         const Place& place) const {
    QueueTicket t;
    t.place = place;
    // Unknown in the pre-queue until the shuffle at the opening.
    t.peopleAhead = place.preQueue ? 0 : std::max<std::int64_t>(0, place.rank - place.room.admitted);
    t.estimatedWaitSeconds = estimatedWaitSeconds(room, place);
    if (place.admittedAt > 0) {
        const EpochMs now = clock_.nowMs();
        t.windowEndsAt = place.admittedAt + room.shoppingWindow.count();
        t.peopleAhead = 0;
        if (now < t.windowEndsAt) {
            t.status = QueueTicket::Status::Admitted;
            t.tokenExpiresAt = std::min(t.windowEndsAt, now + room.admissionTtl.count());
            t.admissionToken = tokens_.mint(room.show, user, t.tokenExpiresAt);
        } else {
            t.status = QueueTicket::Status::Expired;
        }
    }
    return t;
}

Result<QueueTicket> WaitingRoomService::join(const ShowId& show, const UserId& user) {
    auto room = enabledRoom(show);
    if (!room) return std::move(room).error();
    auto place = store_.join(**room, user, preQueueScore_(), clock_.nowMs());
    if (!place) return std::move(place).error();
    observe(show, place->room);
    return ticketOf(**room, user, *place);
}

Result<QueueTicket> WaitingRoomService::me(const ShowId& show, const UserId& user) {
    auto room = enabledRoom(show);
    if (!room) return std::move(room).error();
    auto place = store_.place(**room, user, clock_.nowMs());
    if (!place) return std::move(place).error();
    observe(show, place->room);
    if (!place->joined) return Error::of(ErrorCode::NotFound, "not in this show's queue: join it first");
    return ticketOf(**room, user, *place);
}

Result<QueueState> WaitingRoomService::state(const ShowId& show) {
    auto room = enabledRoom(show);
    if (!room) return std::move(room).error();
    auto s = store_.state(**room, clock_.nowMs());
    if (s) observe(show, *s);
    return s;
}

Result<QueueState> WaitingRoomService::setPaused(const ShowId& show, bool paused) {
    auto room = enabledRoom(show);
    if (!room) return std::move(room).error();
    auto s = store_.setPaused(**room, paused, clock_.nowMs());
    if (s) {
        observe(show, *s);
        log::info(paused ? "waiting room paused" : "waiting room resumed", {{"showId", show.str()}});
    }
    return s;
}

Result<bool> WaitingRoomService::admit(const ShowId& show, const UserId& user, std::string_view admission) const {
    if (!roomOn(show)) return false;
    if (auto ok = checkAdmission(show, user, admission); !ok) return std::move(ok).error();
    return true;
}

void WaitingRoomService::held(const ShowId& show, const UserId& user) {
    auto room = rooms_.enabledFor(show.str());
    if (!room) return;
    const bool queued = notices_.tryPost([this, room, user] {
        auto s = store_.held(*room, user, clock_.nowMs());
        if (s)
            observe(room->show, *s);
        else
            log::warn("waiting room: a hold's notice was not stored",
                      {{"showId", room->show.str()}, {"error", s.error().detail}});
    });
    if (!queued) log::warn("waiting room: notice queue full; the shopper stays active until the window ends");
}

void WaitingRoomService::stop() {
    notices_.stop();
}

}  // namespace boxoffice::admission
