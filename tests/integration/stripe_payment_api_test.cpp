// Payments over HTTP with Stripe against a local fake of its API (tests/support/fake_stripe.hpp), on
// SQLite and PostgreSQL: PaymentIntents, webhook signatures written by Stripe's own npm library, late
// payments refunded or re-seated, requested refunds and the refund retrier; every test's Stripe
// traffic is checked against Stripe's published OpenAPI description.
#include <unistd.h>

#include <filesystem>
#include <set>
#include <thread>

#include "integration/payment_test_fixture.hpp"
#include "support/fake_stripe.hpp"
#include "support/metrics_text.hpp"
#include "support/stripe_tools.hpp"

namespace boxoffice::testing {
namespace {

class StripePayments : public PaymentTest {
protected:
    void SetUp() override {
        start([this](app::Config& c) {
            c.payments.provider = "stripe";
            c.payments.stripeApiBase = stripe_.url();
            c.payments.stripeSecretKey = "sk_test_fake";
            c.payments.stripeWebhookSecrets = {kStripeNew, kStripeOld};
            c.payments.refundRetryInterval = std::chrono::milliseconds(100);
        });
    }
    // What the service sent Stripe in the test, and what the fake answered, fits Stripe's published
    // API (tests/payments/check-stripe-api.mjs; tests/payments/stripe_api_test.cpp proves it can fail).
    void TearDown() override {
        if (stripe_.requests().empty()) return;
        const auto file = std::filesystem::temp_directory_path() /
                          ("boxoffice-stripe-service-" + std::to_string(::getpid()) + ".json");
        stripe_.writeRecording(file.string());
        const auto check = checkAgainstStripeApi(file.string());
        std::filesystem::remove(file);
        EXPECT_EQ(check.exitCode, 0) << check.output;
    }
    long long now() const { return clock_.nowMs() / 1000; }

    FakeStripe stripe_{"sk_test_fake"};
};

TEST_P(StripePayments, PaymentIntentForTheExactAmountThenOnlyTheWebhookConfirms) {
    auto c = app_->client();
    const std::string orderId = order(c, {"FLOOR1-A-1", "FLOOR1-A-2"})["orderId"];
    stripe_.failNext(1);  // one outage: retried with the same Idempotency-Key
    auto p = pay(c, orderId);
    ASSERT_EQ(p.status, 201) << p.body;
    EXPECT_EQ(p.json()["provider"], "stripe");
    const std::string pi = p.json()["paymentId"];
    EXPECT_EQ(p.json()["clientSecret"], pi + "_secret_fake");
    const auto requests = stripe_.requests();
    ASSERT_EQ(requests.size(), 2u);
    for (const auto& r : requests) {
        EXPECT_EQ(r.target, "/v1/payment_intents");
        EXPECT_EQ(r.headers.at("idempotency-key"), orderId);
        EXPECT_EQ(r.body, "amount=30000&currency=eur&metadata%5Border_id%5D=" + orderId);
    }
    EXPECT_EQ(pay(c, orderId).json()["paymentId"], pi) << "Stripe's idempotency: one PaymentIntent per order";
    ASSERT_EQ(stripe_.intents().size(), 1u);

    // The client cannot say it paid.
    auto conf = c.post("/v1/orders/" + orderId + "/confirm-payment", {{"paymentReference", pi}}, alice_);
    EXPECT_EQ(conf.status, 409) << conf.body;
    EXPECT_EQ(conf.json()["code"], "PAYMENT_CONFIRMED_BY_WEBHOOK");
    EXPECT_EQ(conf.header("content-type"), "application/problem+json");
    EXPECT_EQ(orderStatus(c, orderId), "PAYMENT_PENDING");

    const std::string body = intentEvent("evt_s1", "payment_intent.succeeded", pi, orderId, 30000).dump();
    auto w = stripeWebhook(c, body, stripeSignatureHeader(body, kStripeNew, now()));
    ASSERT_EQ(w.status, 200) << w.body;
    EXPECT_EQ(w.json()["outcome"], "confirmed");
    EXPECT_EQ(orderStatus(c, orderId), "CONFIRMED");
    // The dev provider's endpoint does not exist with Stripe.
    EXPECT_EQ(devWebhook(c, body, devSign(body)).status, 404);
}

TEST_P(StripePayments, SignaturesFromStripesLibrary) {
    auto c = app_->client();
    const std::string orderId = order(c, {"FLOOR1-B-1"})["orderId"];
    const std::string pi = pay(c, orderId).json()["paymentId"];
    const std::string body = intentEvent("evt_sig", "payment_intent.succeeded", pi, orderId, 15000).dump();

    auto expired = stripeWebhook(c, body, stripeSignatureHeader(body, kStripeNew, now() - 301));
    EXPECT_EQ(expired.status, 400) << expired.body;
    EXPECT_EQ(expired.json()["code"], "INVALID_SIGNATURE");
    auto wrong = stripeWebhook(c, body, stripeSignatureHeader(body, "whsec_someone_else", now()));
    EXPECT_EQ(wrong.status, 400) << wrong.body;
    std::string tampered = body;
    tampered.replace(tampered.find("evt_sig"), 7, "evt_sIg");
    auto changed = stripeWebhook(c, tampered, stripeSignatureHeader(body, kStripeNew, now()));
    EXPECT_EQ(changed.status, 400) << changed.body;
    EXPECT_EQ(orderStatus(c, orderId), "PAYMENT_PENDING") << "nothing above changed anything";
    EXPECT_TRUE(records(c, orderId)["events"].empty());

    // Two v1 values (Stripe during a secret roll): one under a secret we no longer have, one under
    // the old secret we still accept.
    const std::string a = stripeSignatureHeader(body, "whsec_retired", now());
    const std::string b = stripeSignatureHeader(body, kStripeOld, now());
    const std::string both = a + "," + b.substr(b.find("v1="));
    auto ok = stripeWebhook(c, body, both);
    ASSERT_EQ(ok.status, 200) << ok.body << " " << both;
    EXPECT_EQ(ok.json()["outcome"], "confirmed");
    auto replay = stripeWebhook(c, body, stripeSignatureHeader(body, kStripeNew, now()));
    ASSERT_EQ(replay.status, 200) << replay.body;
    EXPECT_EQ(replay.json()["duplicate"], true);
    EXPECT_EQ(records(c, orderId)["events"].size(), 1u);
}

TEST_P(StripePayments, LatePaymentIsRefundedThroughStripeAndChargeRefundedIsRecorded) {
    auto c = app_->client();
    const std::string orderId = order(c, {"FLOOR1-C-1"})["orderId"];
    const std::string pi = pay(c, orderId).json()["paymentId"];
    clock_.advance(std::chrono::seconds(31));
    EXPECT_EQ(orderStatus(c, orderId), "EXPIRED");
    auto bob = c.request("POST", "/v1/holds", json{{"showId", show_}, {"seatIds", {"FLOOR1-C-1"}}}.dump(),
                         auth(app_->userToken("bob")));
    ASSERT_EQ(bob.status, 201) << bob.body;
    const std::string body = intentEvent("evt_late", "payment_intent.succeeded", pi, orderId, 15000).dump();
    auto w = stripeWebhook(c, body, stripeSignatureHeader(body, kStripeNew, now()));
    ASSERT_EQ(w.status, 200) << w.body;
    EXPECT_EQ(w.json()["outcome"], "late_refunded");
    ASSERT_EQ(stripe_.intents().size(), 1u);
    EXPECT_EQ(stripe_.intents()[0].refunded, 15000) << "the whole amount went back through Stripe";
    json rec = records(c, orderId);
    ASSERT_EQ(rec["refunds"].size(), 1u);
    const std::string refundId = rec["refunds"][0]["refundId"];
    EXPECT_EQ(refundId.rfind("re_fake", 0), 0u);

    // Stripe then reports the refund on the charge: recorded once, not as a second refund.
    const json charge = {{"id", "evt_ch"},
                         {"type", "charge.refunded"},
                         {"data",
                          {{"object",
                            {{"id", "ch_1"},
                             {"object", "charge"},
                             {"amount", 15000},
                             {"amount_refunded", 15000},
                             {"currency", "eur"},
                             {"payment_intent", pi},
                             {"refunds", {{"data", {{{"id", refundId}, {"amount", 15000}}}}}}}}}}};
    const std::string chargeBody = charge.dump();
    auto r = stripeWebhook(c, chargeBody, stripeSignatureHeader(chargeBody, kStripeNew, now()));
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(r.json()["outcome"], "refunded");
    rec = records(c, orderId);
    EXPECT_EQ(rec["payments"][0]["refundedAmount"], 15000);
    EXPECT_EQ(rec["refunds"].size(), 1u);
    EXPECT_EQ(rec["events"].size(), 2u);
}

TEST_P(StripePayments, ALatePaymentWhoseSeatsAreStillFreeIsReseatedWithoutARefund) {
    auto c = app_->client();
    const std::string orderId = order(c, {"FLOOR1-C-30", "FLOOR1-C-31"})["orderId"];
    const std::string pi = pay(c, orderId).json()["paymentId"];
    clock_.advance(std::chrono::seconds(31));
    EXPECT_EQ(orderStatus(c, orderId), "EXPIRED");
    const std::string body = intentEvent("evt_reseat_s", "payment_intent.succeeded", pi, orderId, 30000).dump();
    auto w = stripeWebhook(c, body, stripeSignatureHeader(body, kStripeNew, now()));
    ASSERT_EQ(w.status, 200) << w.body;
    EXPECT_EQ(w.json()["outcome"], "late_reseated");
    EXPECT_EQ(orderStatus(c, orderId), "CONFIRMED");
    EXPECT_EQ(stripe_.intents().at(0).refunded, 0) << "the money is kept: the seats were sold to its payer";
    EXPECT_TRUE(records(c, orderId)["refunds"].empty());
}

TEST_P(StripePayments, ARequestedRefundGoesThroughStripeOnceAndItsChargeRefundedEventAddsNothing) {
    auto c = app_->client();
    const std::string orderId = order(c, {"FLOOR1-D-40", "FLOOR1-D-41"})["orderId"];
    const std::string pi = pay(c, orderId).json()["paymentId"];
    const std::string body = intentEvent("evt_paid_r", "payment_intent.succeeded", pi, orderId, 30000).dump();
    ASSERT_EQ(stripeWebhook(c, body, stripeSignatureHeader(body, kStripeNew, now())).status, 200);
    ASSERT_EQ(orderStatus(c, orderId), "CONFIRMED");

    // One seat back, a month before the show (the default policy: 100 %).
    const json ask = {{"seatIds", {"FLOOR1-D-41"}}};
    auto r = c.request("POST", "/v1/orders/" + orderId + "/refund", ask.dump(), auth(alice_));
    ASSERT_EQ(r.status, 200) << r.body;
    const std::string refundId = r.json()["refund"]["refundId"];
    EXPECT_EQ(refundId.rfind("re_fake", 0), 0u) << r.body;
    EXPECT_EQ(r.json()["refund"]["amount"], 15000);
    EXPECT_EQ(r.json()["order"]["status"], "CONFIRMED");
    const auto refunds = stripe_.requests();
    ASSERT_EQ(refunds.back().target, "/v1/refunds");
    EXPECT_EQ(refunds.back().headers.at("idempotency-key").rfind("rf_", 0), 0u);
    EXPECT_EQ(stripe_.intents().at(0).refunded, 15000);
    // Asked again: the same refund, Stripe is not asked for a second one.
    auto again = c.request("POST", "/v1/orders/" + orderId + "/refund", ask.dump(), auth(alice_));
    ASSERT_EQ(again.status, 200) << again.body;
    EXPECT_EQ(again.json()["refund"]["refundId"], refundId);
    EXPECT_EQ(stripe_.intents().at(0).refunded, 15000);

    // Stripe then reports it on the charge: the payment's refunded total stays what it is.
    const json charge = {{"id", "evt_ch_r"},
                         {"type", "charge.refunded"},
                         {"data",
                          {{"object",
                            {{"id", "ch_r"},
                             {"object", "charge"},
                             {"amount", 30000},
                             {"amount_refunded", 15000},
                             {"currency", "eur"},
                             {"payment_intent", pi},
                             {"refunds", {{"data", {{{"id", refundId}, {"amount", 15000}}}}}}}}}}};
    const std::string chargeBody = charge.dump();
    auto w = stripeWebhook(c, chargeBody, stripeSignatureHeader(chargeBody, kStripeNew, now()));
    ASSERT_EQ(w.status, 200) << w.body;
    EXPECT_EQ(w.json()["outcome"], "partially_refunded");
    const json rec = records(c, orderId);
    EXPECT_EQ(rec["payments"][0]["refundedAmount"], 15000);
    ASSERT_EQ(rec["refunds"].size(), 1u) << rec.dump();
    EXPECT_EQ(rec["refunds"][0]["refundId"], refundId);
    EXPECT_EQ(rec["refunds"][0]["status"], "succeeded");
}

// Stripe is down for the whole request: the refund stays reserved (seats back on sale, tickets void)
// and the buyer gives up. The refund retrier completes it once it is older than a request's own
// attempts, under the same Idempotency-Key: the money goes back exactly once.
TEST_P(StripePayments, ARefundStripeNeverAnsweredIsCompletedByTheRetrierOnce) {
    auto c = app_->client();
    const std::string orderId = order(c, {"FLOOR1-C-10", "FLOOR1-C-11"})["orderId"];
    const std::string pi = pay(c, orderId).json()["paymentId"];
    const std::string body = intentEvent("evt_paid_p", "payment_intent.succeeded", pi, orderId, 30000).dump();
    ASSERT_EQ(stripeWebhook(c, body, stripeSignatureHeader(body, kStripeNew, now())).status, 200);
    ASSERT_EQ(orderStatus(c, orderId), "CONFIRMED");

    stripe_.failNext(3);  // every attempt of the request (BOXOFFICE_STRIPE_MAX_ATTEMPTS=3)
    auto r = c.request("POST", "/v1/orders/" + orderId + "/refund", "{}", auth(alice_));
    ASSERT_EQ(r.status, 503) << r.body;
    EXPECT_EQ(r.header("content-type"), "application/problem+json") << r.body;
    EXPECT_EQ(seat(c, 109), 'A') << "the seats are back on sale while the money is on its way";
    EXPECT_EQ(seat(c, 110), 'A');
    auto pending = records(c, orderId);
    ASSERT_EQ(pending["refunds"].size(), 1u) << pending.dump();
    EXPECT_EQ(pending["refunds"][0]["status"], "pending");
    const auto refundCalls = [&] {
        int n = 0;
        for (const auto& q : stripe_.requests()) n += q.target == "/v1/refunds";
        return n;
    };
    ASSERT_EQ(refundCalls(), 3);

    // Younger than BOXOFFICE_REFUND_RETRY_AGE: the retrier leaves it to the request that made it.
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
    EXPECT_EQ(refundCalls(), 3);
    EXPECT_EQ(records(c, orderId)["refunds"][0]["status"], "pending");

    clock_.advance(std::chrono::minutes(3));
    json done;
    for (int i = 0; i < 100; ++i) {
        done = records(c, orderId);
        if (done["refunds"][0]["status"] != "pending") break;
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    ASSERT_EQ(done["refunds"].size(), 1u) << done.dump();
    EXPECT_EQ(done["refunds"][0]["status"], "succeeded") << done.dump();
    const std::string refundId = done["refunds"][0]["refundId"];
    EXPECT_EQ(refundId.rfind("re_fake", 0), 0u) << done.dump();
    EXPECT_EQ(stripe_.intents().at(0).refunded, 30000);
    EXPECT_EQ(refundCalls(), 4);
    const auto requests = stripe_.requests();
    std::set<std::string> keys;
    for (const auto& q : requests)
        if (q.target == "/v1/refunds") keys.insert(q.headers.at("idempotency-key"));
    EXPECT_EQ(keys.size(), 1u) << "the retrier asks under the key the request reserved";
    HttpClient m(app_->app().metricsPort());
    EXPECT_EQ(MetricsText(m.get("/metrics").body).sum("boxoffice_refund_retries_total", {{"outcome", "completed"}}), 1);

    // Asked again: the completed refund, Stripe is not asked for another.
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    auto again = c.request("POST", "/v1/orders/" + orderId + "/refund",
                           json{{"seatIds", {"FLOOR1-C-10", "FLOOR1-C-11"}}}.dump(), auth(alice_));
    ASSERT_EQ(again.status, 200) << again.body;
    EXPECT_EQ(again.json()["refund"]["refundId"], refundId);
    EXPECT_EQ(again.json()["order"]["status"], "REFUNDED");
    EXPECT_EQ(refundCalls(), 4);
    EXPECT_EQ(stripe_.intents().at(0).refunded, 30000);
}

INSTANTIATE_TEST_SUITE_P(Stacks, StripePayments, ::testing::Values(Backend::Sqlite, Backend::Postgres),
                         [](const auto& p) { return backendName(p.param); });

}  // namespace
}  // namespace boxoffice::testing
