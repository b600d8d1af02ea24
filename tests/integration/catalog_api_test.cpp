// The catalog API end to end on both storage backends, including every bad input the foundation
// promises a 4xx problem body for, and that bad input leaves stored data untouched.
#include <gtest/gtest.h>

#include <soci/soci.h>

#include "app/demo_seed.hpp"
#include "domain/layout_codec.hpp"
#include "support/test_app.hpp"

namespace boxoffice::testing {
namespace {

using nlohmann::json;

json smallVenue(const std::string& name = "Hall") {
    return {{"name", name},
            {"address", "1 Main St"},
            {"timezone", "Europe/Paris"},
            {"layout",
             {{"sections",
               {{{"name", "FLOOR"},
                 {"tier", "GOLD"},
                 {"rows",
                  {{{"label", "A"}, {"seats", 10}},
                   {{"label", "B"}, {"seats", json::array({1, 2, 5})}, {"tier", "SILVER"}}}}}}}}}};
}

class CatalogApi : public ::testing::TestWithParam<Backend> {
protected:
    void SetUp() override {
        app_ = std::make_unique<TestApp>(GetParam());
        admin_ = app_->adminToken();
    }
    HttpClient client() { return app_->client(); }

    std::string create(HttpClient& c, const std::string& path, const json& body) {
        auto r = c.post(path, body, admin_);
        EXPECT_EQ(r.status, 201) << path << ": " << r.body;
        return r.json().value("id", "");
    }
    json showBody(const std::string& event, const std::string& venue,
                  const std::string& startsAt = "2026-12-31T20:30:00+01:00") {
        return {{"eventId", event},
                {"venueId", venue},
                {"startsAt", startsAt},
                {"saleOpensAt", "2026-01-01T10:00:00Z"},
                {"saleClosesAt", "2026-12-31T19:00:00Z"},
                {"currency", "EUR"},
                {"prices", {{{"tier", "GOLD"}, {"amount", 12000}}, {{"tier", "SILVER"}, {"amount", 6000}}}}};
    }
    void expectField(const HttpResult& r, int status, const std::string& field) {
        ASSERT_EQ(r.status, status) << r.body;
        EXPECT_EQ(r.header("content-type"), "application/problem+json");
        bool named = false;
        const json body = r.json();
        for (const auto& e : body["errors"]) named = named || e["field"] == field;
        EXPECT_TRUE(named) << "expected a problem naming " << field << ": " << r.body;
    }

    std::unique_ptr<TestApp> app_;
    std::string admin_;
};

TEST_P(CatalogApi, BrowseTheCatalog) {
    auto c = client();
    auto venueResp = c.post("/v1/venues", smallVenue(), admin_);
    ASSERT_EQ(venueResp.status, 201) << venueResp.body;
    EXPECT_EQ(venueResp.json()["seatCount"], 13);
    EXPECT_EQ(venueResp.header("location"), "/v1/venues/" + venueResp.json()["id"].get<std::string>());
    const std::string venue = venueResp.json()["id"];

    const std::string rock =
        create(c, "/v1/events", {{"title", "Rock Night"}, {"kind", "concert"}, {"description", "Loud guitars"}});
    const std::string film =
        create(c, "/v1/events", {{"title", "Film Club"}, {"kind", "movie"}, {"imageUrl", "https://img.example/f.png"}});
    const std::string derby = create(c, "/v1/events", {{"title", "The Derby"}, {"kind", "sports"}});

    auto all = c.get("/v1/events");
    ASSERT_EQ(all.status, 200);
    EXPECT_EQ(all.json()["total"], 3);
    auto movies = c.get("/v1/events?kind=movie");
    ASSERT_EQ(movies.json()["items"].size(), 1u);
    EXPECT_EQ(movies.json()["items"][0]["id"], film);
    EXPECT_EQ(movies.json()["items"][0]["imageUrl"], "https://img.example/f.png");
    auto text = c.get("/v1/events?q=GUITAR");
    ASSERT_EQ(text.json()["items"].size(), 1u) << text.body;
    EXPECT_EQ(text.json()["items"][0]["id"], rock);
    auto spaced = c.get("/v1/events?q=the%20derby");
    ASSERT_EQ(spaced.json()["items"].size(), 1u) << spaced.body;
    EXPECT_EQ(spaced.json()["items"][0]["id"], derby);
    auto wildcard = c.get("/v1/events?q=%25");
    EXPECT_EQ(wildcard.json()["total"], 0) << "% is a literal, not a wildcard";
    auto page1 = c.get("/v1/events?limit=2");
    EXPECT_EQ(page1.json()["items"].size(), 2u);
    EXPECT_EQ(page1.json()["nextOffset"], 2);
    auto page2 = c.get("/v1/events?limit=2&offset=2");
    EXPECT_EQ(page2.json()["items"].size(), 1u);
    EXPECT_TRUE(page2.json()["nextOffset"].is_null());

    // 20:30 in Paris on Dec 31st and 00:30 on Jan 1st (Paris) are on different local dates.
    const std::string eve = create(c, "/v1/shows", showBody(rock, venue, "2026-12-31T20:30:00+01:00"));
    const std::string night = create(c, "/v1/shows", showBody(rock, venue, "2026-12-31T23:30:00Z"));
    auto shows = c.get("/v1/events/" + rock + "/shows");
    ASSERT_EQ(shows.json()["items"].size(), 2u);
    auto dec31 = c.get("/v1/events/" + rock + "/shows?date=2026-12-31");
    ASSERT_EQ(dec31.json()["items"].size(), 1u) << dec31.body;
    EXPECT_EQ(dec31.json()["items"][0]["id"], eve);
    auto jan1 = c.get("/v1/events/" + rock + "/shows?date=2027-01-01");
    ASSERT_EQ(jan1.json()["items"].size(), 1u);
    EXPECT_EQ(jan1.json()["items"][0]["id"], night);
    EXPECT_EQ(jan1.json()["items"][0]["localDate"], "2027-01-01");

    auto show = c.get("/v1/shows/" + eve);
    ASSERT_EQ(show.status, 200);
    EXPECT_EQ(show.json()["startsAt"], "2026-12-31T19:30:00.000Z");
    EXPECT_EQ(show.json()["currency"], "EUR");
    EXPECT_EQ(show.json()["prices"].size(), 2u);
    EXPECT_EQ(c.get("/v1/events/" + film).json()["title"], "Film Club");
}

TEST_P(CatalogApi, AdminUpdatesAndDeletes) {
    auto c = client();
    const std::string venue = create(c, "/v1/venues", smallVenue());
    const std::string event =
        create(c, "/v1/events", {{"title", "Old"}, {"kind", "theatre"}, {"imageUrl", "https://x.example/a.png"}});
    auto patched = c.patch("/v1/events/" + event, {{"title", "New"}, {"imageUrl", nullptr}}, admin_);
    ASSERT_EQ(patched.status, 200) << patched.body;
    EXPECT_EQ(patched.json()["title"], "New");
    EXPECT_EQ(patched.json()["kind"], "theatre");
    EXPECT_TRUE(patched.json()["imageUrl"].is_null());
    EXPECT_EQ(c.get("/v1/events/" + event).json()["title"], "New");

    const std::string show = create(c, "/v1/shows", showBody(event, venue));
    auto priced =
        c.patch("/v1/shows/" + show,
                {{"prices", {{{"tier", "GOLD"}, {"amount", 15000}}, {{"tier", "SILVER"}, {"amount", 0}}}}}, admin_);
    ASSERT_EQ(priced.status, 200) << priced.body;
    EXPECT_EQ(c.get("/v1/shows/" + show).json()["prices"][0]["amount"], 15000);
    EXPECT_EQ(c.patch("/v1/shows/" + show, {{"venueId", venue}}, admin_).status, 422);

    auto blocked = c.del("/v1/events/" + event, admin_);
    EXPECT_EQ(blocked.status, 409);
    EXPECT_EQ(blocked.json()["code"], "EVENT_HAS_SHOWS");
    EXPECT_EQ(c.del("/v1/shows/" + show, app_->userToken()).status, 403);
    EXPECT_EQ(c.del("/v1/shows/" + show, admin_).status, 204);
    EXPECT_EQ(c.get("/v1/shows/" + show).status, 404);
    EXPECT_EQ(c.del("/v1/shows/" + show, admin_).status, 404);
    EXPECT_EQ(c.del("/v1/events/" + event, admin_).status, 204);
    EXPECT_EQ(c.get("/v1/events/" + event).status, 404);
}

TEST_P(CatalogApi, AShowWithOrdersCannotBeDeleted) {
    auto c = client();
    const std::string venue = create(c, "/v1/venues", smallVenue());
    const std::string event = create(c, "/v1/events", {{"title", "Sold"}, {"kind", "concert"}});
    const std::string show = create(c, "/v1/shows", showBody(event, venue));
    // Test-only path: an order written straight into the database.
    auto r = app_->app().database().run([&](soci::session& sql) {
        sql << "INSERT INTO orders (id, show_id, user_id, hold_id, status, amount_minor, currency, customer_name, "
               "customer_email, expires_at, created_at, updated_at) VALUES ('o-1', :show, 'u-1', 'h-1', 'CONFIRMED', "
               "12000, 'EUR', 'A', 'a@example.com', 0, 0, 0)",
            soci::use(show);
    });
    ASSERT_TRUE(r.ok());
    auto del = c.del("/v1/shows/" + show, admin_);
    EXPECT_EQ(del.status, 409) << del.body;
    EXPECT_EQ(del.json()["code"], "SHOW_HAS_ORDERS");
    EXPECT_EQ(c.get("/v1/shows/" + show).status, 200);
}

TEST_P(CatalogApi, BadInputGetsAProblemNamingTheFieldAndChangesNothing) {
    auto c = client();
    const std::string venue = create(c, "/v1/venues", smallVenue());
    const std::string event = create(c, "/v1/events", {{"title", "Keep"}, {"kind", "concert"}});
    const std::string show = create(c, "/v1/shows", showBody(event, venue));
    const std::string before = c.get("/v1/shows/" + show).body;

    // Events.
    expectField(c.post("/v1/events", {{"kind", "concert"}}, admin_), 422, "title");
    expectField(c.post("/v1/events", {{"title", 5}, {"kind", "concert"}}, admin_), 422, "title");
    expectField(c.post("/v1/events", {{"title", "X"}, {"kind", "opera"}}, admin_), 422, "kind");
    expectField(
        c.post("/v1/events", {{"title", "X"}, {"kind", "concert"}, {"imageUrl", "javascript:alert(1)"}}, admin_), 422,
        "imageUrl");
    expectField(c.patch("/v1/events/" + event, {{"kind", "opera"}}, admin_), 422, "kind");
    expectField(c.patch("/v1/events/" + event, json::object(), admin_), 422, "body");
    EXPECT_EQ(c.patch("/v1/events/does-not-exist", {{"title", "Y"}}, admin_).status, 404);

    // Venues.
    json v = smallVenue();
    v["layout"]["sections"] = json::array();
    expectField(c.post("/v1/venues", v, admin_), 422, "layout.sections");
    v = smallVenue();
    v["layout"]["sections"][0]["rows"][1]["label"] = "A";
    expectField(c.post("/v1/venues", v, admin_), 422, "layout.sections[0].rows[1].label");
    v = smallVenue();
    v["layout"]["sections"][0]["rows"][1]["seats"] = json::array({1, 1});
    expectField(c.post("/v1/venues", v, admin_), 422, "layout.sections[0].rows[1].seats[1]");
    v = smallVenue();
    v["layout"]["sections"][0]["rows"][0]["seats"] = 5'000'000;
    expectField(c.post("/v1/venues", v, admin_), 422, "layout.sections[0].rows[0].seats");
    v = smallVenue();
    v["layout"]["sections"][0]["rows"][0]["seats"] = -4;
    expectField(c.post("/v1/venues", v, admin_), 422, "layout.sections[0].rows[0].seats");
    v = smallVenue();
    v["timezone"] = "Mars/Olympus";
    expectField(c.post("/v1/venues", v, admin_), 422, "timezone");
    v = smallVenue();
    v.erase("layout");
    expectField(c.post("/v1/venues", v, admin_), 422, "layout");

    // Shows.
    json s = showBody(event, venue);
    s["prices"][0]["amount"] = -1;
    expectField(c.post("/v1/shows", s, admin_), 422, "prices[0].amount");
    s = showBody(event, venue);
    s["prices"][0]["amount"] = 12.5;
    expectField(c.post("/v1/shows", s, admin_), 422, "prices[0].amount");
    s = showBody(event, venue);
    s["prices"] = {{{"tier", "GOLD"}, {"amount", 100}}};
    expectField(c.post("/v1/shows", s, admin_), 422, "prices");
    s = showBody(event, venue);
    s["prices"][1]["tier"] = "PLATINUM";
    expectField(c.post("/v1/shows", s, admin_), 422, "prices[1].tier");
    s = showBody(event, venue);
    s["startsAt"] = "next friday";
    expectField(c.post("/v1/shows", s, admin_), 422, "startsAt");
    s = showBody(event, venue);
    s["saleClosesAt"] = "2025-01-01T00:00:00Z";
    expectField(c.post("/v1/shows", s, admin_), 422, "saleClosesAt");
    s = showBody("00000000-0000-4000-8000-000000000000", venue);
    expectField(c.post("/v1/shows", s, admin_), 422, "eventId");
    s = showBody(event, venue);
    s["currency"] = "euro";
    expectField(c.post("/v1/shows", s, admin_), 422, "currency");
    expectField(c.patch("/v1/shows/" + show, {{"prices", {{{"tier", "GOLD"}, {"amount", -5}}}}}, admin_), 422,
                "prices[0].amount");

    // Query parameters.
    EXPECT_EQ(c.get("/v1/events?limit=abc").status, 400);
    EXPECT_EQ(c.get("/v1/events?limit=1000").status, 400);
    EXPECT_EQ(c.get("/v1/events?kind=opera").status, 400);
    EXPECT_EQ(c.get("/v1/events/" + event + "/shows?date=2026-02-30").status, 400);
    EXPECT_EQ(c.get("/v1/events/unknown/shows").status, 404);

    // Nothing stored changed.
    EXPECT_EQ(c.get("/v1/shows/" + show).body, before);
    EXPECT_EQ(c.get("/v1/events").json()["total"], 1);
    EXPECT_EQ(c.get("/v1/events/" + event).json()["title"], "Keep");
}

TEST_P(CatalogApi, AcceptsA50000SeatLayout) {
    auto c = client();
    json layout = layoutToJson(app::arenaLayout(50000));
    json v = {{"name", "Stadium"}, {"address", "Somewhere"}, {"timezone", "UTC"}, {"layout", layout}};
    auto r = c.post("/v1/venues", v, admin_);
    ASSERT_EQ(r.status, 201) << r.body.substr(0, 500);
    EXPECT_EQ(r.json()["seatCount"], 50000);
    auto back = c.get("/v1/venues/" + r.json()["id"].get<std::string>());
    EXPECT_EQ(back.json()["seatCount"], 50000);
}

INSTANTIATE_TEST_SUITE_P(Backends, CatalogApi, ::testing::Values(Backend::Sqlite, Backend::Postgres),
                         [](const auto& p) { return backendName(p.param); });

}  // namespace
}  // namespace boxoffice::testing
