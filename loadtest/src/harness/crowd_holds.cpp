// The hold side of a virtual user: choosing seats (or asking the server for the best ones),
// sending the hold, and what a conflict teaches the loop's view before the next attempt.
#include "harness/crowd.hpp"

#include <nlohmann/json.hpp>

#include "common/http_response.hpp"

namespace boxoffice::load {
namespace {

// The seat ids of a 409 SEATS_UNAVAILABLE problem's "seats" array.
std::vector<std::string_view> conflictSeats(std::string_view body) {
    std::vector<std::string_view> out;
    auto at = body.find("\"seats\":[");
    if (at == std::string_view::npos) return out;
    at += 9;
    while (at < body.size() && body[at] != ']') {
        const auto open = body.find('"', at);
        if (open == std::string_view::npos) break;
        const auto close = body.find('"', open + 1);
        if (close == std::string_view::npos) break;
        out.push_back(body.substr(open + 1, close - open - 1));
        at = close + 1;
        while (at < body.size() && body[at] == ',') ++at;
    }
    return out;
}

}  // namespace

void Crowd::tryHold(std::uint32_t u, std::int64_t planned) {
    User& user = users_[u];
    if (user.choice == SeatChoice::BestAvailable) {
        // The server picks: nothing to choose from the seat map, and the answer names the seats.
        user.picked.clear();
        send(u, Hold, planned, "POST", "/v1/holds",
             "{\"showId\":\"" + ctx_.showId + "\",\"quantity\":" + std::to_string(user.group) + ",\"adjacent\":true}",
             true);
        return;
    }
    const auto picks = pickSeats(*ctx_.seats, view_, user.group, user.choice, ctx_.scenario->frontRows, rng_);
    if (picks.empty()) {
        // Nothing free in what this loop believes: read the real availability once before leaving,
        // as a user reloads the page (a stale view must not make a crowd leave seats unsold).
        if (!user.reloaded) {
            user.reloaded = true;
            readAvailability(u, planned);
            return;
        }
        if (lingers(u, planned)) return;
        finish(u, SoldOutSeen);
        return;
    }
    user.picked.assign(picks.begin(), picks.end());
    std::string body = "{\"showId\":\"" + ctx_.showId + "\",\"seatIds\":[";
    for (std::size_t i = 0; i < picks.size(); ++i) {
        if (i) body += ',';
        body += '"';
        body += ctx_.seats->seat(picks[i]).seatId;
        body += '"';
    }
    body += "]}";
    send(u, Hold, planned, "POST", "/v1/holds", body, true);
}

bool Crowd::lingers(std::uint32_t u, std::int64_t now) {
    // Long enough for a hold and a payment window of the demo's 8 s each to run out.
    constexpr std::int64_t kLingerMicros = 20'000'000;
    constexpr std::int64_t kRecheckMicros = 2'000'000;
    User& user = users_[u];
    if (!ctx_.queued || !user.admitted || lastHeld_ <= 0) return false;
    if (user.lingerUntil == 0) user.lingerUntil = now + kLingerMicros;
    if (now >= user.lingerUntil) return false;
    const auto wait = static_cast<std::int64_t>(static_cast<double>(kRecheckMicros) * (0.5 + jitter()));
    loop_->addTimer(now + wait, u, Recheck);
    return true;
}

void Crowd::onConflict(std::uint32_t u, std::string_view body, std::int64_t now) {
    User& user = users_[u];
    // What the service said is taken is taken in this loop's view too, so the next pick (of any
    // user here) avoids it until a fresher availability arrives.
    // Only the seats the service named: the rest of the pick may well be free (marking them too
    // would strand them when nobody re-reads the availability).
    const auto taken = conflictSeats(body);
    for (auto seat : taken)
        if (auto i = ctx_.seats->indexOf(seat)) view_[*i] = 'H';
    if (taken.empty())
        for (auto i : user.picked) view_[i] = view_[i] == 'A' ? 'H' : view_[i];
    if (user.attempts >= ctx_.scenario->retries) {
        // Out of attempts: one last look tells "sold out" (nothing free anywhere) from giving up
        // while seats were still on sale, which the verifier must treat like walking away.
        user.lastLook = true;
        readAvailability(u, now);
        return;
    }
    ++user.attempts;
    // Same-seat racers who lose retry like everyone else: best of what is left.
    if (user.choice == SeatChoice::Same) user.choice = SeatChoice::Best;
    if (ctx_.scenario->refetchOnConflict)
        readAvailability(u, now);
    else
        tryHold(u, now);
}

void Crowd::onHoldAnswer(std::uint32_t u, const Response& r, std::int64_t latency, Second& sec,
                         std::int64_t doneMicros) {
    User& user = users_[u];
    sec.holdLatency.record(latency);
    if (r.status == 201) {
        if (ctx_.queued) noteHoldGranted(u);
        ++sec.holds;
        LiveCounters::bump(live_.holds);
        if (user.choice == SeatChoice::BestAvailable) {
            auto j = nlohmann::json::parse(r.body, nullptr, false);
            if (j.is_object() && j.contains("seatIds") && j["seatIds"].is_array())
                for (const auto& s : j["seatIds"])
                    if (s.is_string())
                        if (auto i = ctx_.seats->indexOf(s.get<std::string>()))
                            user.picked.push_back(static_cast<std::uint32_t>(*i));
        }
        for (auto i : user.picked) view_[i] = 'H';
        user.holdId = std::string(jsonStringField(r.body, "holdId"));
        noteExpiry(jsonStringField(r.body, "expiresAt"));
        if (user.fate == Fate::AbandonHold) {
            finish(u, AbandonedHold);
            return;
        }
        order(u, doneMicros);
    } else if (r.status == 409 && jsonStringField(r.body, "code") == "SEATS_UNAVAILABLE") {
        ++sec.conflicts;
        LiveCounters::bump(live_.conflicts);
        onConflict(u, r.body, doneMicros);
    } else if (r.status == 403 && onAdmissionRefused(u, r.body, doneMicros)) {
        return;
    } else {
        finish(u, r.status >= 500 ? Failed : Rejected);
    }
}

}  // namespace boxoffice::load
