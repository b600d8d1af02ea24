// Observability of the real application over real sockets: /metrics on its own port, RED counters
// by route template (never by id), business and dependency counters moving with real requests,
// sampled gauges, the JSON access log (fields present, secrets absent) and traceparent carried
// into the outbox.
#include <gtest/gtest.h>
#include <unistd.h>

#include <fstream>
#include <thread>

#include <soci/soci.h>

#include "app/demo_seed.hpp"
#include "storage/sql/sql_catalog_repository.hpp"
#include "support/metrics_text.hpp"
#include "support/test_app.hpp"
#include "support/test_env.hpp"
#include "util/random_id.hpp"

namespace boxoffice::testing {
namespace {

using nlohmann::json;

constexpr const char* kTraceparent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

class Observability : public ::testing::TestWithParam<Backend> {
protected:
    void SetUp() override {
        app_ = std::make_unique<TestApp>(GetParam(), [](app::Config& c) {
            c.metrics.sampleInterval = std::chrono::milliseconds(100);
            c.seatmapAvailabilityTtl = std::chrono::milliseconds(1);
        });
        sql::SqlCatalogRepository repo(app_->app().database());
        util::RandomIdGenerator ids;
        SystemClock clock;
        auto demo = app::seedDemo(repo, clock, ids, 200);
        ASSERT_TRUE(demo.ok()) << demo.error().detail;
        show_ = demo->show.id.str();
        alice_ = app_->userToken("alice");
        bob_ = app_->userToken("bob");
    }

    MetricsText scrape() {
        HttpClient m(app_->app().metricsPort());
        auto r = m.get("/metrics");
        EXPECT_EQ(r.status, 200);
        return MetricsText(r.body);
    }
    HttpResult hold(HttpClient& c, const std::string& token, const std::vector<std::string>& seats,
                    std::vector<std::string> headers = {}) {
        headers.push_back("Content-Type: application/json");
        headers.push_back("Authorization: Bearer " + token);
        return c.request("POST", "/v1/holds", json{{"showId", show_}, {"seatIds", seats}}.dump(), headers);
    }

    std::unique_ptr<TestApp> app_;
    std::string show_, alice_, bob_;
};

TEST_P(Observability, MetricsListenOnTheirOwnPortOnly) {
    ASSERT_GT(app_->app().metricsPort(), 0);
    EXPECT_NE(app_->app().metricsPort(), app_->port());
    auto c = app_->client();
    EXPECT_EQ(c.get("/metrics").status, 404);
    auto m = scrape();
    EXPECT_EQ(m.count("boxoffice_build_info"), 1);
    EXPECT_EQ(m.sum("boxoffice_build_info", {{"version", BOXOFFICE_VERSION}}), 1);
    EXPECT_GT(m.sum("process_resident_memory_bytes"), 0);
    EXPECT_GT(m.sum("process_open_fds"), 0);
    EXPECT_GT(m.sum("process_threads"), 1);
    EXPECT_GE(m.sum("process_cpu_seconds_total"), 0);
}

TEST_P(Observability, CountersMoveByRouteTemplate) {
    auto before = scrape();
    auto c = app_->client();
    auto held = hold(c, alice_, {"FLOOR1-A-1", "FLOOR1-A-2"});
    ASSERT_EQ(held.status, 201) << held.body;
    ASSERT_EQ(hold(c, bob_, {"FLOOR1-A-2"}).status, 409);
    ASSERT_EQ(hold(c, bob_, {"NO-SUCH-SEAT"}).status, 422);
    for (int i = 0; i < 2; ++i) ASSERT_EQ(hold(c, bob_, {"FLOOR1-B-1"}, {"Idempotency-Key: replay-1"}).status, 201);
    const std::string unknownOrder = "6f0c1b0e-0000-4000-8000-000000000001";
    ASSERT_EQ(c.get("/v1/orders/" + unknownOrder, {"Authorization: Bearer " + alice_}).status, 404);
    ASSERT_EQ(c.get("/v1/no/such/route").status, 404);

    auto order = c.post("/v1/orders",
                        {{"holdId", held.json()["holdId"]},
                         {"customer", {{"name", "Alice"}, {"email", "alice@example.com"}, {"phone", "+33 1 23"}}}},
                        alice_);
    ASSERT_EQ(order.status, 201) << order.body;
    const std::string orderId = order.json()["orderId"];
    ASSERT_EQ(c.post("/v1/orders/" + orderId + "/confirm-payment", {{"paymentReference", "psp-1"}}, alice_).status,
              200);

    auto after = scrape();
    auto delta = [&](const std::string& name, const std::map<std::string, std::string>& labels) {
        return after.sum(name, labels) - before.sum(name, labels);
    };
    EXPECT_EQ(delta("boxoffice_holds_total", {{"outcome", "held"}}), 3);  // the replay answers 201 too
    EXPECT_EQ(delta("boxoffice_holds_total", {{"outcome", "conflict"}}), 1);
    EXPECT_EQ(delta("boxoffice_holds_total", {{"outcome", "invalid"}}), 1);
    EXPECT_EQ(delta("boxoffice_holds_total", {{"outcome", "error"}}), 0);
    EXPECT_EQ(delta("boxoffice_http_requests_total", {{"route", "/v1/holds"}, {"method", "POST"}, {"code", "201"}}), 3);
    EXPECT_EQ(delta("boxoffice_http_requests_total", {{"route", "/v1/holds"}, {"code", "409"}}), 1);
    EXPECT_EQ(
        delta("boxoffice_http_requests_total", {{"route", "/v1/orders/{id}"}, {"method", "GET"}, {"code", "404"}}), 1);
    EXPECT_EQ(delta("boxoffice_http_requests_total",
                    {{"route", "/v1/orders/{id}/confirm-payment"}, {"method", "POST"}, {"code", "200"}}),
              1);
    EXPECT_EQ(delta("boxoffice_http_requests_total", {{"route", "unmatched"}, {"code", "404"}}), 1);
    EXPECT_EQ(delta("boxoffice_http_request_duration_seconds_count", {{"route", "/v1/holds"}, {"method", "POST"}}), 5);
    EXPECT_EQ(after.sum("boxoffice_http_request_duration_seconds_bucket",
                        {{"route", "/v1/holds"}, {"method", "POST"}, {"le", "+Inf"}}),
              after.sum("boxoffice_http_request_duration_seconds_count", {{"route", "/v1/holds"}, {"method", "POST"}}));
    EXPECT_EQ(delta("boxoffice_idempotent_replays_total", {}), 1);
    EXPECT_EQ(delta("boxoffice_order_transitions_total", {{"to", "PAYMENT_PENDING"}}), 1);
    EXPECT_EQ(delta("boxoffice_order_transitions_total", {{"to", "CONFIRMED"}}), 1);
    EXPECT_EQ(after.sum("boxoffice_oversell_guard_hits_total"), 0);
    EXPECT_EQ(after.sum("boxoffice_http_requests_in_flight"), 0);

    const std::string db = GetParam() == Backend::Sqlite ? "sqlite" : "postgresql";
    EXPECT_GE(delta("boxoffice_dependency_request_duration_seconds_count",
                    {{"dependency", db}, {"operation", "order_create"}}),
              1);
    // Keys of holds are kept where the holds are (Redis when configured), keys of orders in SQL.
    const auto claims = [&](const std::string& dependency) {
        return delta("boxoffice_dependency_request_duration_seconds_count",
                     {{"dependency", dependency}, {"operation", "idempotency_claim"}});
    };
    if (GetParam() == Backend::PostgresRedis) {
        EXPECT_GE(claims("redis"), 2);
        EXPECT_EQ(claims(db), 0) << "a hold never waits on SQL";
    } else {
        EXPECT_GE(claims(db), 2);
    }
    const std::string holds = GetParam() == Backend::PostgresRedis ? "redis" : "memory";
    EXPECT_GE(
        delta("boxoffice_dependency_request_duration_seconds_count", {{"dependency", holds}, {"operation", "hold"}}),
        3);

    // Never an id in a label: only templates.
    for (const auto& s : after.samples())
        for (const auto& [k, v] : s.labels) {
            EXPECT_EQ(v.find(orderId), std::string::npos) << s.name << " " << k;
            EXPECT_EQ(v.find(unknownOrder), std::string::npos) << s.name << " " << k;
        }
}

TEST_P(Observability, SampledGaugesFollowTheSale) {
    auto c = app_->client();
    ASSERT_EQ(hold(c, alice_, {"FLOOR1-C-1", "FLOOR1-C-2", "FLOOR1-C-3"}).status, 201);
    app_->app().metricsSampler().sampleOnce();
    auto m = scrape();
    EXPECT_EQ(m.sum("boxoffice_show_seats", {{"show", show_}, {"state", "held"}}), 3);
    EXPECT_EQ(m.sum("boxoffice_show_seats", {{"show", show_}, {"state", "available"}}), 197);
    EXPECT_EQ(m.sum("boxoffice_show_seats", {{"show", show_}, {"state", "sold"}}), 0);
    const std::string db = GetParam() == Backend::Sqlite ? "sqlite" : "postgresql";
    EXPECT_EQ(m.sum("boxoffice_dependency_up", {{"dependency", db}}), 1);
    EXPECT_EQ(m.sum("boxoffice_pool_connections", {{"dependency", db}}), 4);
    EXPECT_GE(m.sum("boxoffice_pool_acquisitions_total", {{"dependency", db}}), 1);
    if (GetParam() == Backend::PostgresRedis) {
        EXPECT_EQ(m.sum("boxoffice_dependency_up", {{"dependency", "redis"}}), 1);
    }
    EXPECT_EQ(m.sum("boxoffice_outbox_depth"), 0);
    EXPECT_EQ(m.sum("boxoffice_sweeper_lag_seconds"), 0);
    EXPECT_EQ(m.count("boxoffice_sweeper_last_run_timestamp_seconds"), 1);
}

INSTANTIATE_TEST_SUITE_P(Backends, Observability,
                         ::testing::Values(Backend::Sqlite, Backend::Postgres, Backend::PostgresRedis),
                         [](const auto& p) { return backendName(p.param); });

// stderr of this process, captured while `fn` runs (the access log is written after the answer
// went out, so wait for the line a little).
std::string captureStderr(const std::function<void()>& fn, const std::string& until) {
    char path[] = "/tmp/boxoffice-log-XXXXXX";
    const int fd = ::mkstemp(path);
    std::fflush(stderr);
    const int saved = ::dup(2);
    ::dup2(fd, 2);
    fn();
    std::string text;
    for (int i = 0; i < 100; ++i) {
        std::ifstream in(path);
        text.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
        if (text.find(until) != std::string::npos) break;
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    std::fflush(stderr);
    ::dup2(saved, 2);
    ::close(saved);
    ::close(fd);
    ::unlink(path);
    return text;
}

TEST(ObservabilityLogs, AccessLogIsJsonWithoutSecretsAndTraceparentReachesTheOutbox) {
    TestApp app(Backend::Postgres);
    sql::SqlCatalogRepository repo(app.app().database());
    util::RandomIdGenerator ids;
    SystemClock clock;
    auto demo = app::seedDemo(repo, clock, ids, 50);
    ASSERT_TRUE(demo.ok());
    const std::string token = app.userToken("carol");
    auto c = app.client();
    auto h = c.request("POST", "/v1/holds", json{{"showId", demo->show.id.str()}, {"seatIds", {"FLOOR1-A-1"}}}.dump(),
                       {"Content-Type: application/json", "Authorization: Bearer " + token});
    ASSERT_EQ(h.status, 201);
    std::string orderId;
    const std::string log = captureStderr(
        [&] {
            auto o = c.request(
                "POST", "/v1/orders",
                json{{"holdId", h.json()["holdId"]},
                     {"customer", {{"name", "Carol"}, {"email", "carol.secret@example.com"}, {"phone", "+33 699"}}}}
                    .dump(),
                {"Content-Type: application/json", "Authorization: Bearer " + token,
                 std::string("traceparent: ") + kTraceparent, "X-Request-Id: req-observability-1"});
            ASSERT_EQ(o.status, 201) << o.body;
            orderId = o.json()["orderId"];
            auto p = c.request("POST", "/v1/orders/" + orderId + "/confirm-payment",
                               json{{"paymentReference", "psp-card-4242"}}.dump(),
                               {"Content-Type: application/json", "Authorization: Bearer " + token,
                                "X-Request-Id: req-observability-2"});
            ASSERT_EQ(p.status, 200) << p.body;
        },
        "req-observability-2");

    json orderLine, confirmLine;
    std::istringstream lines(log);
    for (std::string line; std::getline(lines, line);) {
        if (line.empty()) continue;
        json j = json::parse(line);  // every line is one JSON object
        for (const char* k : {"ts", "level", "msg"}) EXPECT_TRUE(j.contains(k)) << line;
        if (j.value("requestId", "") == "req-observability-1") orderLine = j;
        if (j.value("requestId", "") == "req-observability-2") confirmLine = j;
    }
    ASSERT_FALSE(orderLine.is_null()) << log;
    ASSERT_FALSE(confirmLine.is_null()) << log;
    EXPECT_EQ(orderLine["route"], "/v1/orders");
    EXPECT_EQ(orderLine["status"], 201);
    EXPECT_EQ(orderLine["userId"], "carol");
    EXPECT_EQ(orderLine["traceId"], "4bf92f3577b34da6a3ce929d0e0e4736");
    EXPECT_TRUE(orderLine["latencyMs"].is_number());
    EXPECT_EQ(confirmLine["route"], "/v1/orders/{id}/confirm-payment");
    EXPECT_FALSE(confirmLine.contains("traceId"));
    // Never tokens, e-mails or payment data.
    EXPECT_EQ(log.find(token), std::string::npos);
    EXPECT_EQ(log.find(token.substr(0, 20)), std::string::npos);
    EXPECT_EQ(log.find("carol.secret@example.com"), std::string::npos);
    EXPECT_EQ(log.find("psp-card-4242"), std::string::npos);
    EXPECT_EQ(log.find("+33 699"), std::string::npos);

    // The order's outbox message carries the caller's trace context.
    std::string headers;
    auto r = app.app().database().run([&](soci::session& sql) {
        sql << "SELECT headers FROM outbox WHERE aggregate_id = :id AND event_type = 'order.created'",
            soci::use(orderId), soci::into(headers);
    });
    ASSERT_TRUE(r.ok()) << r.error().internal;
    EXPECT_EQ(json::parse(headers).value("traceparent", ""), kTraceparent);
}

}  // namespace
}  // namespace boxoffice::testing
