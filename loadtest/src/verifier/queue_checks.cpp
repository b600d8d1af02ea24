// The waiting room's checks: what the harness sent with its holds, and whether the places the
// service told were honoured. Pure functions of the QueueLedger (the harness saw it all).
#include "verifier/checks.hpp"

#include <algorithm>
#include <limits>
#include <map>
#include <sstream>

#include "verifier/check_helpers.hpp"

namespace boxoffice::load {

using namespace check_helpers;

namespace {

CheckOutput notGated() {
    CheckOutput out;
    out.skipped = true;
    out.detail = "the show had no waiting room on";
    return out;
}

std::vector<const SeenQueuePlace*> byPosition(const QueueLedger& q) {
    std::vector<const SeenQueuePlace*> told;
    for (const auto& p : q.places)
        if (p.position > 0) told.push_back(&p);
    std::sort(told.begin(), told.end(), [](const auto* a, const auto* b) { return a->position < b->position; });
    return told;
}

std::string who(const SeenQueuePlace& p) {
    return p.userId + " (" + std::to_string(p.position) + ")";
}

// Skipped: the checks of places need someone who was told one.
CheckOutput nobodyToldAPosition() {
    CheckOutput out;
    out.skipped = true;
    out.detail = "no user was told a position (nobody polled after the opening)";
    return out;
}

}  // namespace

CheckOutput checkHoldsCarriedAdmission(const QueueLedger& q) {
    if (!q.gated) return notGated();
    CheckOutput out;
    std::ostringstream d;
    d << q.holdsSent << " holds sent by queued users, " << q.holdsSentWithoutAdmission << " without an admission";
    if (q.plantedWithoutAdmission > 0) d << " (" << q.plantedWithoutAdmission << " planted)";
    d << "; " << q.holdsGranted << " granted, " << q.holdsGrantedWithoutAdmission
      << " of them without one; refused 403: " << q.refusedMissing << " missing, " << q.refusedExpired << " expired, "
      << q.refusedOther << " other";
    out.detail = d.str();
    if (q.holdsSentWithoutAdmission > 0)
        out.violations.push_back(
            {"",
             std::to_string(q.holdsSentWithoutAdmission) +
                 " hold request(s) of queued users went out without an admission token" +
                 (q.plantedWithoutAdmission > 0
                      ? " (" + std::to_string(q.plantedWithoutAdmission) + " planted by --queue-plant-tokenless)"
                      : ""),
             {},
             {}});
    if (q.holdsGrantedWithoutAdmission > 0)
        out.violations.push_back({"",
                                  "the service granted " + std::to_string(q.holdsGrantedWithoutAdmission) +
                                      " hold(s) sent without an admission while the show's waiting room was on",
                                  {},
                                  {}});
    return out;
}

CheckOutput checkQueuePlacesStable(const QueueLedger& q) {
    if (!q.gated) return notGated();
    const auto told = byPosition(q);
    if (told.empty()) return nobodyToldAPosition();
    CheckOutput out;
    std::vector<std::string> shared, changed;
    for (std::size_t i = 1; i < told.size(); ++i)
        if (told[i]->position == told[i - 1]->position)
            shared.push_back(told[i - 1]->userId + " and " + told[i]->userId + " at " +
                             std::to_string(told[i]->position));
    for (const auto* p : told)
        if (p->positionChanged)
            changed.push_back(p->userId + ": " + std::to_string(p->position) + " then " +
                              std::to_string(p->otherPosition));
    out.detail = std::to_string(told.size()) + " users told a position (" + std::to_string(told.front()->position) +
                 "-" + std::to_string(told.back()->position) + "), each kept it";
    if (!shared.empty())
        out.violations.push_back(
            {"", std::to_string(shared.size()) + " position(s) told to two users: " + sample(shared), {}, {}});
    if (!changed.empty())
        out.violations.push_back(
            {"",
             std::to_string(changed.size()) + " user(s) told another position after the opening: " + sample(changed),
             {},
             {}});
    return out;
}

CheckOutput checkQueueAdmittedInOrder(const QueueLedger& q) {
    if (!q.gated) return notGated();
    const auto told = byPosition(q);
    if (told.empty()) return nobodyToldAPosition();
    CheckOutput out;
    // From the back of the line: the earliest admission of anyone behind each user. The queue store
    // never lets its time move back (bfac6d4), so its admission times follow the cursor: any later
    // time than someone's behind is an inversion, with no tolerance.
    std::vector<std::string> byService, byAnswers;
    const SeenQueuePlace* firstBehind = nullptr;  // admitted earliest, by the service's times
    const SeenQueuePlace* seenBehind = nullptr;   // told it was admitted earliest, by our clock
    long long admitted = 0;
    for (auto it = told.rbegin(); it != told.rend(); ++it) {
        const SeenQueuePlace& p = **it;
        // The service admitted someone further back before this user (its own admission times).
        if (p.windowEndsAtMs > 0 && firstBehind && firstBehind->windowEndsAtMs < p.windowEndsAtMs)
            byService.push_back(who(p) + " admitted " + std::to_string(p.windowEndsAtMs - firstBehind->windowEndsAtMs) +
                                " ms after " + who(*firstBehind));
        // This user was still told WAITING in answer to a request sent after someone further back
        // had received ADMITTED: the service had let that one in first (the cursor only moves on).
        if (p.lastWaitingSentMicros >= 0 && seenBehind && seenBehind->admittedSeenMicros < p.lastWaitingSentMicros)
            byAnswers.push_back(who(p) + " still waiting " +
                                std::to_string((p.lastWaitingSentMicros - seenBehind->admittedSeenMicros) / 1000) +
                                " ms after " + who(*seenBehind) + " was admitted");
        if (p.windowEndsAtMs > 0) {
            ++admitted;
            if (!firstBehind || p.windowEndsAtMs < firstBehind->windowEndsAtMs) firstBehind = &p;
        }
        if (p.admittedSeenMicros >= 0 && (!seenBehind || p.admittedSeenMicros < seenBehind->admittedSeenMicros))
            seenBehind = &p;
    }
    out.detail = std::to_string(admitted) + " of " + std::to_string(told.size()) +
                 " users with a position admitted; compared by the service's admission times and by what was "
                 "answered after each admission";
    if (!byService.empty())
        out.violations.push_back({"",
                                  std::to_string(byService.size()) +
                                      " user(s) admitted after someone who was behind them: " + sample(byService),
                                  {},
                                  {}});
    if (!byAnswers.empty())
        out.violations.push_back(
            {"",
             std::to_string(byAnswers.size()) +
                 " user(s) told to wait after someone behind them was admitted: " + sample(byAnswers),
             {},
             {}});
    return out;
}

}  // namespace boxoffice::load
