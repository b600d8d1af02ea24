// Booking on the deployed stack with Redis unreachable: holds fail fast with a 503 and a
// Retry-After, the catalog still answers, and readiness names what is down.
#include <gtest/gtest.h>

#include <chrono>
#include <string>

#include "app/demo_seed.hpp"
#include "storage/sql/sql_catalog_repository.hpp"
#include "support/fake_clock.hpp"
#include "support/test_app.hpp"
#include "util/random_id.hpp"

namespace boxoffice::testing {
namespace {

TEST(BookingWithoutRedis, HoldsFailFastWith503AndNothingIsLost) {
    FakeClock clock;
    TestApp app(
        Backend::Postgres,
        [](app::Config& c) {
            c.redis.url = "redis://127.0.0.1:1";  // nobody listens there
            c.redis.connectTimeout = std::chrono::milliseconds(300);
        },
        &clock);
    sql::SqlCatalogRepository repo(app.app().database());
    util::RandomIdGenerator ids;
    auto demo = app::seedDemo(repo, clock, ids, 200);
    ASSERT_TRUE(demo.ok());
    const std::string show = demo->show.id.str();
    auto c = app.client();
    const auto started = std::chrono::steady_clock::now();
    auto r = c.post("/v1/holds", {{"showId", show}, {"seatIds", {"FLOOR1-A-1"}}}, app.userToken("carol"));
    EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(2)) << "fails fast";
    EXPECT_EQ(r.status, 503) << r.body;
    EXPECT_EQ(r.header("content-type"), "application/problem+json");
    EXPECT_FALSE(r.header("retry-after").empty());
    // The catalog, which does not need Redis, still answers; readiness says what is down.
    EXPECT_EQ(c.get("/v1/shows/" + show).status, 200);
    auto ready = c.get("/readyz");
    EXPECT_EQ(ready.status, 503);
    EXPECT_EQ(ready.json()["dependencies"]["redis"]["status"], "down");
    EXPECT_EQ(ready.json()["dependencies"]["database"]["status"], "up");
}

}  // namespace
}  // namespace boxoffice::testing
