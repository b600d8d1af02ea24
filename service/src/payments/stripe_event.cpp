#include "payments/stripe_event.hpp"

#include <algorithm>
#include <cctype>

#include <nlohmann/json.hpp>

namespace boxoffice::payments {
namespace {

using nlohmann::json;

const json* member(const json& o, const char* name) {
    if (!o.is_object()) return nullptr;
    auto it = o.find(name);
    return it == o.end() ? nullptr : &*it;
}

bool text(const json& o, const char* name, std::string& out, std::size_t maxLen = 255) {
    const json* v = member(o, name);
    if (!v || !v->is_string()) return false;
    const auto& s = v->get_ref<const std::string&>();
    if (s.empty() || s.size() > maxLen) return false;
    for (unsigned char c : s)
        if (c < 0x20 || c == 0x7f) return false;
    out = s;
    return true;
}

bool amount(const json& o, const char* name, std::int64_t& out) {
    const json* v = member(o, name);
    if (!v || !v->is_number_integer()) return false;
    out = v->get<std::int64_t>();
    return out >= 0;
}

}  // namespace

Result<PaymentEvent> parseStripeEvent(std::string_view provider, std::string_view body) {
    const json doc = json::parse(body.begin(), body.end(), nullptr, /*allow_exceptions=*/false);
    if (doc.is_discarded()) return Error::of(ErrorCode::MalformedJson, "the event is not JSON");
    if (!doc.is_object()) return Error::validation("", "the event must be a JSON object");
    PaymentEvent e;
    e.provider = std::string(provider);
    if (!text(doc, "id", e.eventId)) return Error::validation("id", "must be the event's id");
    if (!text(doc, "type", e.type)) return Error::validation("type", "must be the event's type");
    const json* data = member(doc, "data");
    const json* object = data ? member(*data, "object") : nullptr;
    if (!object || !object->is_object()) return Error::validation("data.object", "must be an object");

    if (e.type == "payment_intent.succeeded")
        e.kind = PaymentEvent::Kind::Succeeded;
    else if (e.type == "payment_intent.payment_failed")
        e.kind = PaymentEvent::Kind::Failed;
    else if (e.type == "charge.refunded")
        e.kind = PaymentEvent::Kind::Refunded;
    else
        return e;  // Ignored

    const bool charge = e.kind == PaymentEvent::Kind::Refunded;
    if (!text(*object, charge ? "payment_intent" : "id", e.providerPaymentId))
        return Error::validation(charge ? "data.object.payment_intent" : "data.object.id",
                                 "must name the payment intent");
    if (!amount(*object, charge ? "amount_refunded" : "amount", e.amountMinor))
        return Error::validation(charge ? "data.object.amount_refunded" : "data.object.amount",
                                 "must be a non-negative integer in minor units");
    if (!text(*object, "currency", e.currency, 3) || e.currency.size() != 3)
        return Error::validation("data.object.currency", "must be an ISO 4217 code");
    std::transform(e.currency.begin(), e.currency.end(), e.currency.begin(),
                   [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
    if (const json* metadata = member(*object, "metadata")) {
        std::string order;
        if (text(*metadata, "order_id", order, 64)) e.orderId = OrderId{order};
    }
    if (charge) {
        const json* refunds = member(*object, "refunds");
        const json* list = refunds ? member(*refunds, "data") : nullptr;
        if (list && list->is_array() && !list->empty()) (void)text(list->front(), "id", e.providerRefundId);
    }
    return e;
}

}  // namespace boxoffice::payments
