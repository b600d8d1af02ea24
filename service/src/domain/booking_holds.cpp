// The booking flow's hold side: validate a choice (explicit seats or a best-available pick), hand
// it to the hold store, and read or release holds.
#include <algorithm>
#include <unordered_set>

#include "domain/booking_service.hpp"
#include "domain/hold_id.hpp"
#include "util/rfc3339.hpp"

namespace boxoffice {
namespace {

std::string compact(const std::string& uuid) {
    std::string out;
    for (char c : uuid)
        if (c != '-') out.push_back(c);
    return out;
}

Error notFound(const char* what) {
    return Error::notFound(what);
}

}  // namespace

HoldRequest BookingService::newHoldRequest(const ShowId& show, const UserId& user, EpochMs now) {
    HoldRequest r;
    r.holdId = makeHoldId(show, compact(ids_.next()));
    r.showId = show;
    r.userId = user;
    r.now = now;
    r.expiresAt = now + settings_.holdTtl.count();
    r.maxSeatsPerUser = settings_.maxSeatsPerUser;
    return r;
}

Result<void> BookingService::checkPick(const ShowSeating& seating, const SeatPick& pick) const {
    std::vector<FieldError> errs;
    if (pick.quantity < 1 || pick.quantity > settings_.maxSeatsPerHold)
        errs.push_back({"quantity", "must be between 1 and " + std::to_string(settings_.maxSeatsPerHold)});
    if (!pick.section.empty() && !pick.tier.empty()) errs.push_back({"tier", "give a section or a tier, not both"});
    if (!pick.section.empty()) {
        const auto& sections = seating.seats->layout().sections;
        if (std::none_of(sections.begin(), sections.end(), [&](const auto& s) { return s.name == pick.section; }))
            errs.push_back({"section", "no section '" + pick.section + "' in this show"});
    }
    if (!pick.tier.empty()) {
        const auto& tiers = seating.seats->tiers();
        if (std::find(tiers.begin(), tiers.end(), pick.tier) == tiers.end())
            errs.push_back({"tier", "no tier '" + pick.tier + "' in this show"});
    }
    if (!errs.empty()) return Error::validation(std::move(errs));
    return {};
}

Result<HoldRequest> BookingService::prepareHold(const ShowSeating& seating, const UserId& user,
                                                const HoldChoice& choice) {
    const std::vector<SeatId>& seatIds = choice.seatIds;
    const EpochMs now = clock_.nowMs();
    const Show& s = seating.show;
    if (!s.saleOpenAt(now)) {
        const std::string when = now < s.saleOpensAt ? "opens at " + formatRfc3339(s.saleOpensAt)
                                                     : "closed at " + formatRfc3339(s.saleClosesAt);
        return Error::of(ErrorCode::SaleNotOpen, "the sale for this show " + when);
    }
    if (choice.pick) {
        if (auto ok = checkPick(seating, *choice.pick); !ok) return std::move(ok).error();
        HoldRequest r = newHoldRequest(s.id, user, now);
        r.pick = choice.pick;
        r.seating = seating.seats;
        return r;
    }
    std::vector<FieldError> errs;
    if (seatIds.empty()) errs.push_back({"seatIds", "must name at least one seat"});
    if (static_cast<int>(seatIds.size()) > settings_.maxSeatsPerHold)
        errs.push_back({"seatIds", "at most " + std::to_string(settings_.maxSeatsPerHold) + " seats per hold"});
    std::unordered_set<std::string_view> seen;
    seen.reserve(seatIds.size());
    for (std::size_t i = 0; i < seatIds.size() && errs.size() < 20; ++i) {
        // The field name is only spelled out for an error: this loop runs for every hold.
        const auto field = [i] { return "seatIds[" + std::to_string(i) + "]"; };
        const std::string& seat = seatIds[i].str();
        if (seating.seats->find(seat) < 0)
            errs.push_back({field(), "no seat '" + seat + "' in this show"});
        else if (!seen.insert(seat).second)
            errs.push_back({field(), "seat '" + seat + "' is listed twice"});
    }
    if (!errs.empty()) return Error::validation(std::move(errs));
    HoldRequest r = newHoldRequest(s.id, user, now);
    r.seatIds = seatIds;
    return r;
}

Result<Hold> BookingService::holdOutcome(const HoldRequest& request, const HoldResult& r) {
    switch (r.kind) {
        case HoldResult::Kind::Held:
            return Hold{request.holdId,   request.showId,    request.userId, request.pick ? r.seatIds : request.seatIds,
                        HoldStatus::Held, request.expiresAt, request.now,    std::nullopt};
        case HoldResult::Kind::Unavailable: {
            if (request.pick)
                return Error::of(ErrorCode::SeatsUnavailable, "no " + std::to_string(request.pick->quantity) +
                                                                  (request.pick->adjacent ? " adjacent" : "") +
                                                                  " free seats fit this request");
            Error e = Error::of(ErrorCode::SeatsUnavailable, std::to_string(r.unavailable.size()) +
                                                                 " of the seats are held or sold by someone else");
            e.subjects.reserve(r.unavailable.size());
            for (const auto& seat : r.unavailable) e.subjects.push_back(seat.str());
            return e;
        }
        case HoldResult::Kind::UserLimitReached:
            return Error::of(ErrorCode::SeatLimitReached, "at most " + std::to_string(settings_.maxSeatsPerUser) +
                                                              " seats per person for this show; you have " +
                                                              std::to_string(r.userSeats));
        case HoldResult::Kind::NotReady:
            break;
    }
    return Error::of(ErrorCode::DependencyUnavailable, "seat inventory unavailable", "hold store not ready");
}

Result<bool> BookingService::admit(const ShowId& show, const UserId& user, std::string_view admission) const {
    if (!gate_) return false;
    return gate_->admit(show, user, admission);
}

Result<Hold> BookingService::hold(const UserId& user, const ShowId& show, const HoldChoice& choice,
                                  std::string_view admission) {
    auto gated = admit(show, user, admission);
    if (!gated) return std::move(gated).error();
    auto seating = seatmaps_.seating(show);
    if (!seating) return std::move(seating).error();
    auto request = prepareHold(**seating, user, choice);
    if (!request) return std::move(request).error();
    auto r = inventory_.hold(*request);
    if (!r) return std::move(r).error();
    auto held = holdOutcome(*request, *r);
    if (held && *gated) gate_->held(show, user);
    return held;
}

bool BookingService::tryHoldAsync(const UserId& user, const ShowId& show, const HoldChoice& choice,
                                  std::string_view admission, std::function<void(Result<Hold>, bool retrySlow)> done) {
    // Shows without a gate pay one atomic load here; with one, an HMAC, still no I/O.
    auto gated = admit(show, user, admission);
    if (!gated) {
        done(std::move(gated).error(), false);
        return true;
    }
    auto seating = seatmaps_.cachedSeating(show);
    // A show the store may be wrong about is repaired first, which may wait: not on this path.
    if (!seating || inventory_.isSuspect(show)) return false;
    auto request = prepareHold(*seating, user, choice);
    if (!request) {
        done(std::move(request).error(), false);
        return true;
    }
    inventory_.holdAsync(*request,
                         [this, gated = *gated, req = *request, done = std::move(done)](Result<HoldResult> r) {
                             if (!r) return done(std::move(r).error(), false);
                             // A store that lost its state is restored from SQL, which may wait: not on this path.
                             if (r->kind == HoldResult::Kind::NotReady)
                                 return done(Error::of(ErrorCode::DependencyUnavailable, ""), true);
                             auto held = holdOutcome(req, *r);
                             if (held && gated) gate_->held(req.showId, req.userId);
                             done(std::move(held), false);
                         });
    return true;
}

Result<Hold> BookingService::findHold(const UserId& user, const HoldId& id) {
    if (!showOfHold(id)) return notFound("hold");
    auto h = inventory_.holds().findHold(id, clock_.nowMs());
    if (!h) return std::move(h).error();
    if (!*h || (*h)->userId != user) return notFound("hold");
    return std::move(**h);
}

Result<Hold> BookingService::release(const UserId& user, const HoldId& id) {
    if (!showOfHold(id)) return notFound("hold");
    const EpochMs now = clock_.nowMs();
    auto r = inventory_.holds().release(id, user, now);
    if (!r) return std::move(r).error();
    if (*r == HoldChange::NotFound) return notFound("hold");
    auto h = findHold(user, id);
    if (!h) return h;
    if (*r == HoldChange::NotHeld && h->status != HoldStatus::Released)
        return Error::of(ErrorCode::HoldNotActive, "the hold is " + std::string(holdStatusName(h->status)));
    return h;
}

}  // namespace boxoffice
