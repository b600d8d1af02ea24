// The Stripe adapter's requests (form fields, Idempotency-Key, key) and its bounded retries, over a
// fake transport (no network). The wire against a local fake server: integration/stripe_payment_api_test.
#include <gtest/gtest.h>

#include <algorithm>

#include "payments/stripe_payment_provider.hpp"

namespace boxoffice::payments {
namespace {

using messaging::HttpRequest;
using messaging::HttpResponse;

bool hasHeader(const HttpRequest& r, const std::string& h) {
    return std::find(r.headers.begin(), r.headers.end(), h) != r.headers.end();
}

StripeSettings settings() {
    StripeSettings s;
    s.apiBase = "http://stripe.test/";
    s.secretKey = "sk_test_123";
    s.retryBase = std::chrono::milliseconds(1);
    s.maxAttempts = 3;
    return s;
}

TEST(StripePaymentProvider, CreatesAPaymentIntentForTheExactAmountKeyedByTheOrder) {
    std::vector<HttpRequest> seen;
    StripePaymentProvider stripe(settings(), [&](const HttpRequest& r) {
        seen.push_back(r);
        return HttpResponse{200, R"({"id":"pi_1","client_secret":"pi_1_secret_x","status":"requires_payment_method"})",
                            "", false};
    });
    auto h = stripe.createPayment({OrderId{"order-1"}, 12345, "EUR"});
    ASSERT_TRUE(h) << h.error().internal;
    EXPECT_EQ(h->providerPaymentId, "pi_1");
    EXPECT_EQ(h->clientSecret, "pi_1_secret_x");
    ASSERT_EQ(seen.size(), 1u);
    EXPECT_EQ(seen[0].method, "POST");
    EXPECT_EQ(seen[0].url, "http://stripe.test/v1/payment_intents");
    EXPECT_EQ(seen[0].body, "amount=12345&currency=eur&metadata%5Border_id%5D=order-1");
    EXPECT_TRUE(hasHeader(seen[0], "Authorization: Bearer sk_test_123"));
    EXPECT_TRUE(hasHeader(seen[0], "Idempotency-Key: order-1"));
    EXPECT_TRUE(hasHeader(seen[0], "Content-Type: application/x-www-form-urlencoded"));
}

TEST(StripePaymentProvider, RetriesTransportFailuresAnd5xxWithTheSameKeyThenGivesUp) {
    int calls = 0;
    StripePaymentProvider flaky(settings(), [&](const HttpRequest& r) {
        EXPECT_TRUE(hasHeader(r, "Idempotency-Key: order-2"));
        ++calls;
        if (calls == 1) return HttpResponse{0, "", "connection refused", false};
        if (calls == 2) return HttpResponse{503, "{}", "", false};
        return HttpResponse{200, R"({"id":"pi_2","client_secret":"s"})", "", false};
    });
    ASSERT_TRUE(flaky.createPayment({OrderId{"order-2"}, 100, "USD"}));
    EXPECT_EQ(calls, 3);

    calls = 0;
    StripePaymentProvider down(settings(), [&](const HttpRequest&) {
        ++calls;
        return HttpResponse{0, "", "timed out", true};
    });
    auto r = down.createPayment({OrderId{"order-3"}, 100, "USD"});
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, ErrorCode::DependencyTimeout);
    EXPECT_EQ(calls, 3) << "bounded";
}

TEST(StripePaymentProvider, DoesNotRetryARefusal) {
    int calls = 0;
    StripePaymentProvider stripe(settings(), [&](const HttpRequest&) {
        ++calls;
        return HttpResponse{400, R"({"error":{"type":"invalid_request_error","code":"parameter_invalid_integer"}})", "",
                            false};
    });
    auto r = stripe.createPayment({OrderId{"order-4"}, 100, "USD"});
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, ErrorCode::DependencyUnavailable);
    EXPECT_NE(r.error().internal.find("parameter_invalid_integer"), std::string::npos);
    EXPECT_EQ(r.error().detail.find("parameter"), std::string::npos) << "the client sees no provider detail";
    EXPECT_EQ(calls, 1);
}

TEST(StripePaymentProvider, RefundsAnAmountOfAPaymentIntent) {
    HttpRequest seen;
    StripePaymentProvider stripe(settings(), [&](const HttpRequest& r) {
        seen = r;
        return HttpResponse{200, R"({"id":"re_1","status":"succeeded"})", "", false};
    });
    auto r = stripe.refund({"pi_1", OrderId{"order-1"}, 500, "EUR", "late-payment-pi_1", "late_payment"});
    ASSERT_TRUE(r);
    EXPECT_EQ(r->providerRefundId, "re_1");
    EXPECT_EQ(seen.url, "http://stripe.test/v1/refunds");
    EXPECT_EQ(seen.body,
              "payment_intent=pi_1&amount=500&metadata%5Border_id%5D=order-1&metadata%5Breason%5D=late_payment");
    EXPECT_TRUE(hasHeader(seen, "Idempotency-Key: late-payment-pi_1"));
}

}  // namespace
}  // namespace boxoffice::payments
