// The order side of a virtual user: the order after a hold, paying (confirm-payment, or the dev
// provider's payment and its signed callback), the tickets, a refund or a cancel, and what each
// answer means for the order the verifier later checks.
#include <chrono>

#include <nlohmann/json.hpp>

#include "harness/crowd.hpp"

#include "common/http_response.hpp"

namespace boxoffice::load {

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

void Crowd::onOrderAnswer(std::uint32_t u, const Response& r, std::int64_t doneMicros) {
    User& user = users_[u];
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

// confirm-payment's or POST /payment's refusal: a window that ran out is a payment too late; after a
// 5xx the client does not know what became of its payment.
void Crowd::paymentNotTaken(std::uint32_t u, SeenOrder& o, const Response& r) {
    if (r.status == 409 && jsonStringField(r.body, "code") == "ORDER_EXPIRED") {
        o.lastStatus = "EXPIRED";
        finish(u, PaidTooLate);
        return;
    }
    if (r.status >= 500) o.lastStatus = "UNKNOWN";
    finish(u, r.status >= 500 ? Failed : Rejected);
}

void Crowd::onOrderStepAnswer(const Call& call, const Response& r, Second& sec, std::int64_t doneMicros) {
    const std::uint32_t u = call.user;
    User& user = users_[u];
    switch (call.endpoint) {
        case Confirm: {
            SeenOrder& o = orders_[static_cast<std::size_t>(user.order)];
            if (r.status == 200) {
                onConfirmed(u, r.body, sec);
            } else {
                paymentNotTaken(u, o, r);
            }
            return;
        }
        case StartPay: {
            SeenOrder& o = orders_[static_cast<std::size_t>(user.order)];
            if (r.status == 201) {
                payCallback(u, r.body, doneMicros);
            } else {
                paymentNotTaken(u, o, r);
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
        default:
            return;
    }
}

}  // namespace boxoffice::load
