// The waiting-room side of a virtual user (issue 16): join the show's queue at arrival, poll the
// place at the pace the service's estimate suggests (Retry-After when it asks for one), and once
// admitted read the availability and hold with the admission token; what was sent and told goes
// into the QueueLedger for the verifier.
//
// A refused admission (403: the token expired, or a planted hold sent without one) is asked for
// again on queue/me and the hold retried, at most kMaxRefreshes times. A user whose shopping window
// ended is told EXPIRED and leaves (admission_lapsed): joining again would only return the same,
// spent place, so there is nothing to rejoin. A user still waiting --queue-give-up after joining
// leaves too (never_admitted).
#include <algorithm>

#include "common/http_response.hpp"
#include "harness/arrivals.hpp"
#include "harness/crowd.hpp"

namespace boxoffice::load {
namespace {

constexpr std::uint8_t kMaxRefreshes = 3;
// A join refused 409 (no room on) may come from a replica that has not yet reloaded the room's
// settings (BOXOFFICE_WAITING_ROOM_REFRESH, 2 s): tried again a few times, then the user leaves.
constexpr std::uint8_t kMaxJoinRetries = 5;

}  // namespace

double Crowd::jitter() {
    return std::uniform_real_distribution<double>(0, 1)(rng_);
}

void Crowd::joinQueue(std::uint32_t u, std::int64_t planned) {
    send(u, QueueJoin, planned, "POST", queuePath_, "", true);
}

void Crowd::pollQueue(std::uint32_t u, std::int64_t planned) {
    send(u, QueuePoll, planned, "GET", queueMePath_, "", true);
}

void Crowd::onQueueAnswer(const Call& call, const Response& r, std::int64_t doneMicros) {
    const std::uint32_t u = call.user;
    User& user = users_[u];
    const bool join = call.endpoint == QueueJoin;
    if (r.status == 200) {
        if (auto a = parseQueueAnswer(r.body)) {
            onTicket(u, *a, call, doneMicros);
            return;
        }
        finish(u, Rejected);
        return;
    }
    const bool retry =
        r.status == 429 || r.status == 503 || (join && r.status == 409 && user.joinRetries++ < kMaxJoinRetries);
    if (retry) {
        if (doneMicros >= user.giveUpAt) {
            finish(u, NeverAdmitted);
            return;
        }
        const auto wait = retryAfterMicros(headerValue(r.head, "retry-after"), ctx_.scenario->queue, jitter());
        loop_->addTimer(doneMicros + wait, u, join ? JoinQueue : PollQueue);
        return;
    }
    finish(u, r.status >= 500 ? Failed : Rejected);
}

void Crowd::onTicket(std::uint32_t u, const QueueAnswer& a, const Call& call, std::int64_t doneMicros) {
    User& user = users_[u];
    SeenQueuePlace& place = queue_.ledger.places[static_cast<std::size_t>(user.place)];
    if (call.endpoint == QueueJoin) ++queue_.joined;
    if (!a.preQueue && a.position > 0) {
        if (place.position == 0) {
            place.position = a.position;
        } else if (place.position != a.position && !place.positionChanged) {
            place.positionChanged = true;
            place.otherPosition = a.position;
        }
    }
    switch (a.status) {
        case QueueAnswer::Status::Waiting: {
            place.lastWaitingSentMicros = std::max(place.lastWaitingSentMicros, call.sent);
            if (doneMicros >= user.giveUpAt) {
                finish(u, NeverAdmitted);
                return;
            }
            // 20 ms past the opening as mapped from the service's wall clock onto ours: a poll that
            // came a hair early would be told "pre-queue" again and wait a whole interval more.
            const std::int64_t untilOpen = ctx_.roomOpensMicros > 0 ? ctx_.roomOpensMicros + 20'000 - doneMicros : 0;
            loop_->addTimer(doneMicros + nextPollMicros(a, ctx_.scenario->queue, untilOpen, jitter()), u, PollQueue);
            return;
        }
        case QueueAnswer::Status::Expired:
            finish(u, AdmissionLapsed);
            return;
        case QueueAnswer::Status::Admitted:
            user.admission = a.admissionToken;
            if (place.windowEndsAtMs == 0) place.windowEndsAtMs = a.windowEndsAtMs;
            if (!user.admitted) {
                user.admitted = true;
                place.admittedSeenMicros = doneMicros;
                queue_.timeInQueue.record(latencyMicros(user.joinPlanned, doneMicros));
                ++stats_.at(secondSlot(doneMicros - ctx_.openingMicros)).admitted;
                LiveCounters::bump(live_.admitted);
                readAvailability(u, doneMicros);
            } else if (user.refreshing) {
                user.refreshing = false;
                tryHold(u, doneMicros);
            } else {
                finish(u, Rejected);  // not reached: an admitted user only asks again after a 403
            }
            return;
    }
}

bool Crowd::onAdmissionRefused(std::uint32_t u, std::string_view body, std::int64_t doneMicros) {
    if (!ctx_.queued) return false;
    User& user = users_[u];
    switch (classifyRefusal(body)) {
        case AdmissionRefusal::Missing:
            ++queue_.ledger.refusedMissing;
            break;
        case AdmissionRefusal::Expired:
            ++queue_.ledger.refusedExpired;
            break;
        case AdmissionRefusal::Other:
            ++queue_.ledger.refusedOther;
            return false;
    }
    if (!user.admitted || user.refreshes >= kMaxRefreshes) return false;
    ++user.refreshes;
    user.refreshing = true;
    pollQueue(u, doneMicros);
    return true;
}

void Crowd::writeAdmission(std::uint32_t u, std::string& wire) {
    User& user = users_[u];
    QueueLedger& q = queue_.ledger;
    ++q.holdsSent;
    const bool planted = user.plantTokenless;
    user.plantTokenless = false;
    user.lastHoldAdmitted = !planted && !user.admission.empty();
    if (!user.lastHoldAdmitted) {
        ++q.holdsSentWithoutAdmission;
        if (planted) ++q.plantedWithoutAdmission;
        return;
    }
    wire += "Boxoffice-Admission: ";
    wire += user.admission;
    wire += "\r\n";
}

void Crowd::noteHoldGranted(std::uint32_t u) {
    ++queue_.ledger.holdsGranted;
    if (!users_[u].lastHoldAdmitted) ++queue_.ledger.holdsGrantedWithoutAdmission;
}

}  // namespace boxoffice::load
