#pragma once
// The fixture of the payment tests over HTTP (dev_payment_api_test.cpp, stripe_payment_api_test.cpp):
// the service on SQLite or PostgreSQL with a fake clock, the demo show, alice and an admin, and the
// steps every payment test takes (hold and order, pay, a signed webhook, the records, a seat's status).
#include <gtest/gtest.h>

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include <soci/soci.h>

#include "app/demo_seed.hpp"
#include "payments/webhook_signature.hpp"
#include "storage/sql/sql_catalog_repository.hpp"
#include "support/fake_clock.hpp"
#include "support/test_app.hpp"
#include "util/random_id.hpp"

namespace boxoffice::testing {

using nlohmann::json;

inline constexpr const char* kDevSecret = "whsec_dev_test_secret_0123456789";
inline constexpr const char* kStripeNew = "whsec_stripe_new_0123456789";
inline constexpr const char* kStripeOld = "whsec_stripe_old_0123456789";

inline json intentEvent(const std::string& eventId, const std::string& type, const std::string& paymentId,
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

}  // namespace boxoffice::testing
