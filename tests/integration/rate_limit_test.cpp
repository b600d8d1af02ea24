// Rate limits against real servers: the Lua script on the real redis-server (GCRA on Redis TIME,
// one hash-tagged key, a TTL so idle keys vanish), and the running service: 429 with Retry-After,
// RateLimit-Policy and RateLimit and a problem body; a show's override set by an admin (stored in
// SQL) changing the limit; non-admins and bad bodies refused; and failing open when Redis stops.
#include <gtest/gtest.h>

#include <soci/soci.h>

#include <chrono>
#include <future>
#include <thread>

#include "app/demo_seed.hpp"
#include "storage/redis/redis_batcher.hpp"
#include "storage/redis/redis_pool.hpp"
#include "storage/redis/redis_rate_limiter.hpp"
#include "storage/redis/redis_url.hpp"
#include "storage/sql/sql_catalog_repository.hpp"
#include "support/metrics_text.hpp"
#include "support/test_app.hpp"
#include "support/test_env.hpp"
#include "support/throwaway_redis.hpp"
#include "util/random_id.hpp"

namespace boxoffice::testing {
namespace {

using admission::Micros;
using admission::Policy;
using nlohmann::json;

std::string unique(const std::string& prefix) {
    return prefix + "-" + util::RandomIdGenerator().next().substr(0, 8);
}

redis::RedisOptions optionsFor(const std::string& url) {
    std::string err;
    redis::RedisOptions o;
    o.endpoint = *redis::parseRedisUrl(url, err);
    o.connectTimeout = std::chrono::milliseconds(300);
    o.commandTimeout = std::chrono::milliseconds(300);
    return o;
}

// The limiter answers on its batcher's thread; these tests wait for it.
std::vector<Result<admission::Decision>> checkAllNow(admission::RateLimiter& limiter,
                                                     std::vector<admission::LimitCheck> checks) {
    std::promise<std::vector<Result<admission::Decision>>> answered;
    auto future = answered.get_future();
    limiter.checkAll(std::move(checks), 0,
                     [&answered](std::vector<Result<admission::Decision>> r) { answered.set_value(std::move(r)); });
    return future.get();
}

Result<admission::Decision> checkNow(admission::RateLimiter& limiter, const std::string& key, const Policy& p) {
    return std::move(checkAllNow(limiter, {{key, p}}).front());
}

class RedisRateLimiterTest : public ::testing::Test {
protected:
    redis::RedisPool pool_{optionsFor(TestEnv::get().redisUrl), 1, std::chrono::milliseconds(500)};
    redis::RedisBatcher batcher_{optionsFor(TestEnv::get().redisUrl), 1};
    redis::RedisRateLimiter limiter_{batcher_};
};

TEST_F(RedisRateLimiterTest, TheBurstThenAnExactRetryAfterOnRedisTime) {
    const std::string key = unique("holds:u:alice");
    const Policy p{"holds-user", 3, std::chrono::seconds(60), 3};  // T = 20 s
    for (int i = 0; i < 3; ++i) {
        auto d = checkNow(limiter_, key, p);
        ASSERT_TRUE(d) << d.error().internal;
        EXPECT_TRUE(d->allowed) << i;
        EXPECT_EQ(d->remaining, 2 - i);
        EXPECT_EQ(d->limit, 3);
        EXPECT_GT(d->resetAfter, (i + 1) * 20'000'000 - 1'000'000);
        EXPECT_LE(d->resetAfter, (i + 1) * 20'000'000);
    }
    auto denied = checkNow(limiter_, key, p);
    ASSERT_TRUE(denied);
    EXPECT_FALSE(denied->allowed);
    EXPECT_EQ(denied->remaining, 0);
    // The next cell is due 20 s after the first request, which was a few ms ago.
    EXPECT_GT(denied->retryAfter, 19'000'000);
    EXPECT_LE(denied->retryAfter, 20'000'000);
    EXPECT_GT(denied->resetAfter, 59'000'000);

    // One key under one hash tag, with a TTL: Redis forgets it when its state is worth nothing.
    auto pttl = pool_.call({"PTTL", redis::RedisRateLimiter::redisKey(key)});
    ASSERT_TRUE(pttl);
    EXPECT_GT(pttl->integer, 59'000);
    EXPECT_LE(pttl->integer, 60'001);
    EXPECT_EQ(redis::RedisRateLimiter::redisKey("holds:u:5:alice"), "bx:rl:{holds:u:5:alice}");
}

TEST_F(RedisRateLimiterTest, AnIdleKeyVanishesAndItsBudgetIsWhole) {
    const std::string key = unique("reads:ip:192.0.2.1");
    const Policy p{"reads-ip", 2, std::chrono::seconds(1), 2};
    ASSERT_TRUE(checkNow(limiter_, key, p)->allowed);
    ASSERT_TRUE(checkNow(limiter_, key, p)->allowed);
    EXPECT_FALSE(checkNow(limiter_, key, p)->allowed);
    std::this_thread::sleep_for(std::chrono::milliseconds(1'100));
    auto exists = pool_.call({"EXISTS", redis::RedisRateLimiter::redisKey(key)});
    ASSERT_TRUE(exists);
    EXPECT_EQ(exists->integer, 0);
    auto again = checkNow(limiter_, key, p);
    EXPECT_TRUE(again->allowed);
    EXPECT_EQ(again->remaining, 1);
}

TEST_F(RedisRateLimiterTest, AUserAndAnAddressInOneRoundTrip) {
    const std::string user = unique("holds:u:bob"), ip = unique("holds:ip:192.0.2.2");
    // Warm: the first use may LOAD the script (NOSCRIPT) in one more exchange.
    (void)checkNow(limiter_, unique("warm"), Policy{"w", 1, std::chrono::seconds(1), 1});
    const auto warm = batcher_.stats();
    auto both = checkAllNow(limiter_, {{user, Policy{"holds-user", 1, std::chrono::seconds(10), 1}},
                                       {ip, Policy{"holds-ip", 5, std::chrono::seconds(10), 5}}});
    const auto after = batcher_.stats();
    EXPECT_EQ(after.batches - warm.batches, 1u) << "both keys in one pipeline";
    EXPECT_EQ(after.submitted - warm.submitted, 2u);
    ASSERT_EQ(both.size(), 2u);
    ASSERT_TRUE(both[0] && both[1]);
    EXPECT_EQ(both[0]->remaining, 0);
    EXPECT_EQ(both[1]->remaining, 4);
    EXPECT_FALSE(checkNow(limiter_, user, Policy{"holds-user", 1, std::chrono::seconds(10), 1})->allowed);
}

TEST(RedisRateLimiterDown, AStoppedRedisIsAnErrorWithinTheDeadlineNeverAThrow) {
    ThrowawayRedis server;
    auto options = optionsFor(server.url());
    options.commandTimeout = std::chrono::milliseconds(200);
    redis::RedisBatcher batcher(options, 1);
    redis::RedisRateLimiter limiter(batcher);
    const Policy p{"holds-user", 5, std::chrono::seconds(1), 5};
    ASSERT_TRUE(checkNow(limiter, "k", p));
    server.stop();
    const auto start = std::chrono::steady_clock::now();
    auto r = checkNow(limiter, "k", p);
    EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(2));
    ASSERT_FALSE(r);
    EXPECT_TRUE(r.error().code == ErrorCode::DependencyUnavailable || r.error().code == ErrorCode::DependencyTimeout);
}

// The service over HTTP, on the embedded default and on PostgreSQL + Redis.
class RateLimitApi : public ::testing::TestWithParam<Backend> {
protected:
    void SetUp() override {
        app_ = std::make_unique<TestApp>(GetParam(), [](app::Config& c) {
            auto& holds = c.rateLimit.budgets[static_cast<std::size_t>(admission::Budget::Holds)];
            holds.perUser = {3, std::chrono::seconds(60)};
        });
        sql::SqlCatalogRepository repo(app_->app().database());
        SystemClock clock;
        util::RandomIdGenerator ids;
        auto demo = app::seedDemo(repo, clock, ids, 200);
        ASSERT_TRUE(demo.ok()) << demo.error().detail;
        show_ = demo->show.id.str();
        // Users of their own: the shared Redis keeps budgets across tests and runs.
        alice_ = app_->userToken(unique("alice"));
        bob_ = app_->userToken(unique("bob"));
    }

    HttpResult hold(HttpClient& c, const std::string& token, const std::string& seat) {
        return c.request("POST", "/v1/holds", json{{"showId", show_}, {"seatIds", {seat}}}.dump(),
                         {"Content-Type: application/json", "Authorization: Bearer " + token});
    }
    HttpResult putLimits(HttpClient& c, const std::string& token, const std::string& body,
                         const std::string& show = "") {
        return c.request("PUT", "/v1/shows/" + (show.empty() ? show_ : show) + "/rate-limits", body,
                         {"Content-Type: application/json", "Authorization: Bearer " + token});
    }

    std::unique_ptr<TestApp> app_;
    std::string show_, alice_, bob_;
};

TEST_P(RateLimitApi, TheFourthHoldOfAMinuteIs429WithTheHeadersAndAProblem) {
    auto c = app_->client();
    for (int i = 1; i <= 3; ++i) {
        auto h = hold(c, alice_, "FLOOR1-A-" + std::to_string(i));
        ASSERT_EQ(h.status, 201) << h.body;
        EXPECT_NE(h.header("ratelimit-policy").find("\"holds-user\";q=3;w=60"), std::string::npos)
            << h.header("ratelimit-policy");
        EXPECT_EQ(h.header("ratelimit").rfind("\"holds-user\";r=" + std::to_string(3 - i) + ";t=", 0), 0u)
            << h.header("ratelimit");
    }
    auto limited = hold(c, alice_, "FLOOR1-A-4");
    ASSERT_EQ(limited.status, 429) << limited.body;
    EXPECT_EQ(limited.header("content-type"), "application/problem+json");
    const int retryAfter = std::stoi(limited.header("retry-after"));
    EXPECT_GE(retryAfter, 19);
    EXPECT_LE(retryAfter, 20);
    EXPECT_EQ(limited.header("ratelimit").rfind("\"holds-user\";r=0;t=", 0), 0u) << limited.header("ratelimit");
    auto body = limited.json();
    EXPECT_EQ(body["code"], "RATE_LIMITED");
    EXPECT_EQ(body["status"], 429);
    EXPECT_EQ(body["type"], "https://boxoffice.dev/problems/RATE_LIMITED");
    EXPECT_EQ(body["requestId"], limited.header("x-request-id"));
    // The seat was never held: the limit answered before the store was asked.
    auto seats = c.get("/v1/shows/" + show_ + "/seatmap/availability").json()["statuses"].get<std::string>();
    EXPECT_EQ(seats[3], 'A');
    // Reads are another budget; and another user is not affected.
    auto read = c.get("/v1/shows/" + show_);
    EXPECT_EQ(read.status, 200);
    EXPECT_NE(read.header("ratelimit-policy").find("\"reads-ip\""), std::string::npos);
    EXPECT_EQ(hold(c, bob_, "FLOOR1-B-1").status, 201);
    // Probes are never limited and carry no quota.
    auto health = c.get("/healthz");
    EXPECT_EQ(health.status, 200);
    EXPECT_TRUE(health.header("ratelimit").empty());
}

TEST_P(RateLimitApi, AnAdminOverridesTheShowsLimitDurably) {
    auto c = app_->client();
    const std::string admin = app_->adminToken();
    auto set = putLimits(c, admin, R"({"holds":{"perUser":{"limit":1,"windowSeconds":30}}})");
    ASSERT_EQ(set.status, 200) << set.body;
    EXPECT_EQ(set.json()["effective"]["holds"]["perUser"],
              json({{"limit", 1}, {"windowSeconds", 30}, {"source", "show"}}));
    EXPECT_EQ(set.json()["effective"]["holds"]["perIp"]["source"], "default");
    EXPECT_EQ(set.json()["updatedBy"], "admin-1");
    auto got = c.get("/v1/shows/" + show_ + "/rate-limits", {"Authorization: Bearer " + admin});
    ASSERT_EQ(got.status, 200) << got.body;
    EXPECT_EQ(got.json()["overrides"], json::parse(R"({"holds":{"perUser":{"limit":1,"windowSeconds":30}}})"));

    auto first = hold(c, bob_, "FLOOR1-C-1");
    ASSERT_EQ(first.status, 201) << first.body;
    EXPECT_NE(first.header("ratelimit-policy").find("\"holds-user\";q=1;w=30"), std::string::npos)
        << first.header("ratelimit-policy");
    auto second = hold(c, bob_, "FLOOR1-C-2");
    ASSERT_EQ(second.status, 429) << second.body;
    EXPECT_GE(std::stoi(second.header("retry-after")), 29);

    // In SQL, so every replica (and a restart) sees it.
    long long limit = 0, window = 0;
    auto read = app_->app().database().run([&](soci::session& s) {
        s << "SELECT limit_count, window_ms FROM show_rate_limits WHERE show_id = :s AND budget = 'holds' AND "
             "scope = 'user'",
            soci::use(show_), soci::into(limit), soci::into(window);
    });
    ASSERT_TRUE(read) << read.error().internal;
    EXPECT_EQ(limit, 1);
    EXPECT_EQ(window, 30'000);

    // Removing the override gives the show back the default budget.
    auto cleared = putLimits(c, admin, "{}");
    ASSERT_EQ(cleared.status, 200) << cleared.body;
    EXPECT_EQ(cleared.json()["overrides"], json::object());
    EXPECT_EQ(cleared.json()["effective"]["holds"]["perUser"]["limit"], 3);
    EXPECT_EQ(hold(c, bob_, "FLOOR1-C-3").status, 201);
}

TEST_P(RateLimitApi, OnlyAdminsSetLimitsAndOnlyValidOnes) {
    auto c = app_->client();
    const std::string admin = app_->adminToken();
    const std::string good = R"({"holds":{"perUser":{"limit":1,"windowSeconds":30}}})";
    EXPECT_EQ(putLimits(c, alice_, good).status, 403);
    EXPECT_EQ(c.request("PUT", "/v1/shows/" + show_ + "/rate-limits", good, {"Content-Type: application/json"}).status,
              401);
    EXPECT_EQ(c.get("/v1/shows/" + show_ + "/rate-limits", {"Authorization: Bearer " + alice_}).status, 403);
    for (const char* bad :
         {R"({"holds":{"perUser":{"limit":0,"windowSeconds":30}}})", R"({"holds":{"perUser":{"limit":1}}})",
          R"({"tickets":{}})", R"({"holds":{"perUser":{"limit":1,"windowSeconds":99999}}})"}) {
        auto r = putLimits(c, admin, bad);
        EXPECT_EQ(r.status, 422) << bad << " " << r.body;
        EXPECT_EQ(r.header("content-type"), "application/problem+json");
        EXPECT_EQ(r.json()["code"], "VALIDATION_FAILED");
    }
    EXPECT_EQ(putLimits(c, admin, "{not json").status, 400);
    auto missing = putLimits(c, admin, good, "00000000-0000-4000-8000-000000000000");
    EXPECT_EQ(missing.status, 404) << missing.body;
    EXPECT_EQ(
        c.get("/v1/shows/00000000-0000-4000-8000-000000000000/rate-limits", {"Authorization: Bearer " + admin}).status,
        404);
    // Nothing was stored by any of these.
    auto got = c.get("/v1/shows/" + show_ + "/rate-limits", {"Authorization: Bearer " + admin});
    EXPECT_EQ(got.json()["overrides"], json::object());
}

INSTANTIATE_TEST_SUITE_P(Backends, RateLimitApi, ::testing::Values(Backend::Sqlite, Backend::PostgresRedis),
                         [](const auto& p) { return backendName(p.param); });

TEST(RateLimitFailOpen, WhenRedisStopsRequestsPassAndAreCounted) {
    ThrowawayRedis server;
    TestApp app(Backend::PostgresRedis, [&server](app::Config& c) {
        c.redis.url = server.url();
        c.redis.commandTimeout = std::chrono::milliseconds(200);
        c.redis.poolWait = std::chrono::milliseconds(200);
        auto& reads = c.rateLimit.budgets[static_cast<std::size_t>(admission::Budget::Reads)];
        reads.perUser = {2, std::chrono::seconds(60)};
        reads.perIp = {1000, std::chrono::seconds(60)};
    });
    auto c = app.client();
    const std::vector<std::string> alice{"Authorization: Bearer " + app.userToken("alice")};
    const std::vector<std::string> bob{"Authorization: Bearer " + app.userToken("bob")};
    EXPECT_EQ(c.get("/v1/events", alice).status, 200);
    EXPECT_EQ(c.get("/v1/events", alice).status, 200);
    EXPECT_EQ(c.get("/v1/events", alice).status, 429) << "the limiter works while Redis is up";
    server.stop();
    // A refusal already known stays one until its retry-after: it needs no Redis.
    auto refused = c.get("/v1/events", alice);
    EXPECT_EQ(refused.status, 429) << refused.body;
    EXPECT_FALSE(refused.header("retry-after").empty());
    // Nothing else is known: every request passes, with no quota claimed.
    for (int i = 0; i < 5; ++i) {
        auto r = c.get("/v1/events", bob);
        EXPECT_EQ(r.status, 200) << r.body;  // never a 5xx, never a 429 for want of a decision
        EXPECT_TRUE(r.header("ratelimit").empty());
    }
    HttpClient m(app.app().metricsPort());
    MetricsText metrics(m.get("/metrics").body);
    EXPECT_GE(metrics.sum("boxoffice_rate_limit_fail_open_total", {{"budget", "reads"}, {"scope", "user"}}), 5);
    EXPECT_GE(metrics.sum("boxoffice_rate_limit_fail_open_total", {{"budget", "reads"}, {"scope", "ip"}}), 5);
    EXPECT_EQ(metrics.sum("boxoffice_rate_limit_decisions_total",
                          {{"budget", "reads"}, {"scope", "user"}, {"outcome", "limited"}}),
              2);
    EXPECT_EQ(metrics.sum("boxoffice_rate_limit_decisions_total",
                          {{"budget", "reads"}, {"scope", "user"}, {"outcome", "allowed"}}),
              2);
}

}  // namespace
}  // namespace boxoffice::testing
