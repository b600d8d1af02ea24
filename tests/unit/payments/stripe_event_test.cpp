// Stripe's event objects as the service reads them (service/src/payments/stripe_event).
#include <gtest/gtest.h>

#include "payments/stripe_event.hpp"

namespace boxoffice::payments {
namespace {

TEST(StripeEvent, PaymentIntentSucceededAndFailed) {
    const std::string body = R"({"id":"evt_1","object":"event","type":"payment_intent.succeeded",
      "data":{"object":{"id":"pi_1","object":"payment_intent","amount":30000,"currency":"eur",
      "metadata":{"order_id":"o-1"},"status":"succeeded"}}})";
    auto e = parseStripeEvent("stripe", body);
    ASSERT_TRUE(e) << e.error().detail;
    EXPECT_EQ(e->kind, PaymentEvent::Kind::Succeeded);
    EXPECT_EQ(e->eventId, "evt_1");
    EXPECT_EQ(e->providerPaymentId, "pi_1");
    EXPECT_EQ(e->amountMinor, 30000);
    EXPECT_EQ(e->currency, "EUR");
    ASSERT_TRUE(e->orderId);
    EXPECT_EQ(e->orderId->str(), "o-1");

    std::string failed = body;
    failed.replace(failed.find("payment_intent.succeeded"), 24, "payment_intent.payment_failed");
    auto f = parseStripeEvent("stripe", failed);
    ASSERT_TRUE(f);
    EXPECT_EQ(f->kind, PaymentEvent::Kind::Failed);
}

TEST(StripeEvent, ChargeRefundedNamesThePaymentIntentAndTheTotal) {
    auto e = parseStripeEvent("stripe", R"({"id":"evt_2","type":"charge.refunded","data":{"object":{"id":"ch_1",
      "object":"charge","amount":30000,"amount_refunded":15000,"currency":"jpy","payment_intent":"pi_1",
      "refunds":{"object":"list","data":[{"id":"re_9","amount":15000}]}}}})");
    ASSERT_TRUE(e) << e.error().detail;
    EXPECT_EQ(e->kind, PaymentEvent::Kind::Refunded);
    EXPECT_EQ(e->providerPaymentId, "pi_1");
    EXPECT_EQ(e->amountMinor, 15000);
    EXPECT_EQ(e->currency, "JPY");
    EXPECT_EQ(e->providerRefundId, "re_9");
    EXPECT_FALSE(e->orderId);
}

TEST(StripeEvent, OtherTypesAreIgnoredNotRefused) {
    auto e = parseStripeEvent("stripe", R"({"id":"evt_3","type":"customer.created","data":{"object":{}}})");
    ASSERT_TRUE(e);
    EXPECT_EQ(e->kind, PaymentEvent::Kind::Ignored);
}

TEST(StripeEvent, RefusesWhatIsNotAnEvent) {
    EXPECT_EQ(parseStripeEvent("stripe", "{not json").error().code, ErrorCode::MalformedJson);
    for (
        const char* body :
        {R"([1])", R"({"type":"payment_intent.succeeded","data":{"object":{}}})",
         R"({"id":"evt","type":"payment_intent.succeeded"})",
         R"({"id":"evt","type":"payment_intent.succeeded","data":{"object":{"id":"pi","currency":"eur"}}})",
         R"({"id":"evt","type":"payment_intent.succeeded","data":{"object":{"id":"pi","amount":-1,"currency":"eur"}}})",
         R"({"id":"evt","type":"payment_intent.succeeded","data":{"object":{"id":"pi","amount":1.5,"currency":"eur"}}})",
         R"({"id":"evt","type":"payment_intent.succeeded","data":{"object":{"id":"pi","amount":1,"currency":"euro"}}})",
         R"({"id":"evt\u0000","type":"x","data":{"object":{}}})"}) {
        auto r = parseStripeEvent("stripe", body);
        ASSERT_FALSE(r) << body;
        EXPECT_EQ(r.error().code, ErrorCode::ValidationFailed) << body;
    }
}

}  // namespace
}  // namespace boxoffice::payments
