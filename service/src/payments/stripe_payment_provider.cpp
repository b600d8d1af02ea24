#include "payments/stripe_payment_provider.hpp"

#include <algorithm>
#include <cctype>
#include <thread>

#include <nlohmann/json.hpp>

#include "messaging/backoff.hpp"

namespace boxoffice::payments {
namespace {

std::string lower(std::string s) {
    std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return s;
}

bool retryable(const messaging::HttpResponse& r) {
    // 409: another request with the same Idempotency-Key is still in flight at Stripe.
    return r.status == 0 || r.status == 409 || r.status == 429 || r.status >= 500;
}

std::string field(const nlohmann::json& o, const char* name) {
    auto it = o.find(name);
    return it != o.end() && it->is_string() ? it->get<std::string>() : std::string{};
}

}  // namespace

StripePaymentProvider::StripePaymentProvider(StripeSettings settings, Transport transport)
    : settings_(std::move(settings)), transport_(std::move(transport)) {
    while (!settings_.apiBase.empty() && settings_.apiBase.back() == '/') settings_.apiBase.pop_back();
}

Result<std::string> StripePaymentProvider::post(const std::string& path, const std::string& form,
                                                const std::string& idempotencyKey) {
    messaging::HttpRequest req;
    req.method = "POST";
    req.url = settings_.apiBase + path;
    req.headers = {"Authorization: Bearer " + settings_.secretKey, "Content-Type: application/x-www-form-urlencoded",
                   "Idempotency-Key: " + idempotencyKey};
    req.body = form;
    req.connectTimeout = settings_.connectTimeout;
    req.timeout = settings_.timeout;
    messaging::HttpResponse last;
    for (int attempt = 1; attempt <= settings_.maxAttempts; ++attempt) {
        if (attempt > 1)
            std::this_thread::sleep_for(
                messaging::backoffDelay(attempt - 1, settings_.retryBase, settings_.retryBase * 8, 0.5));
        last = transport_(req);
        if (last.status >= 200 && last.status < 300) return last.body;
        if (!retryable(last)) break;
    }
    std::string internal =
        "stripe POST " + path + ": " + (last.status == 0 ? last.transportError : "HTTP " + std::to_string(last.status));
    if (last.status != 0) {
        // Stripe's error object says why (never card data: it names the parameter and the code).
        const auto doc = nlohmann::json::parse(last.body, nullptr, false);
        if (doc.is_object() && doc.contains("error") && doc["error"].is_object())
            internal += " " + field(doc["error"], "type") + " " + field(doc["error"], "code") + " " +
                        field(doc["error"], "message");
    }
    if (last.status == 0 && last.timedOut)
        return Error::of(ErrorCode::DependencyTimeout, "the payment provider did not answer in time", internal);
    return Error::of(ErrorCode::DependencyUnavailable, "the payment provider is unavailable", internal);
}

Result<PaymentHandle> StripePaymentProvider::createPayment(const PaymentRequest& request) {
    const std::string form = "amount=" + std::to_string(request.amountMinor) +
                             "&currency=" + messaging::formEncode(lower(request.currency)) +
                             "&metadata%5Border_id%5D=" + messaging::formEncode(request.orderId.str());
    auto body = post("/v1/payment_intents", form, request.orderId.str());
    if (!body) return std::move(body).error();
    const auto doc = nlohmann::json::parse(*body, nullptr, false);
    if (!doc.is_object() || field(doc, "id").empty() || field(doc, "client_secret").empty())
        return Error::of(ErrorCode::DependencyUnavailable, "the payment provider is unavailable",
                         "stripe: a PaymentIntent without id or client_secret");
    return PaymentHandle{field(doc, "id"), field(doc, "client_secret"), field(doc, "status")};
}

Result<RefundHandle> StripePaymentProvider::refund(const RefundRequest& request) {
    std::string form = "payment_intent=" + messaging::formEncode(request.providerPaymentId) +
                       "&amount=" + std::to_string(request.amountMinor) +
                       "&metadata%5Border_id%5D=" + messaging::formEncode(request.orderId.str());
    if (!request.reason.empty()) form += "&metadata%5Breason%5D=" + messaging::formEncode(request.reason);
    auto body = post("/v1/refunds", form, request.idempotencyKey);
    if (!body) return std::move(body).error();
    const auto doc = nlohmann::json::parse(*body, nullptr, false);
    if (!doc.is_object() || field(doc, "id").empty())
        return Error::of(ErrorCode::DependencyUnavailable, "the payment provider is unavailable",
                         "stripe: a Refund without id");
    return RefundHandle{field(doc, "id"), field(doc, "status")};
}

}  // namespace boxoffice::payments
