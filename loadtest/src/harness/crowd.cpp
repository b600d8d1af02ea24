#include "harness/crowd.hpp"

#include <algorithm>
#include <chrono>

#include <nlohmann/json.hpp>

#include "harness/arrivals.hpp"
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
    send(u, Availability, planned, "GET", availabilityPath_, "", false);
}

long long Crowd::absorbAvailability(std::string_view body, std::int64_t doneMicros) {
    const auto statuses = jsonStringField(body, "statuses");
    if (statuses.size() == view_.size()) view_.assign(statuses.data(), statuses.size());
    // The counts object comes first: "counts":{"AVAILABLE":n,...}
    if (auto held = jsonIntField(body, "HELD")) lastHeld_ = *held;
    if (auto left = jsonIntField(body, "AVAILABLE")) {
        live_.seatsLeft.store(*left, std::memory_order_relaxed);
        if (*left == 0 && stats_.firstNoneAvailableMicros < 0 && doneMicros > ctx_.openingMicros)
            stats_.firstNoneAvailableMicros = doneMicros - ctx_.openingMicros;
        return *left;
    }
    return -1;
}

void Crowd::order(std::uint32_t u, std::int64_t planned) {
    const User& user = users_[u];
    const std::string& id = (*ctx_.users)[user.global].id;
    send(u, Order, planned, "POST", "/v1/orders",
         "{\"holdId\":\"" + user.holdId + "\",\"customer\":{\"name\":\"Load User\",\"email\":\"" + id +
             "@load.example\"}}",
         true);
}

void Crowd::pay(std::uint32_t u, std::int64_t) {
    User& user = users_[u];
    // Planned when the think time ran out (the timer), measured from there.
    const std::int64_t planned = monoMicros();
    const SeenOrder& o = orders_[static_cast<std::size_t>(user.order)];
    if (ctx_.devWebhook != nullptr) {
        send(u, StartPay, planned, "POST", "/v1/orders/" + o.orderId + "/payment", "", true);
        return;
    }
    send(u, Confirm, planned, "POST", "/v1/orders/" + o.orderId + "/confirm-payment",
         "{\"paymentReference\":\"load-" + o.orderId + "\"}", true);
}

void Crowd::payCallback(std::uint32_t u, std::string_view started, std::int64_t planned) {
    const User& user = users_[u];
    const SeenOrder& o = orders_[static_cast<std::size_t>(user.order)];
    const auto j = nlohmann::json::parse(started, nullptr, false);
    const bool fail = user.fate == Fate::FailPayment;
    // Stripe's event shape, as the dev provider's callbacks use it (payments/stripe_event.hpp); the
    // amount and currency are the payment's own, so the service checks them like a real provider's.
    const nlohmann::json event = {{"id", "evt_load_" + o.orderId + (fail ? "_failed" : "_succeeded")},
                                  {"object", "event"},
                                  {"type", fail ? "payment_intent.payment_failed" : "payment_intent.succeeded"},
                                  {"data",
                                   {{"object",
                                     {{"id", j.is_object() ? j.value("paymentId", "") : ""},
                                      {"object", "payment_intent"},
                                      {"amount", j.is_object() ? j.value("amount", -1LL) : -1LL},
                                      {"currency", j.is_object() ? j.value("currency", "") : ""},
                                      {"metadata", {{"order_id", o.orderId}}},
                                      {"status", fail ? "requires_payment_method" : "succeeded"}}}}}};
    const std::string body = event.dump();
    const long long unixSeconds =
        std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
    send(u, Webhook, planned, "POST", "/v1/payments/dev/webhook", body, false,
         "Boxoffice-Signature: " + ctx_.devWebhook->sign(body, unixSeconds) + "\r\n");
}

void Crowd::onConfirmed(std::uint32_t u, std::string_view orderBody, Second& sec) {
    User& user = users_[u];
    SeenOrder& o = orders_[static_cast<std::size_t>(user.order)];
    auto j = nlohmann::json::parse(orderBody, nullptr, false);
    o.lastStatus = j.is_object() ? j.value("status", "CONFIRMED") : "CONFIRMED";
    o.tickets.clear();
    if (j.is_object() && j.contains("tickets"))
        for (const auto& t : j["tickets"]) o.tickets.push_back({t.value("ticketCode", ""), t.value("seatId", "")});
    LiveCounters::bump(live_.confirmed);
    LiveCounters::bump(live_.confirmedSeats, static_cast<long long>(o.seatIds.size()));
    sec.confirmedSeats += static_cast<long long>(o.seatIds.size());
    if (user.fate == Fate::BuyThenRefund && o.lastStatus == "CONFIRMED") {
        // Every seat (no body): the order becomes REFUNDED and its seats are on sale again at once.
        o.refundRequested = true;
        send(u, Refund, monoMicros(), "POST", "/v1/orders/" + o.orderId + "/refund", "", true);
        return;
    }
    finish(u, Confirmed);
}

void Crowd::cancel(std::uint32_t u, std::int64_t) {
    const User& user = users_[u];
    const SeenOrder& o = orders_[static_cast<std::size_t>(user.order)];
    send(u, Cancel, monoMicros(), "POST", "/v1/orders/" + o.orderId + "/cancel", "", true);
}

std::int64_t Crowd::payDelayMicros() {
    const auto lo = ctx_.scenario->payDelayMin.count() * 1000, hi = ctx_.scenario->payDelayMax.count() * 1000;
    return hi <= lo ? lo : std::uniform_int_distribution<std::int64_t>(lo, hi)(rng_);
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
    User& user = users_[u];
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
                const long long left = absorbAvailability(r.body, doneMicros);
                if (user.lastLook) {
                    if (left == 0 && lingers(u, doneMicros)) return;
                    finish(u, left == 0 ? SoldOutSeen : GaveUp);
                    return;
                }
                tryHold(u, doneMicros);
            } else {
                finish(u, r.status >= 500 ? Failed : Rejected);
            }
            return;
        case Hold:
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
            return;
        case Order: {
            if (r.status != 201) {
                finish(u, r.status >= 500 ? Failed : Rejected);
                return;
            }
            auto j = nlohmann::json::parse(r.body, nullptr, false);
            SeenOrder o;
            o.userId = (*ctx_.users)[user.global].id;
            o.orderId = j.is_object() ? j.value("orderId", "") : std::string(jsonStringField(r.body, "orderId"));
            if (j.is_object() && j.contains("seatIds"))
                for (const auto& s : j["seatIds"]) o.seatIds.push_back(s.get<std::string>());
            o.lastStatus = j.is_object() ? j.value("status", "PAYMENT_PENDING") : "PAYMENT_PENDING";
            o.abandoned = user.fate == Fate::AbandonOrder;
            if (j.is_object() && j.contains("expiresAt") && j["expiresAt"].is_string())
                noteExpiry(j["expiresAt"].get<std::string>());
            user.order = static_cast<int>(orders_.size());
            orders_.push_back(std::move(o));
            LiveCounters::bump(live_.orders);
            switch (user.fate) {
                case Fate::AbandonOrder:
                    finish(u, AbandonedOrder);
                    return;
                case Fate::Cancel:
                    loop_->addTimer(doneMicros + payDelayMicros(), u, CancelOrder);
                    return;
                default:
                    loop_->addTimer(doneMicros + payDelayMicros(), u, Pay);
                    return;
            }
        }
        case Confirm: {
            SeenOrder& o = orders_[static_cast<std::size_t>(user.order)];
            if (r.status == 200) {
                onConfirmed(u, r.body, sec);
            } else if (r.status == 409 && jsonStringField(r.body, "code") == "ORDER_EXPIRED") {
                o.lastStatus = "EXPIRED";
                finish(u, PaidTooLate);
            } else {
                // The client does not know what became of its payment.
                if (r.status >= 500) o.lastStatus = "UNKNOWN";
                finish(u, r.status >= 500 ? Failed : Rejected);
            }
            return;
        }
        case StartPay: {
            SeenOrder& o = orders_[static_cast<std::size_t>(user.order)];
            if (r.status == 201) {
                payCallback(u, r.body, doneMicros);
            } else if (r.status == 409 && jsonStringField(r.body, "code") == "ORDER_EXPIRED") {
                o.lastStatus = "EXPIRED";
                finish(u, PaidTooLate);
            } else {
                if (r.status >= 500) o.lastStatus = "UNKNOWN";
                finish(u, r.status >= 500 ? Failed : Rejected);
            }
            return;
        }
        case Webhook: {
            SeenOrder& o = orders_[static_cast<std::size_t>(user.order)];
            if (r.status != 200) {
                if (r.status >= 500) o.lastStatus = "UNKNOWN";
                finish(u, r.status >= 500 ? Failed : Rejected);
                return;
            }
            o.paymentOutcome = std::string(jsonStringField(r.body, "outcome"));
            if (o.paymentOutcome == "confirmed" || o.paymentOutcome == "late_reseated") {
                // The payer reads its order for the tickets, as a shop's return page does.
                o.lastStatus = "CONFIRMED";
                send(u, GetOrder, doneMicros, "GET", "/v1/orders/" + o.orderId, "", true);
            } else if (o.paymentOutcome == "failed") {
                o.lastStatus = "FAILED";
                finish(u, PaymentFailed);
            } else if (o.paymentOutcome == "late_refunded") {
                o.lastStatus = "EXPIRED";
                finish(u, PaidTooLate);
            } else {
                o.lastStatus = "UNKNOWN";
                finish(u, Rejected);
            }
            return;
        }
        case GetOrder:
            if (r.status == 200) {
                onConfirmed(u, r.body, sec);
            } else {
                finish(u, r.status >= 500 ? Failed : Rejected);
            }
            return;
        case Refund: {
            SeenOrder& o = orders_[static_cast<std::size_t>(user.order)];
            if (r.status == 200) {
                auto j = nlohmann::json::parse(r.body, nullptr, false);
                if (j.is_object() && j.contains("order") && j["order"].is_object()) {
                    const auto& order = j["order"];
                    o.lastStatus = order.value("status", "UNKNOWN");
                    o.tickets.clear();
                    if (order.contains("tickets"))
                        for (const auto& t : order["tickets"])
                            o.tickets.push_back({t.value("ticketCode", ""), t.value("seatId", "")});
                }
                if (j.is_object() && j.contains("refund") && j["refund"].contains("seatIds"))
                    for (const auto& seat : j["refund"]["seatIds"])
                        if (seat.is_string()) o.refundedSeatIds.push_back(seat.get<std::string>());
                // The confirmed counts are net of refunds: the sell-out time is when every seat is
                // confirmed and kept, not when confirmations added up to the supply.
                const auto back = static_cast<long long>(o.refundedSeatIds.size());
                LiveCounters::bump(live_.confirmedSeats, -back);
                sec.confirmedSeats -= back;
                if (o.lastStatus == "REFUNDED") LiveCounters::bump(live_.confirmed, -1);
                finish(u, Refunded);
            } else if (r.status >= 500) {
                o.lastStatus = "UNKNOWN";  // the refund may have happened
                finish(u, Failed);
            } else {
                finish(u, Confirmed);  // refused (the policy, ...): the tickets stand; the code is counted
            }
            return;
        }
        case Cancel: {
            SeenOrder& o = orders_[static_cast<std::size_t>(user.order)];
            if (r.status == 200) {
                o.lastStatus = "CANCELLED";
                finish(u, Cancelled);
            } else {
                if (r.status >= 500) o.lastStatus = "UNKNOWN";
                finish(u, r.status >= 500 ? Failed : Rejected);
            }
            return;
        }
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
