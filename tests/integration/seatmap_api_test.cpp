// The seat map: every seat with its price and status, counts, and the cheap paths (split layout /
// availability, ETag revalidation) that keep it affordable for 50,000-seat shows.
#include <gtest/gtest.h>

#include <map>
#include <set>
#include <thread>

#include "app/demo_seed.hpp"
#include "storage/sql/sql_catalog_repository.hpp"
#include "support/test_app.hpp"
#include "util/random_id.hpp"

namespace boxoffice::testing {
namespace {

class SeatMapApi : public ::testing::TestWithParam<Backend> {
protected:
    void SetUp() override {
        app_ = std::make_unique<TestApp>(GetParam(),
                                         [](app::Config& c) { c.seatmapShowTtl = std::chrono::milliseconds(1); });
        sql::SqlCatalogRepository repo(app_->app().database());
        SystemClock clock;
        util::RandomIdGenerator ids;
        auto demo = app::seedDemo(repo, clock, ids, 20000);
        ASSERT_TRUE(demo.ok()) << demo.error().detail << demo.error().internal;
        show_ = demo->show.id.str();
    }
    std::unique_ptr<TestApp> app_;
    std::string show_;
};

TEST_P(SeatMapApi, EverySeatWithPriceStatusAndCounts) {
    auto c = app_->client();
    auto r = c.get("/v1/shows/" + show_ + "/seatmap");
    ASSERT_EQ(r.status, 200);
    auto j = r.json();
    ASSERT_EQ(j["seats"].size(), 20000u);
    EXPECT_EQ(j["counts"]["AVAILABLE"], 20000);
    EXPECT_EQ(j["counts"]["HELD"], 0);
    EXPECT_EQ(j["counts"]["SOLD"], 0);
    std::map<std::string, int> perTier;
    std::set<std::string> ids;
    for (const auto& seat : j["seats"]) {
        ASSERT_TRUE(seat.contains("section") && seat.contains("row") && seat.contains("number"));
        EXPECT_EQ(seat["status"], "AVAILABLE");
        ids.insert(seat["seatId"].get<std::string>());
        perTier[seat["tier"]]++;
        const int price = seat["price"];
        if (seat["tier"] == "VIP") {
            EXPECT_EQ(price, 15000);
        } else if (seat["tier"] == "UPPER") {
            EXPECT_EQ(price, 5500);
        }
    }
    EXPECT_EQ(ids.size(), 20000u);
    EXPECT_EQ(perTier.size(), 3u);
    EXPECT_EQ(j["seats"][0]["seatId"], "FLOOR1-A-1");
}

TEST_P(SeatMapApi, RevalidationWithETagAnswers304) {
    auto c = app_->client();
    auto first = c.get("/v1/shows/" + show_ + "/seatmap");
    const std::string etag = first.header("etag");
    ASSERT_FALSE(etag.empty());
    auto again = c.get("/v1/shows/" + show_ + "/seatmap", {"If-None-Match: " + etag});
    EXPECT_EQ(again.status, 304);
    EXPECT_TRUE(again.body.empty());
    EXPECT_EQ(again.header("etag"), etag);
    EXPECT_EQ(c.get("/v1/shows/" + show_ + "/seatmap", {"If-None-Match: \"other\""}).status, 200);
}

TEST_P(SeatMapApi, SplitLayoutAndCompactAvailability) {
    auto c = app_->client();
    auto layout = c.get("/v1/shows/" + show_ + "/seatmap/layout");
    ASSERT_EQ(layout.status, 200);
    EXPECT_NE(layout.header("cache-control").find("max-age"), std::string::npos);
    EXPECT_EQ(layout.json()["seats"].size(), 20000u);
    EXPECT_FALSE(layout.json()["seats"][0].contains("status"));

    auto avail = c.get("/v1/shows/" + show_ + "/seatmap/availability");
    ASSERT_EQ(avail.status, 200);
    const std::string statuses = avail.json()["statuses"];
    EXPECT_EQ(statuses.size(), 20000u);
    EXPECT_EQ(statuses.find_first_not_of('A'), std::string::npos);
    EXPECT_LT(avail.body.size(), 21000u) << "the moving part stays about one byte per seat";
    EXPECT_EQ(avail.json()["layoutVersion"].get<std::string>(),
              layout.header("etag").substr(1, layout.header("etag").size() - 2));
    EXPECT_EQ(c.get("/v1/shows/" + show_ + "/seatmap/availability", {"If-None-Match: " + avail.header("etag")}).status,
              304);
}

TEST_P(SeatMapApi, APriceChangeShowsUpAndChangesTheETag) {
    auto c = app_->client();
    auto before = c.get("/v1/shows/" + show_ + "/seatmap/layout");
    auto patch = c.patch("/v1/shows/" + show_,
                         {{"prices",
                           {{{"tier", "VIP"}, {"amount", 20000}},
                            {{"tier", "LOWER"}, {"amount", 9500}},
                            {{"tier", "UPPER"}, {"amount", 5500}}}}},
                         app_->adminToken());
    ASSERT_EQ(patch.status, 200) << patch.body;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
    auto after = c.get("/v1/shows/" + show_ + "/seatmap/layout", {"If-None-Match: " + before.header("etag")});
    ASSERT_EQ(after.status, 200);
    EXPECT_NE(after.header("etag"), before.header("etag"));
    EXPECT_EQ(after.json()["seats"][0]["price"], 20000);
    EXPECT_EQ(c.get("/v1/shows/" + show_ + "/seatmap").json()["seats"][0]["price"], 20000);
}

TEST_P(SeatMapApi, UnknownShowIs404Problem) {
    auto c = app_->client();
    auto r = c.get("/v1/shows/00000000-0000-4000-8000-000000000000/seatmap");
    EXPECT_EQ(r.status, 404);
    EXPECT_EQ(r.header("content-type"), "application/problem+json");
}

INSTANTIATE_TEST_SUITE_P(Backends, SeatMapApi, ::testing::Values(Backend::Sqlite, Backend::Postgres),
                         [](const auto& p) { return backendName(p.param); });

}  // namespace
}  // namespace boxoffice::testing
