// Payments over HTTP on the embedded default (SQLite) and on PostgreSQL: the dev provider's payment
// and signed callback, FAILED orders and their seats, replayed and bad webhooks (4xx, nothing
// stored), a late payment refunded, the admin's records; and Stripe against a local fake of its
// API, with webhook signatures written by Stripe's own npm library and every test's Stripe traffic
// checked against Stripe's published OpenAPI description.
#include <gtest/gtest.h>

#include <unistd.h>

#include <filesystem>
#include <future>
#include <set>
#include <thread>

#include <soci/soci.h>

#include "app/demo_seed.hpp"
#include "payments/webhook_signature.hpp"
#include "storage/sql/sql_catalog_repository.hpp"
#include "support/fake_clock.hpp"
#include "support/fake_stripe.hpp"
#include "support/metrics_text.hpp"
#include "support/stripe_tools.hpp"
#include "support/test_app.hpp"
#include "util/random_id.hpp"

namespace boxoffice::testing {
namespace {

using nlohmann::json;

constexpr const char* kDevSecret = "whsec_dev_test_secret_0123456789";
constexpr const char* kStripeNew = "whsec_stripe_new_0123456789";
constexpr const char* kStripeOld = "whsec_stripe_old_0123456789";

json intentEvent(const std::string& eventId, const std::string& type, const std::string& paymentId,
                 const std::string& orderId, long long amount, const std::string& currency = "eur") {
    return {{"id", eventId},
            {"object", "event"},
            {"type", type},
            {"data",
             {{"object",
               {{"id", paymentId},
                {"object", "payment_intent"},
                {"amount", amount},
                {"currency", currency},
                {"metadata", {{"order_id", orderId}}},
                {"status", type == "payment_intent.succeeded" ? "succeeded" : "requires_payment_method"}}}}}};
}

class PaymentTest : public ::testing::TestWithParam<Backend> {
protected:
    void start(const std::function<void(app::Config&)>& tweak) {
        app_ = std::make_unique<TestApp>(
            GetParam(),
            [&](app::Config& c) {
                c.booking.holdTtl = std::chrono::seconds(60);
                c.booking.paymentWindow = std::chrono::seconds(30);
                c.booking.sweepInterval = std::chrono::milliseconds(50);
                c.seatmapAvailabilityTtl = std::chrono::milliseconds(1);
                c.seatmapShowTtl = std::chrono::milliseconds(1);
                c.payments.devWebhookSecret = kDevSecret;
                tweak(c);
            },
            &clock_);
        sql::SqlCatalogRepository repo(app_->app().database());
        util::RandomIdGenerator ids;
        auto demo = app::seedDemo(repo, clock_, ids, 200);  // FLOOR1, rows A-D of 50 seats, VIP 150.00 EUR
        ASSERT_TRUE(demo.ok()) << demo.error().detail << demo.error().internal;
        show_ = demo->show.id.str();
        alice_ = app_->userToken("alice");
        admin_ = app_->adminToken();
    }

    std::vector<std::string> auth(const std::string& token) const {
        return {"Content-Type: application/json", "Authorization: Bearer " + token};
    }
    // A pending order of alice's for `seats`.
    json order(HttpClient& c, const std::vector<std::string>& seats) {
        auto h = c.request("POST", "/v1/holds", json{{"showId", show_}, {"seatIds", seats}}.dump(), auth(alice_));
        EXPECT_EQ(h.status, 201) << h.body;
        auto o = c.post("/v1/orders",
                        {{"holdId", h.json()["holdId"]}, {"customer", {{"name", "Alice"}, {"email", "a@example.com"}}}},
                        alice_);
        EXPECT_EQ(o.status, 201) << o.body;
        return o.json();
    }
    HttpResult pay(HttpClient& c, const std::string& orderId) {
        return c.request("POST", "/v1/orders/" + orderId + "/payment", "", auth(alice_));
    }
    HttpResult devWebhook(HttpClient& c, const std::string& body, const std::string& signature) {
        return c.request("POST", "/v1/payments/dev/webhook", body,
                         {"Content-Type: application/json", "Boxoffice-Signature: " + signature});
    }
    std::string devSign(const std::string& body) {
        payments::WebhookSignature s({kDevSecret}, clock_);
        return s.sign(body, clock_.nowMs() / 1000);
    }
    HttpResult stripeWebhook(HttpClient& c, const std::string& body, const std::string& signature) {
        return c.request("POST", "/v1/payments/stripe/webhook", body,
                         {"Content-Type: application/json; charset=utf-8", "Stripe-Signature: " + signature});
    }
    std::string orderStatus(HttpClient& c, const std::string& orderId) {
        return c.get("/v1/orders/" + orderId, {"Authorization: Bearer " + alice_}).json()["status"];
    }
    json records(HttpClient& c, const std::string& orderId) {
        auto r = c.get("/v1/orders/" + orderId + "/payments", {"Authorization: Bearer " + admin_});
        EXPECT_EQ(r.status, 200) << r.body;
        return r.json();
    }
    char seat(HttpClient& c, std::size_t pos) {
        clock_.advance(std::chrono::milliseconds(2));
        return c.get("/v1/shows/" + show_ + "/seatmap/availability").json()["statuses"].get<std::string>()[pos];
    }
    long long outboxCount(const std::string& orderId, const std::string& eventType) {
        long long n = -1;
        auto r = app_->app().database().run([&](soci::session& sql) {
            sql << "SELECT count(*) FROM outbox WHERE aggregate_id = :id AND event_type = :type", soci::use(orderId),
                soci::use(eventType), soci::into(n);
        });
        EXPECT_TRUE(r);
        return n;
    }

    FakeClock clock_;
    std::unique_ptr<TestApp> app_;
    std::string show_, alice_, admin_;
};

class DevPayments : public PaymentTest {
protected:
    void SetUp() override {
        start([](app::Config&) {});
    }
};

TEST_P(DevPayments, PaymentReferenceThenSignedCallbackConfirmsAndAReplayChangesNothing) {
    auto c = app_->client();
    const json o = order(c, {"FLOOR1-A-1", "FLOOR1-A-2"});
    const std::string orderId = o["orderId"];
    auto p = pay(c, orderId);
    ASSERT_EQ(p.status, 201) << p.body;
    const std::string paymentId = p.json()["paymentId"];
    EXPECT_EQ(p.json()["provider"], "dev");
    EXPECT_EQ(p.json()["amount"], 30000);
    EXPECT_EQ(p.json()["currency"], "EUR");
    EXPECT_EQ(p.json()["status"], "PENDING");
    EXPECT_FALSE(p.json()["clientSecret"].get<std::string>().empty());
    EXPECT_EQ(pay(c, orderId).json()["paymentId"], paymentId) << "one payment per order";

    const std::string body = intentEvent("evt_dev_1", "payment_intent.succeeded", paymentId, orderId, 30000).dump();
    auto w = devWebhook(c, body, devSign(body));
    ASSERT_EQ(w.status, 200) << w.body;
    EXPECT_EQ(w.json()["outcome"], "confirmed");
    EXPECT_EQ(w.json()["duplicate"], false);
    auto confirmed = c.get("/v1/orders/" + orderId, {"Authorization: Bearer " + alice_}).json();
    EXPECT_EQ(confirmed["status"], "CONFIRMED");
    ASSERT_EQ(confirmed["tickets"].size(), 2u);
    EXPECT_EQ(seat(c, 0), 'S');
    EXPECT_EQ(outboxCount(orderId, "order.confirmed"), 1);

    // The same event again (a provider retry): 200, nothing changes.
    auto again = devWebhook(c, body, devSign(body));
    ASSERT_EQ(again.status, 200) << again.body;
    EXPECT_EQ(again.json()["duplicate"], true);
    EXPECT_EQ(c.get("/v1/orders/" + orderId, {"Authorization: Bearer " + alice_}).json()["tickets"],
              confirmed["tickets"]);
    EXPECT_EQ(outboxCount(orderId, "order.confirmed"), 1);

    const json rec = records(c, orderId);
    ASSERT_EQ(rec["payments"].size(), 1u);
    EXPECT_EQ(rec["payments"][0]["status"], "SUCCEEDED");
    EXPECT_EQ(rec["payments"][0]["paymentId"], paymentId);
    ASSERT_EQ(rec["events"].size(), 1u);
    EXPECT_EQ(rec["events"][0]["eventId"], "evt_dev_1");
    EXPECT_EQ(rec["events"][0]["outcome"], "confirmed");
    // The dev default keeps confirm-payment (the load harness pays that way).
    auto conf = c.post("/v1/orders/" + orderId + "/confirm-payment", {{"paymentReference", "x"}}, alice_);
    EXPECT_EQ(conf.status, 200) << conf.body;
}

TEST_P(DevPayments, ConcurrentDeliveriesOfOneEventActOnce) {
    auto c = app_->client();
    const std::string orderId = order(c, {"FLOOR1-A-20", "FLOOR1-A-21"})["orderId"];
    const std::string paymentId = pay(c, orderId).json()["paymentId"];
    const std::string body = intentEvent("evt_race", "payment_intent.succeeded", paymentId, orderId, 30000).dump();
    const std::string signature = devSign(body);
    constexpr int kDeliveries = 8;
    std::vector<std::future<HttpResult>> results;
    for (int i = 0; i < kDeliveries; ++i)
        results.push_back(std::async(std::launch::async, [&] {
            HttpClient own(app_->port());
            return devWebhook(own, body, signature);
        }));
    int recorded = 0;
    for (auto& f : results) {
        auto r = f.get();
        ASSERT_EQ(r.status, 200) << r.body;
        if (!r.json()["duplicate"].get<bool>()) ++recorded;
    }
    EXPECT_EQ(recorded, 1) << "the event id is recorded once, whoever wins";
    EXPECT_EQ(orderStatus(c, orderId), "CONFIRMED");
    EXPECT_EQ(outboxCount(orderId, "order.confirmed"), 1);
    EXPECT_EQ(records(c, orderId)["events"].size(), 1u);
    EXPECT_EQ(c.get("/v1/orders/" + orderId, {"Authorization: Bearer " + alice_}).json()["tickets"].size(), 2u);
}

TEST_P(DevPayments, FailedPaymentFailsTheOrderAndFreesItsSeatsAtOnce) {
    auto c = app_->client();
    const std::string orderId = order(c, {"FLOOR1-B-1"})["orderId"];
    const std::string paymentId = pay(c, orderId).json()["paymentId"];
    EXPECT_EQ(seat(c, 50), 'H');
    const std::string body =
        intentEvent("evt_fail_1", "payment_intent.payment_failed", paymentId, orderId, 15000).dump();
    auto w = devWebhook(c, body, devSign(body));
    ASSERT_EQ(w.status, 200) << w.body;
    EXPECT_EQ(w.json()["outcome"], "failed");
    EXPECT_EQ(orderStatus(c, orderId), "FAILED");
    EXPECT_EQ(seat(c, 50), 'A') << "released at once, not at the window's end";
    EXPECT_EQ(outboxCount(orderId, "order.payment_failed"), 1);
    // Someone else can take the seat now.
    auto bob = c.request("POST", "/v1/holds", json{{"showId", show_}, {"seatIds", {"FLOOR1-B-1"}}}.dump(),
                         auth(app_->userToken("bob")));
    EXPECT_EQ(bob.status, 201) << bob.body;
    EXPECT_EQ(records(c, orderId)["payments"][0]["status"], "FAILED");
    // A failed order cannot be paid again.
    EXPECT_EQ(pay(c, orderId).status, 409);
}

TEST_P(DevPayments, BadWebhooksAreClear4xxAndStoreNothing) {
    auto c = app_->client();
    const std::string orderId = order(c, {"FLOOR1-C-1"})["orderId"];
    const std::string paymentId = pay(c, orderId).json()["paymentId"];
    const std::string body = intentEvent("evt_bad", "payment_intent.succeeded", paymentId, orderId, 15000).dump();
    struct Case {
        std::string name, body, signature;
        int status;
        std::string code;
    };
    payments::WebhookSignature wrong({"whsec_not_ours"}, clock_);
    std::string tampered = body;
    tampered.replace(tampered.find("15000"), 5, "00001");
    const long long now = clock_.nowMs() / 1000;
    const std::string unknownOrder =
        intentEvent("evt_unknown", "payment_intent.succeeded", "devpi_unknown", "no-such-order", 15000).dump();
    const std::string wrongAmount =
        intentEvent("evt_amount", "payment_intent.succeeded", paymentId, orderId, 14999).dump();
    const std::vector<Case> cases = {
        {"no signature", body, "", 400, "INVALID_SIGNATURE"},
        {"malformed header", body, "nonsense", 400, "INVALID_SIGNATURE"},
        {"wrong secret", body, wrong.sign(body, now), 400, "INVALID_SIGNATURE"},
        {"tampered body", tampered, devSign(body), 400, "INVALID_SIGNATURE"},
        {"stale", body, payments::WebhookSignature({kDevSecret}, clock_).sign(body, now - 301), 400,
         "INVALID_SIGNATURE"},
        {"garbled body", "{\"id\": nope", devSign("{\"id\": nope"), 400, "MALFORMED_JSON"},
        {"not an event", "{\"id\":\"evt\"}", devSign("{\"id\":\"evt\"}"), 422, "VALIDATION_FAILED"},
        {"unknown order", unknownOrder, devSign(unknownOrder), 404, "NOT_FOUND"},
        {"wrong amount", wrongAmount, devSign(wrongAmount), 422, "VALIDATION_FAILED"},
    };
    for (const auto& k : cases) {
        auto r = devWebhook(c, k.body, k.signature);
        EXPECT_EQ(r.status, k.status) << k.name << ": " << r.body;
        EXPECT_EQ(r.header("content-type"), "application/problem+json") << k.name;
        EXPECT_EQ(r.json().value("code", ""), k.code) << k.name << ": " << r.body;
    }
    // Over the body limit: refused by the edge before it is read.
    const std::string huge(70 * 1024, 'x');
    auto big = devWebhook(c, huge, devSign(huge));
    EXPECT_EQ(big.status, 413);
    // Stripe's endpoint is not configured with the dev provider.
    EXPECT_EQ(stripeWebhook(c, body, devSign(body)).status, 404);

    EXPECT_EQ(orderStatus(c, orderId), "PAYMENT_PENDING");
    const json rec = records(c, orderId);
    EXPECT_TRUE(rec["events"].empty()) << rec.dump();
    EXPECT_EQ(rec["payments"][0]["status"], "PENDING");
    EXPECT_TRUE(rec["refunds"].empty());
}

TEST_P(DevPayments, ALateSuccessWhoseSeatsAreStillFreeTakesThemBack) {
    auto c = app_->client();
    const std::string orderId = order(c, {"FLOOR1-D-5", "FLOOR1-D-6"})["orderId"];
    const std::string paymentId = pay(c, orderId).json()["paymentId"];
    clock_.advance(std::chrono::seconds(31));
    EXPECT_EQ(orderStatus(c, orderId), "EXPIRED");
    EXPECT_EQ(seat(c, 154), 'A');
    const std::string body = intentEvent("evt_reseat", "payment_intent.succeeded", paymentId, orderId, 30000).dump();
    auto w = devWebhook(c, body, devSign(body));
    ASSERT_EQ(w.status, 200) << w.body;
    EXPECT_EQ(w.json()["outcome"], "late_reseated");
    auto o = c.get("/v1/orders/" + orderId, {"Authorization: Bearer " + alice_}).json();
    EXPECT_EQ(o["status"], "CONFIRMED");
    EXPECT_EQ(o["tickets"].size(), 2u);
    EXPECT_EQ(seat(c, 154), 'S');
    EXPECT_EQ(seat(c, 155), 'S');
    EXPECT_EQ(outboxCount(orderId, "order.confirmed"), 1);
    EXPECT_TRUE(records(c, orderId)["refunds"].empty());
    // Nobody else can take them now, in the store or in SQL.
    auto bob = c.request("POST", "/v1/holds", json{{"showId", show_}, {"seatIds", {"FLOOR1-D-5"}}}.dump(),
                         auth(app_->userToken("bob")));
    EXPECT_EQ(bob.status, 409) << bob.body;
}

TEST_P(DevPayments, ALateSuccessWhoseSeatWasSoldAgainIsRefundedAutomatically) {
    auto c = app_->client();
    const std::string orderId = order(c, {"FLOOR1-D-1"})["orderId"];
    const std::string paymentId = pay(c, orderId).json()["paymentId"];
    clock_.advance(std::chrono::seconds(31));
    EXPECT_EQ(orderStatus(c, orderId), "EXPIRED");
    auto bob = c.request("POST", "/v1/holds", json{{"showId", show_}, {"seatIds", {"FLOOR1-D-1"}}}.dump(),
                         auth(app_->userToken("bob")));
    ASSERT_EQ(bob.status, 201) << bob.body;
    const std::string body = intentEvent("evt_late", "payment_intent.succeeded", paymentId, orderId, 15000).dump();
    auto w = devWebhook(c, body, devSign(body));
    ASSERT_EQ(w.status, 200) << w.body;
    EXPECT_EQ(w.json()["outcome"], "late_refunded");
    EXPECT_EQ(orderStatus(c, orderId), "EXPIRED");
    const json rec = records(c, orderId);
    ASSERT_EQ(rec["refunds"].size(), 1u) << rec.dump();
    EXPECT_EQ(rec["refunds"][0]["amount"], 15000);
    EXPECT_EQ(rec["refunds"][0]["reason"], "late_payment");
    EXPECT_EQ(rec["payments"][0]["status"], "SUCCEEDED");
    EXPECT_EQ(outboxCount(orderId, "order.late_payment_refunded"), 1);
    // Redelivered: no second refund.
    EXPECT_EQ(devWebhook(c, body, devSign(body)).json()["duplicate"], true);
    EXPECT_EQ(records(c, orderId)["refunds"].size(), 1u);
    // Counted: one late refund, one duplicate.
    HttpClient m(app_->app().metricsPort());
    MetricsText metrics(m.get("/metrics").body);
    EXPECT_EQ(metrics.sum("boxoffice_payment_events_total", {{"provider", "dev"}, {"outcome", "late_refunded"}}), 1);
    EXPECT_EQ(metrics.sum("boxoffice_payment_events_total", {{"provider", "dev"}, {"outcome", "duplicate"}}), 1);
}

TEST_P(DevPayments, EventsThatContradictWhatIsStoredChangeNothing) {
    auto c = app_->client();
    const std::string orderId = order(c, {"FLOOR1-B-30"})["orderId"];
    const std::string otherId = order(c, {"FLOOR1-B-31"})["orderId"];
    const std::string paymentId = pay(c, orderId).json()["paymentId"];
    const std::string paid = intentEvent("evt_ok", "payment_intent.succeeded", paymentId, orderId, 15000).dump();
    ASSERT_EQ(devWebhook(c, paid, devSign(paid)).json()["outcome"], "confirmed");

    // A failure reported after the success (a retry's attempt) leaves the order confirmed.
    const std::string late = intentEvent("evt_f", "payment_intent.payment_failed", paymentId, orderId, 15000).dump();
    auto f = devWebhook(c, late, devSign(late));
    ASSERT_EQ(f.status, 200) << f.body;
    EXPECT_EQ(f.json()["outcome"], "ignored_after_success");
    EXPECT_EQ(orderStatus(c, orderId), "CONFIRMED");

    // The payment belongs to one order: an event naming another is refused.
    const std::string swapped = intentEvent("evt_swap", "payment_intent.succeeded", paymentId, otherId, 15000).dump();
    EXPECT_EQ(devWebhook(c, swapped, devSign(swapped)).status, 422);
    EXPECT_EQ(orderStatus(c, otherId), "PAYMENT_PENDING");

    // More refunded than was paid is refused; an event type we do not act on is acknowledged.
    const json tooMuch = {
        {"id", "evt_r"},
        {"type", "charge.refunded"},
        {"data",
         {{"object",
           {{"id", "ch_1"}, {"amount_refunded", 15001}, {"currency", "eur"}, {"payment_intent", paymentId}}}}}};
    EXPECT_EQ(devWebhook(c, tooMuch.dump(), devSign(tooMuch.dump())).status, 422);
    const std::string other = R"({"id":"evt_o","type":"customer.created","data":{"object":{"id":"cus_1"}}})";
    auto o = devWebhook(c, other, devSign(other));
    ASSERT_EQ(o.status, 200) << o.body;
    EXPECT_EQ(o.json()["outcome"], "ignored");

    const json rec = records(c, orderId);
    ASSERT_EQ(rec["events"].size(), 2u) << rec.dump();  // evt_ok and evt_f
    EXPECT_EQ(rec["payments"][0]["status"], "SUCCEEDED");
    EXPECT_EQ(rec["payments"][0]["refundedAmount"], 0);
    EXPECT_TRUE(records(c, otherId)["events"].empty());
}

TEST_P(DevPayments, PaymentRecordsAreForAdminsAndPaymentsForTheOwner) {
    auto c = app_->client();
    const std::string orderId = order(c, {"FLOOR1-A-9"})["orderId"];
    EXPECT_EQ(c.get("/v1/orders/" + orderId + "/payments", {"Authorization: Bearer " + alice_}).status, 403);
    EXPECT_EQ(c.get("/v1/orders/no-such-order/payments", {"Authorization: Bearer " + admin_}).status, 404);
    EXPECT_EQ(c.request("POST", "/v1/orders/" + orderId + "/payment", "", auth(app_->userToken("mallory"))).status,
              404);
    EXPECT_EQ(c.request("POST", "/v1/orders/" + orderId + "/payment", "", {}).status, 401);
}

INSTANTIATE_TEST_SUITE_P(Stacks, DevPayments, ::testing::Values(Backend::Sqlite, Backend::Postgres),
                         [](const auto& p) { return backendName(p.param); });

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
