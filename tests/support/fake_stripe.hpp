#pragma once
// A local fake of the two Stripe endpoints the service calls (POST /v1/payment_intents and
// POST /v1/refunds), on a TinyHttpServer: it checks what Stripe checks of those requests (the
// Bearer key, form encoding, an integer amount, a lower-case three-letter currency, the
// Idempotency-Key, a refund within what was paid) and answers with the objects' documented shape.
// The same Idempotency-Key with the same parameters gets the first answer again; with other
// parameters a 400 idempotency_error, as at Stripe (and on the other endpoint, which Stripe's docs
// leave open).
// Everything it was sent and answered can be written out (writeRecording) and checked against
// Stripe's published OpenAPI description (support/stripe_tools.hpp, checkAgainstStripeApi).
#include <atomic>
#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "support/tiny_http_server.hpp"

namespace boxoffice::testing {

class FakeStripe {
public:
    explicit FakeStripe(std::string secretKey = "sk_test_fake");
    std::string url() const { return server_.url(); }

    struct Intent {
        std::string id, currency, orderId;
        long long amount = 0, refunded = 0;
    };
    std::vector<TinyRequest> requests() const;
    std::vector<Intent> intents() const;
    /// The next `n` requests answer 500 (retries are then visible in requests()).
    void failNext(int n) { failNext_ = n; }
    /// Every request so far with the answer it got, as JSON ({"exchanges": [{"request": {method,
    /// path, headers, body, form (as the fake read it)}, "response": {status, contentType, body}}]}),
    /// the input of tests/payments/check-stripe-api.mjs.
    void writeRecording(const std::string& file) const;

private:
    using Form = std::map<std::string, std::string>;
    struct Exchange {
        TinyRequest request;
        TinyResponse response;
    };
    struct Replay {
        std::string target;
        Form form;
        TinyResponse response;
    };
    TinyResponse handle(const TinyRequest& req);
    TinyResponse answer(const TinyRequest& req);
    TinyResponse createIntent(const Form& form);
    TinyResponse createRefund(const Form& form);

    std::string secretKey_;
    mutable std::mutex mu_;
    std::vector<Exchange> exchanges_;
    std::map<std::string, Intent> intents_;     // by id
    std::map<std::string, Replay> idempotent_;  // by Idempotency-Key, across endpoints
    std::atomic<int> failNext_{0};
    int next_ = 0;
    TinyHttpServer server_;  // last: it calls handle() until destroyed
};

}  // namespace boxoffice::testing
