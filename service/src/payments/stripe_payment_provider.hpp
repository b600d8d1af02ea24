#pragma once
// Stripe over the service's one HTTP client (libcurl): PaymentIntents and Refunds, form-encoded,
// with the order id as Idempotency-Key, a deadline per attempt and a bounded number of attempts.
#include <chrono>
#include <functional>
#include <string>

#include "domain/payment_ports.hpp"
#include "messaging/curl_http.hpp"

namespace boxoffice::payments {

struct StripeSettings {
    std::string apiBase = "https://api.stripe.com";  // a local fake in tests
    std::string secretKey;                           // sk_...
    std::chrono::milliseconds connectTimeout{2'000};
    std::chrono::milliseconds timeout{10'000};  // per attempt
    int maxAttempts = 3;                        // transport failures, 409 (idempotency lock), 429 and 5xx
    std::chrono::milliseconds retryBase{200};
};

class StripePaymentProvider final : public PaymentProvider {
public:
    using Transport = std::function<messaging::HttpResponse(const messaging::HttpRequest&)>;
    explicit StripePaymentProvider(StripeSettings settings, Transport transport = messaging::perform);

    std::string_view name() const override { return "stripe"; }
    Result<PaymentHandle> createPayment(const PaymentRequest& request) override;
    Result<RefundHandle> refund(const RefundRequest& request) override;

private:
    /// POSTs `form` to `path` with the key, retried while retrying is safe and useful; the parsed
    /// JSON object on a 2xx.
    Result<std::string> post(const std::string& path, const std::string& form, const std::string& idempotencyKey);

    StripeSettings settings_;
    Transport transport_;
};

}  // namespace boxoffice::payments
