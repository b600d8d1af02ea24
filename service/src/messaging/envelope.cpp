#include "messaging/envelope.hpp"

#include <nlohmann/json.hpp>

#include "util/rfc3339.hpp"

namespace boxoffice::messaging {

const std::vector<std::string>& knownEventTypes() {
    static const std::vector<std::string> kTypes = {"order.created",        "order.confirmed",
                                                    "order.expired",        "order.cancelled",
                                                    "order.payment_failed", "order.late_payment_refunded"};
    return kTypes;
}

namespace {

// The status an order reached with each event. The outbox payload of a cancellation or an expiry
// is written from the order as it was before the change (status PAYMENT_PENDING), so the
// envelope states the status the event announces rather than copying that one.
const char* statusReached(const std::string& type) {
    if (type == "order.created") return "PAYMENT_PENDING";
    if (type == "order.confirmed") return "CONFIRMED";
    if (type == "order.expired") return "EXPIRED";
    if (type == "order.cancelled") return "CANCELLED";
    if (type == "order.payment_failed") return "FAILED";
    return nullptr;
}

}  // namespace

Result<std::string> envelopeOf(const OutboxRow& row) {
    auto payload = nlohmann::json::parse(row.payload, nullptr, false);
    if (payload.is_discarded() || !payload.is_object())
        return Error::internalError("outbox " + row.id + ": payload is not a JSON object");
    nlohmann::json env = {{"id", row.id}, {"type", row.eventType}, {"occurredAt", formatRfc3339(row.createdAt)}};
    // showId and orderId sit in the envelope so consumers route without opening `data`.
    if (auto it = payload.find("showId"); it != payload.end()) {
        env["showId"] = *it;
        payload.erase(it);
    }
    if (auto it = payload.find("orderId"); it != payload.end()) {
        env["orderId"] = *it;
        payload.erase(it);
    } else if (row.aggregateType == "order") {
        env["orderId"] = row.aggregateId;
    }
    auto headers = nlohmann::json::parse(row.headers, nullptr, false);
    if (headers.is_object())
        if (auto it = headers.find("traceparent"); it != headers.end() && it->is_string()) env["traceparent"] = *it;
    if (row.customerName || row.customerEmail) {
        nlohmann::json customer = {{"name", row.customerName.value_or("")}, {"email", row.customerEmail.value_or("")}};
        if (row.customerPhone && !row.customerPhone->empty()) customer["phone"] = *row.customerPhone;
        payload["customer"] = std::move(customer);
    }
    if (const char* status = statusReached(row.eventType)) payload["status"] = status;
    env["data"] = std::move(payload);
    return env.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

Result<OutgoingMessage> messageOf(const OutboxRow& row) {
    auto body = envelopeOf(row);
    if (!body) return std::move(body).error();
    OutgoingMessage m;
    m.id = row.id;
    m.body = std::move(body).value();
    m.groupId = row.aggregateId;
    m.attributes = {{"outboxId", row.id}, {"eventType", row.eventType}};
    return m;
}

}  // namespace boxoffice::messaging
