// Refunds over HTTP on the embedded default (SQLite), PostgreSQL, and PostgreSQL + Redis (the
// release of sold seats in the Lua scripts): by the show's policy for the buyer, any amount for an
// admin; tickets voided (the door refuses them), seats on sale again at once, one outbox event,
// and exactly one refund at the provider however many times or however concurrently it is asked.
#include <gtest/gtest.h>

#include <future>
#include <set>

#include <soci/soci.h>

#include "app/demo_seed.hpp"
#include "auth/jwt.hpp"
#include "storage/sql/sql_catalog_repository.hpp"
#include "support/fake_clock.hpp"
#include "support/metrics_text.hpp"
#include "support/test_app.hpp"
#include "util/random_id.hpp"
#include "util/rfc3339.hpp"

namespace boxoffice::testing {
namespace {

using nlohmann::json;

class RefundApi : public ::testing::TestWithParam<Backend> {
protected:
    void SetUp() override {
        app_ = std::make_unique<TestApp>(
            GetParam(),
            [](app::Config& c) {
                c.seatmapAvailabilityTtl = std::chrono::milliseconds(1);
                c.seatmapShowTtl = std::chrono::milliseconds(1);
            },
            &clock_);
        sql::SqlCatalogRepository repo(app_->app().database());
        util::RandomIdGenerator ids;
        auto demo = app::seedDemo(repo, clock_, ids, 200);  // FLOOR1, rows A-D of 50 seats, VIP 150.00 EUR
        ASSERT_TRUE(demo.ok()) << demo.error().detail << demo.error().internal;
        show_ = demo->show.id.str();
        hoursLeft_ = (demo->show.startsAt - clock_.nowMs()) / 3'600'000;
        ASSERT_GT(hoursLeft_, 48);
        alice_ = app_->userToken("alice");
        bob_ = app_->userToken("bob");
        admin_ = app_->adminToken();
        SystemClock clock;
        auth::JwtCodec jwt(TestApp::secret(), clock);
        staff_ = jwt.mint({"door-1", auth::Role::Staff, std::chrono::seconds(3600)});
    }

    std::vector<std::string> auth(const std::string& token) const {
        return {"Content-Type: application/json", "Authorization: Bearer " + token};
    }
    // Holds, orders and pays (confirm-payment, the dev provider's client path) `seats` as alice.
    json buy(HttpClient& c, const std::vector<std::string>& seats) {
        auto h = c.request("POST", "/v1/holds", json{{"showId", show_}, {"seatIds", seats}}.dump(), auth(alice_));
        EXPECT_EQ(h.status, 201) << h.body;
        auto o = c.post("/v1/orders",
                        {{"holdId", h.json()["holdId"]}, {"customer", {{"name", "Alice"}, {"email", "a@example.com"}}}},
                        alice_);
        EXPECT_EQ(o.status, 201) << o.body;
        const std::string id = o.json()["orderId"];
        auto paid = c.post("/v1/orders/" + id + "/confirm-payment", {{"paymentReference", "psp-" + id}}, alice_);
        EXPECT_EQ(paid.status, 200) << paid.body;
        return paid.json();
    }
    HttpResult refund(HttpClient& c, const std::string& orderId, const json& body, const std::string& token,
                      const std::string& idempotencyKey = "") {
        auto headers = auth(token);
        if (!idempotencyKey.empty()) headers.push_back("Idempotency-Key: " + idempotencyKey);
        return c.request("POST", "/v1/orders/" + orderId + "/refund", body.is_null() ? "" : body.dump(), headers);
    }
    // The policy relative to now: 100 % while more than `fullHours` are left, 50 % while more than 0.
    void setPolicy(HttpClient& c, json tiers) {
        auto r = c.request("PUT", "/v1/shows/" + show_ + "/refund-policy", json{{"tiers", tiers}}.dump(), auth(admin_));
        ASSERT_EQ(r.status, 200) << r.body;
    }
    json order(HttpClient& c, const std::string& id) {
        return c.get("/v1/orders/" + id, {"Authorization: Bearer " + alice_}).json();
    }
    char seat(HttpClient& c, std::size_t pos) {
        clock_.advance(std::chrono::milliseconds(2));
        return c.get("/v1/shows/" + show_ + "/seatmap/availability").json()["statuses"].get<std::string>()[pos];
    }
    json records(HttpClient& c, const std::string& orderId) {
        auto r = c.get("/v1/orders/" + orderId + "/payments", {"Authorization: Bearer " + admin_});
        EXPECT_EQ(r.status, 200) << r.body;
        return r.json();
    }
    long long count(const std::string& query, const std::string& arg) {
        long long n = -1;
        auto r = app_->app().database().run([&](soci::session& sql) { sql << query, soci::use(arg), soci::into(n); });
        EXPECT_TRUE(r);
        return n;
    }

    FakeClock clock_;
    std::unique_ptr<TestApp> app_;
    std::string show_, alice_, bob_, admin_, staff_;
    long long hoursLeft_ = 0;
};

TEST_P(RefundApi, AFullRefundVoidsTheTicketsAndPutsTheSeatsBackOnSaleAtOnce) {
    auto c = app_->client();
    const json bought = buy(c, {"FLOOR1-A-1", "FLOOR1-A-2"});
    const std::string id = bought["orderId"];
    ASSERT_EQ(bought["tickets"].size(), 2u);
    EXPECT_EQ(seat(c, 0), 'S');
    // The default policy (7d:100,24h:50): a month before the show, everything back.
    auto policy = c.get("/v1/shows/" + show_ + "/refund-policy");
    ASSERT_EQ(policy.status, 200) << policy.body;
    EXPECT_EQ(policy.json()["tiers"],
              json::parse(R"([{"hoursBefore":168,"percent":100},{"hoursBefore":24,"percent":50}])"));

    auto r = refund(c, id, nullptr, alice_);
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(r.json()["refund"]["amount"], 30000);
    EXPECT_EQ(r.json()["refund"]["percent"], 100);
    EXPECT_EQ(r.json()["refund"]["status"], "succeeded");
    EXPECT_EQ(r.json()["refund"]["seatIds"], json::parse(R"(["FLOOR1-A-1","FLOOR1-A-2"])"));
    EXPECT_EQ(r.json()["order"]["status"], "REFUNDED");
    EXPECT_EQ(order(c, id)["status"], "REFUNDED");
    EXPECT_TRUE(order(c, id)["tickets"].empty());

    // The door refuses the voided tickets; the seats are free in the store and in SQL.
    for (const auto& t : bought["tickets"]) {
        auto scan = c.post("/v1/checkins", {{"code", t["signedCode"]}}, staff_);
        EXPECT_EQ(scan.status, 409) << scan.body;
        EXPECT_EQ(scan.json()["code"], "TICKET_VOID");
    }
    EXPECT_EQ(seat(c, 0), 'A');
    EXPECT_EQ(seat(c, 1), 'A');
    auto bob = c.request("POST", "/v1/holds", json{{"showId", show_}, {"seatIds", {"FLOOR1-A-1", "FLOOR1-A-2"}}}.dump(),
                         auth(bob_));
    ASSERT_EQ(bob.status, 201) << bob.body;
    auto bobOrder =
        c.post("/v1/orders",
               {{"holdId", bob.json()["holdId"]}, {"customer", {{"name", "Bob"}, {"email", "b@example.com"}}}}, bob_);
    EXPECT_EQ(bobOrder.status, 201) << "SQL's guard lets the refunded seats be ordered again: " << bobOrder.body;

    EXPECT_EQ(count("SELECT count(*) FROM outbox WHERE aggregate_id = :id AND event_type = 'order.refunded'", id), 1);
    EXPECT_EQ(count("SELECT count(*) FROM tickets WHERE order_id = :id AND voided = 1", id), 2);
    const json rec = records(c, id);
    ASSERT_EQ(rec["refunds"].size(), 1u) << rec.dump();
    EXPECT_EQ(rec["refunds"][0]["amount"], 30000);
    EXPECT_EQ(rec["refunds"][0]["reason"], "requested_by_customer");
    EXPECT_EQ(rec["refunds"][0]["refundId"].get<std::string>().rfind("devre_", 0), 0u) << rec.dump();
    // Nothing is left to refund.
    auto again = refund(c, id, nullptr, alice_);
    EXPECT_EQ(again.status, 409) << again.body;
    EXPECT_EQ(again.header("content-type"), "application/problem+json");
    HttpClient m(app_->app().metricsPort());
    MetricsText metrics(m.get("/metrics").body);
    EXPECT_EQ(metrics.sum("boxoffice_order_transitions_total", {{"to", "REFUNDED"}}), 1);
}

TEST_P(RefundApi, PartialRefundsFollowTheShowsPolicyAndTheSameSeatsAgainAreTheSameRefund) {
    auto c = app_->client();
    const std::string id = buy(c, {"FLOOR1-B-1", "FLOOR1-B-2"})["orderId"];
    // 100 % only further out than the show is: the 50 % tier applies now.
    setPolicy(
        c, json::array({{{"hoursBefore", hoursLeft_ + 1}, {"percent", 100}}, {{"hoursBefore", 0}, {"percent", 50}}}));
    auto first = refund(c, id, {{"seatIds", {"FLOOR1-B-2"}}}, alice_);
    ASSERT_EQ(first.status, 200) << first.body;
    EXPECT_EQ(first.json()["refund"]["amount"], 7500);
    EXPECT_EQ(first.json()["refund"]["percent"], 50);
    EXPECT_EQ(first.json()["order"]["status"], "CONFIRMED");
    ASSERT_EQ(first.json()["order"]["tickets"].size(), 1u);
    EXPECT_EQ(first.json()["order"]["tickets"][0]["seatId"], "FLOOR1-B-1");
    EXPECT_EQ(seat(c, 50), 'S');
    EXPECT_EQ(seat(c, 51), 'A');

    // The same seat again (a retry without an Idempotency-Key): the same refund, not a second one.
    auto replay = refund(c, id, {{"seatIds", {"FLOOR1-B-2"}}}, alice_);
    ASSERT_EQ(replay.status, 200) << replay.body;
    EXPECT_EQ(replay.json()["refund"]["refundId"], first.json()["refund"]["refundId"]);
    EXPECT_EQ(records(c, id)["refunds"].size(), 1u);

    auto rest = refund(c, id, nullptr, alice_);
    ASSERT_EQ(rest.status, 200) << rest.body;
    EXPECT_EQ(rest.json()["refund"]["seatIds"], json::array({"FLOOR1-B-1"}));
    EXPECT_EQ(rest.json()["order"]["status"], "REFUNDED");
    EXPECT_EQ(records(c, id)["refunds"].size(), 2u);
    EXPECT_EQ(count("SELECT count(*) FROM outbox WHERE aggregate_id = :id AND event_type = 'order.refunded'", id), 2);
}

TEST_P(RefundApi, APolicyThatGivesNothingBackNowRefusesAndChangesNothing) {
    auto c = app_->client();
    const json bought = buy(c, {"FLOOR1-C-1"});
    const std::string id = bought["orderId"];
    setPolicy(c, json::array({{{"hoursBefore", hoursLeft_ + 1}, {"percent", 100}}}));
    auto r = refund(c, id, nullptr, alice_);
    EXPECT_EQ(r.status, 409) << r.body;
    EXPECT_EQ(r.json()["code"], "REFUND_NOT_ALLOWED");
    EXPECT_EQ(order(c, id)["status"], "CONFIRMED");
    EXPECT_EQ(order(c, id)["tickets"].size(), 1u);
    EXPECT_EQ(seat(c, 100), 'S');
    EXPECT_TRUE(records(c, id)["refunds"].empty());
    // An admin may still refund, any amount up to what was paid (but not more).
    auto tooMuch = refund(c, id, {{"amount", 15001}}, admin_);
    EXPECT_EQ(tooMuch.status, 422) << tooMuch.body;
    auto some = refund(c, id, {{"amount", 1000}}, admin_);
    ASSERT_EQ(some.status, 200) << some.body;
    EXPECT_EQ(some.json()["refund"]["amount"], 1000);
    EXPECT_EQ(some.json()["refund"]["reason"], "admin");
    EXPECT_EQ(some.json()["order"]["status"], "REFUNDED");
    EXPECT_EQ(seat(c, 100), 'A');
}

TEST_P(RefundApi, OthersAndBadRequestsGetClear4xxAndNothingChanges) {
    auto c = app_->client();
    const std::string id = buy(c, {"FLOOR1-C-10", "FLOOR1-C-11"})["orderId"];
    struct Case {
        std::string name;
        json body;
        std::string token;
        int status;
    };
    const std::vector<Case> cases = {
        {"another user's order", nullptr, bob_, 404},
        {"a buyer choosing the amount", {{"amount", 1}}, alice_, 403},
        {"a seat of another order", {{"seatIds", {"FLOOR1-D-1"}}}, alice_, 422},
        {"a seat twice", {{"seatIds", {"FLOOR1-C-10", "FLOOR1-C-10"}}}, alice_, 422},
        {"no seats", {{"seatIds", json::array()}}, alice_, 422},
        {"a seat that is not a string", {{"seatIds", {7}}}, alice_, 422},
        {"an unknown field", {{"everything", true}}, alice_, 422},
        {"a negative amount", {{"amount", -5}}, admin_, 422},
    };
    for (const auto& k : cases) {
        auto r = refund(c, id, k.body, k.token);
        EXPECT_EQ(r.status, k.status) << k.name << ": " << r.body;
        EXPECT_EQ(r.header("content-type"), "application/problem+json") << k.name;
    }
    auto garbled = c.request("POST", "/v1/orders/" + id + "/refund", "{\"seatIds\": [", auth(alice_));
    EXPECT_EQ(garbled.status, 400) << garbled.body;
    EXPECT_EQ(refund(c, "no-such-order", nullptr, alice_).status, 404);
    auto badPolicy = c.request("PUT", "/v1/shows/" + show_ + "/refund-policy",
                               R"({"tiers":[{"hoursBefore":24,"percent":150}]})", auth(admin_));
    EXPECT_EQ(badPolicy.status, 422) << badPolicy.body;
    EXPECT_EQ(c.request("PUT", "/v1/shows/" + show_ + "/refund-policy", R"({"tiers":[]})", auth(alice_)).status, 403);
    EXPECT_EQ(order(c, id)["status"], "CONFIRMED");
    EXPECT_EQ(order(c, id)["tickets"].size(), 2u);
    EXPECT_TRUE(records(c, id)["refunds"].empty());
}

TEST_P(RefundApi, ConcurrentRetriesOfOneRefundRefundOnce) {
    auto c = app_->client();
    const std::string id = buy(c, {"FLOOR1-D-10", "FLOOR1-D-11"})["orderId"];
    constexpr int kTries = 8;
    std::vector<std::future<HttpResult>> results;
    for (int i = 0; i < kTries; ++i)
        results.push_back(std::async(std::launch::async, [&] {
            HttpClient own(app_->port());
            return refund(own, id, {{"seatIds", {"FLOOR1-D-10", "FLOOR1-D-11"}}}, alice_);
        }));
    std::set<std::string> refundIds;
    for (auto& f : results) {
        auto r = f.get();
        ASSERT_EQ(r.status, 200) << r.body;
        refundIds.insert(r.json()["refund"]["refundId"].get<std::string>());
    }
    EXPECT_EQ(refundIds.size(), 1u) << "every retry learns the one refund";
    const json rec = records(c, id);
    ASSERT_EQ(rec["refunds"].size(), 1u) << rec.dump();
    EXPECT_EQ(rec["refunds"][0]["amount"], 30000);
    EXPECT_EQ(count("SELECT count(*) FROM outbox WHERE aggregate_id = :id AND event_type = 'order.refunded'", id), 1);
    EXPECT_EQ(order(c, id)["status"], "REFUNDED");

    // With an Idempotency-Key, the stored answer comes back.
    const std::string other = buy(c, {"FLOOR1-D-20"})["orderId"];
    auto once = refund(c, other, nullptr, alice_, "refund-key-1");
    ASSERT_EQ(once.status, 200) << once.body;
    auto twice = refund(c, other, nullptr, alice_, "refund-key-1");
    EXPECT_EQ(twice.status, 200) << twice.body;
    EXPECT_EQ(twice.json()["refund"]["refundId"], once.json()["refund"]["refundId"]);
    EXPECT_EQ(records(c, other)["refunds"].size(), 1u);
}

INSTANTIATE_TEST_SUITE_P(Stacks, RefundApi,
                         ::testing::Values(Backend::Sqlite, Backend::Postgres, Backend::PostgresRedis),
                         [](const auto& p) { return backendName(p.param); });

}  // namespace
}  // namespace boxoffice::testing
