// Payments over HTTP with the dev provider, on the embedded default (SQLite) and on PostgreSQL: the
// payment reference and its signed callback, FAILED orders and their seats, replayed and bad
// webhooks (4xx, nothing stored), late payments re-seated or refunded, the admin's records.
#include <future>
#include <thread>

#include "integration/payment_test_fixture.hpp"
#include "support/metrics_text.hpp"

namespace boxoffice::testing {
namespace {

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
    // The dev default keeps confirm-payment (for stacks whose webhook secret the harness is not given).
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

}  // namespace
}  // namespace boxoffice::testing
