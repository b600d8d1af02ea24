#include "harness/crowd.hpp"

#include <algorithm>
#include <chrono>

#include "harness/arrivals.hpp"
#include "harness/live_seat_map.hpp"
#include "common/http_response.hpp"
#include "util/rfc3339.hpp"

namespace boxoffice::load {

Crowd::Crowd(const SaleContext& context, int loopIndex, int loops, std::uint64_t seed) : ctx_(context), rng_(seed) {
    const Scenario& s = *ctx_.scenario;
    const auto total = static_cast<std::uint32_t>(ctx_.users->size());
    for (std::uint32_t g = static_cast<std::uint32_t>(loopIndex); g < total; g += static_cast<std::uint32_t>(loops)) {
        User u;
        u.global = g;
        u.group = static_cast<std::uint8_t>(std::uniform_int_distribution<int>(s.groupMin, s.groupMax)(rng_));
        u.choice = drawChoice(s.choices, rng_);
        const double x = std::uniform_real_distribution<double>(0, 1)(rng_);
        u.fate = x < s.abandonHold                               ? Fate::AbandonHold
                 : x < s.abandonHold + s.abandonOrder            ? Fate::AbandonOrder
                 : x < s.abandonHold + s.abandonOrder + s.cancel ? Fate::Cancel
                                                                 : Fate::Buy;
        // Of the buyers, some payments fail at the provider, some buyers refund once confirmed.
        const double y = std::uniform_real_distribution<double>(0, 1)(rng_);
        const double fails = ctx_.devWebhook != nullptr ? s.payFail : 0.0;
        if (u.fate == Fate::Buy)
            u.fate = y < fails ? Fate::FailPayment : y < fails + s.refund ? Fate::BuyThenRefund : Fate::Buy;
        if (ctx_.queued) {
            u.place = static_cast<int>(queue_.ledger.places.size());
            SeenQueuePlace place;
            place.userId = (*ctx_.users)[g].id;
            queue_.ledger.places.push_back(std::move(place));
            if (s.queue.plantTokenless > 0)
                u.plantTokenless = std::uniform_real_distribution<double>(0, 1)(rng_) < s.queue.plantTokenless;
        }
        users_.push_back(std::move(u));
    }
    view_.assign(ctx_.seats->size(), 'A');
    availabilityPath_ = "/v1/shows/" + ctx_.showId + "/seatmap/availability";
    queuePath_ = "/v1/shows/" + ctx_.showId + "/queue";
    queueMePath_ = queuePath_ + "/me";
}

void Crowd::noteExpiry(std::string_view expiresAt) {
    if (auto ms = parseRfc3339(expiresAt)) lastExpiresAtMs_ = std::max<long long>(lastExpiresAtMs_, *ms);
}

long long Crowd::seatsWanted() const {
    long long n = 0;
    for (const auto& u : users_) n += u.group;
    return n;
}

void Crowd::start() {
    const Scenario& s = *ctx_.scenario;
    if (s.arrival == Arrival::Closed) {
        const auto loops = static_cast<long long>(std::max(1, s.threads));
        const auto share = static_cast<std::size_t>(std::max(1LL, s.concurrency / loops));
        for (; nextClosed_ < std::min(share, users_.size()); ++nextClosed_)
            loop_->addTimer(ctx_.openingMicros, static_cast<std::uint32_t>(nextClosed_), Arrive);
        return;
    }
    const auto n = static_cast<long long>(ctx_.users->size());
    for (std::uint32_t i = 0; i < users_.size(); ++i)
        loop_->addTimer(ctx_.openingMicros + plannedArrivalMicros(s, users_[i].global, n), i, Arrive);
}

void Crowd::send(std::uint32_t u, Endpoint e, std::int64_t planned, const char* method, const std::string& path,
                 const std::string& body, bool auth, const std::string& extraHeaders) {
    Call c;
    c.user = u;
    c.endpoint = e;
    c.planned = planned;
    std::string& w = c.wire;
    const std::string& token = (*ctx_.users)[users_[u].global].token;
    w.reserve(160 + path.size() + body.size() + extraHeaders.size() + (auth ? token.size() : 0));
    w += method;
    w += ' ';
    w += path;
    w += " HTTP/1.1\r\nHost: ";
    w += ctx_.hostHeader;
    // Pistache answers a request without this header with `Connection: Close` (see TOOLING.md).
    w += "\r\nConnection: keep-alive\r\n";
    if (auth) {
        w += "Authorization: Bearer ";
        w += token;
        w += "\r\n";
    }
    w += extraHeaders;
    if (e == Hold && ctx_.queued) writeAdmission(u, w);
    if (!body.empty() || method[0] == 'P') {
        w += "Content-Type: application/json\r\nContent-Length: ";
        w += std::to_string(body.size());
        w += "\r\n";
    }
    w += "\r\n";
    w += body;
    loop_->submit(std::move(c));
}

void Crowd::onTimer(std::uint32_t u, std::uint8_t step, std::int64_t /*now*/) {
    // The planned time is the timer's, not when it fired: lateness here is the harness's and is
    // charged to the request (a loaded harness shows as latency, never as missing load).
    switch (step) {
        case Arrive:
            arrive(u, 0);
            break;
        case Pay:
            pay(u, 0);
            break;
        case CancelOrder:
            cancel(u, 0);
            break;
        case JoinQueue:
            joinQueue(u, monoMicros());
            break;
        case PollQueue:
            pollQueue(u, monoMicros());
            break;
        case Recheck: {
            User& user = users_[u];
            user.lastLook = false;
            user.reloaded = true;  // a pick that finds nothing asks lingers() again, not a second reload
            user.attempts = 0;
            readAvailability(u, monoMicros());
            break;
        }
        default:
            break;
    }
}

void Crowd::arrive(std::uint32_t u, std::int64_t) {
    const Scenario& s = *ctx_.scenario;
    const std::int64_t planned =
        s.arrival == Arrival::Closed
            ? monoMicros()
            : ctx_.openingMicros +
                  plannedArrivalMicros(s, users_[u].global, static_cast<long long>(ctx_.users->size()));
    if (ctx_.queued) {
        // Into the waiting room first; the availability is read once admitted.
        User& user = users_[u];
        user.joinPlanned = planned;
        user.giveUpAt = planned + s.queue.giveUp.count() * 1000;
        joinQueue(u, planned);
        return;
    }
    readAvailability(u, planned);
}

void Crowd::readAvailability(std::uint32_t u, std::int64_t planned) {
    if (readLiveMap(u, planned)) return;
    send(u, Availability, planned, "GET", availabilityPath_, "", false);
}

bool Crowd::readLiveMap(std::uint32_t u, std::int64_t now) {
    const LiveSeatMap* live = ctx_.liveMap;
    if (live == nullptr || !live->ready()) return false;
    live->copyTo(view_);
    lastHeld_ = live->held();
    const long long left = live->available();
    if (left >= 0) noteSeatsLeft(left, std::max(now, monoMicros()));
    ++stats_.liveMapReads;
    onAvailability(u, left, now);
    return true;
}

void Crowd::onAvailability(std::uint32_t u, long long left, std::int64_t now) {
    if (users_[u].lastLook) {
        if (left == 0 && lingers(u, now)) return;
        finish(u, left == 0 ? SoldOutSeen : GaveUp);
        return;
    }
    tryHold(u, now);
}

long long Crowd::absorbAvailability(std::string_view body, std::int64_t doneMicros) {
    const auto statuses = jsonStringField(body, "statuses");
    if (statuses.size() == view_.size()) view_.assign(statuses.data(), statuses.size());
    // The counts object comes first: "counts":{"AVAILABLE":n,...}
    if (auto held = jsonIntField(body, "HELD")) lastHeld_ = *held;
    if (auto left = jsonIntField(body, "AVAILABLE")) {
        noteSeatsLeft(*left, doneMicros);
        return *left;
    }
    return -1;
}

void Crowd::noteSeatsLeft(long long left, std::int64_t atMicros) {
    live_.seatsLeft.store(left, std::memory_order_relaxed);
    if (left == 0 && stats_.firstNoneAvailableMicros < 0 && atMicros > ctx_.openingMicros)
        stats_.firstNoneAvailableMicros = atMicros - ctx_.openingMicros;
}

void Crowd::finish(std::uint32_t u, Outcome outcome) {
    User& user = users_[u];
    if (user.done) return;
    user.done = true;
    ++stats_.outcomes[outcome];
    ++done_;
    LiveCounters::bump(live_.usersDone);
    if (ctx_.scenario->arrival == Arrival::Closed && nextClosed_ < users_.size())
        loop_->addTimer(monoMicros(), static_cast<std::uint32_t>(nextClosed_++), Arrive);
}

void Crowd::onResponse(Call& call, const Response& r, std::int64_t doneMicros) {
    const std::uint32_t u = call.user;
    auto& ep = stats_.endpoints[call.endpoint];
    const std::int64_t latency = latencyMicros(call.planned, doneMicros);
    ep.latency.record(latency);
    ++ep.statuses[r.status];
    Second& sec = stats_.at(secondSlot(doneMicros - ctx_.openingMicros));
    ++sec.done[call.endpoint];
    sec.latency.record(latency);
    LiveCounters::bump(live_.requests);
    if (r.status >= 400) {
        const auto code = jsonStringField(r.body, "code");
        ++ep.codes[code.empty() ? std::to_string(r.status) : std::string(code)];
    }
    if (r.status >= 500) {
        ++sec.errors;
        LiveCounters::bump(live_.errors);
    }

    switch (call.endpoint) {
        case Availability:
            if (r.status == 200) {
                onAvailability(u, absorbAvailability(r.body, doneMicros), doneMicros);
            } else {
                finish(u, r.status >= 500 ? Failed : Rejected);
            }
            return;
        case Hold:
            onHoldAnswer(u, r, latency, sec, doneMicros);
            return;
        case Order:
            onOrderAnswer(u, r, doneMicros);
            return;
        case Confirm:
        case StartPay:
        case Webhook:
        case GetOrder:
        case Refund:
        case Cancel:
            onOrderStepAnswer(call, r, sec, doneMicros);
            return;
        case QueueJoin:
        case QueuePoll:
            onQueueAnswer(call, r, doneMicros);
            return;
        default:
            finish(u, Failed);
    }
}

void Crowd::onFailure(Call& call, const char* reason, std::int64_t doneMicros) {
    auto& ep = stats_.endpoints[call.endpoint];
    ++ep.transportErrors;
    ++failureReasons_[std::string(endpointName(call.endpoint)) + ": " + reason];
    ++stats_.at(secondSlot(doneMicros - ctx_.openingMicros)).errors;
    LiveCounters::bump(live_.errors);
    User& user = users_[call.user];
    const bool changesOrder = call.endpoint == Confirm || call.endpoint == Cancel || call.endpoint == StartPay ||
                              call.endpoint == Webhook || call.endpoint == Refund;
    if (changesOrder && user.order >= 0) orders_[static_cast<std::size_t>(user.order)].lastStatus = "UNKNOWN";
    // A hold or order whose answer was lost may exist on the server: it expires like an abandoned one.
    finish(call.user, Failed);
}

}  // namespace boxoffice::load
