// The HTTP edge and the fields of requests and answers: control characters never reach a store,
// and every answer carries its security fields (nosniff, no-store, WWW-Authenticate, CORS).
#include <map>
#include <string>
#include <vector>

#include "integration/http_edge_fixture.hpp"

namespace boxoffice::testing {
namespace {

TEST_F(HttpEdge, ControlCharactersNeverReachAStore) {
    start({}, Backend::Postgres);
    auto c = app_->client();
    const std::vector<std::string> auth = {"Content-Type: application/json", "Authorization: Bearer " + token_};
    // A show id with a NUL after it must not match the real show and hold its seat.
    auto h = c.request("POST", "/v1/holds",
                       json{{"showId", show_ + std::string(1, '\0')}, {"seatIds", {"FLOOR1-D-1"}}}.dump(), auth);
    expectProblem(h, 422, "VALIDATION_FAILED");
    h = c.request("POST", "/v1/holds", json{{"showId", show_}, {"seatIds", {std::string("FLOOR1-D-1\x01", 11)}}}.dump(),
                  auth);
    expectProblem(h, 422, "VALIDATION_FAILED");
    EXPECT_EQ(seat('D', 1), 'A');
    // A name with a NUL in it is refused whole, not stored cut short.
    auto ok = c.request("POST", "/v1/holds", json{{"showId", show_}, {"seatIds", {"FLOOR1-D-2"}}}.dump(), auth);
    ASSERT_EQ(ok.status, 201) << ok.body;
    auto o = c.request("POST", "/v1/orders",
                       json{{"holdId", ok.json()["holdId"]},
                            {"customer", {{"name", std::string("Nul\0Tail", 8)}, {"email", "n@example.com"}}}}
                           .dump(),
                       auth);
    expectProblem(o, 422, "VALIDATION_FAILED");
    EXPECT_NE(o.body.find("customer.name"), std::string::npos) << o.body;
    // Path segments and query values.
    expectProblem(c.get("/v1/shows/" + show_ + "%00"), 400, "INVALID_PARAMETER");
    expectProblem(c.get("/v1/events?q=title%00zzz"), 400, "INVALID_PARAMETER");
    expectProblem(c.get("/v1/events?q=a%0d%0aX-Injected:%20yes"), 400, "INVALID_PARAMETER");
}

TEST_F(HttpEdge, EveryAnswerCarriesItsSecurityFields) {
    start();
    auto c = app_->client();
    auto health = c.get("/healthz");
    EXPECT_EQ(health.header("x-content-type-options"), "nosniff");
    EXPECT_EQ(health.header("cache-control"), "");
    auto mine = c.get("/v1/me/orders", {"Authorization: Bearer " + token_});
    EXPECT_EQ(mine.status, 200) << mine.body;
    EXPECT_EQ(mine.header("cache-control"), "no-store");
    auto anonymous = c.get("/v1/me/orders");
    expectProblem(anonymous, 401, "UNAUTHENTICATED");
    EXPECT_EQ(anonymous.header("www-authenticate"), "Bearer realm=\"boxoffice\"");
    EXPECT_EQ(anonymous.header("cache-control"), "no-store");
    auto bad = c.get("/v1/me/orders", {"Authorization: Bearer not.a.token"});
    expectProblem(bad, 401, "UNAUTHENTICATED");
    EXPECT_NE(bad.header("www-authenticate").find("invalid_token"), std::string::npos);
    // No CORS unless configured: no Access-Control-* fields.
    auto cross = c.get("/v1/events", {"Origin: https://shop.example"});
    EXPECT_EQ(cross.header("access-control-allow-origin"), "");
    // OPTIONS on a known path answers its methods instead of 405.
    auto options = c.request("OPTIONS", "/v1/holds");
    EXPECT_EQ(options.status, 204);
    EXPECT_NE(options.header("allow").find("POST"), std::string::npos);
}

TEST_F(HttpEdge, CorsServesConfiguredOriginsOnly) {
    start([](app::Config& c) { c.http.corsOrigins = {"https://shop.example"}; });
    auto c = app_->client();
    auto pre = c.request("OPTIONS", "/v1/holds", "",
                         {"Origin: https://shop.example", "Access-Control-Request-Method: POST",
                          "Access-Control-Request-Headers: authorization, idempotency-key, content-type"});
    EXPECT_EQ(pre.status, 204) << pre.body;
    EXPECT_EQ(pre.header("access-control-allow-origin"), "https://shop.example");
    EXPECT_NE(pre.header("access-control-allow-methods").find("POST"), std::string::npos);
    for (const char* h : {"Authorization", "Idempotency-Key", "If-None-Match"})
        EXPECT_NE(pre.header("access-control-allow-headers").find(h), std::string::npos) << h;
    EXPECT_EQ(pre.header("access-control-allow-credentials"), "");
    EXPECT_NE(pre.header("vary").find("Origin"), std::string::npos);

    auto get = c.get("/v1/events", {"Origin: https://shop.example"});
    EXPECT_EQ(get.header("access-control-allow-origin"), "https://shop.example");
    for (const char* h : {"ETag", "Location", "Retry-After", "X-Request-Id"})
        EXPECT_NE(get.header("access-control-expose-headers").find(h), std::string::npos) << h;

    auto other =
        c.request("OPTIONS", "/v1/holds", "", {"Origin: https://evil.example", "Access-Control-Request-Method: POST"});
    expectProblem(other, 403, "FORBIDDEN");
    EXPECT_EQ(other.header("access-control-allow-origin"), "");
    EXPECT_EQ(c.get("/v1/events", {"Origin: https://evil.example"}).header("access-control-allow-origin"), "");
}

TEST(HttpEdgeConfig, CorsOriginsAreValidated) {
    auto env = [](std::map<std::string, std::string> vars) {
        return app::Config::fromEnv([vars](const char* name) -> const char* {
            auto it = vars.find(name);
            return it == vars.end() ? nullptr : it->second.c_str();
        });
    };
    auto ok = env({{"BOXOFFICE_CORS_ORIGINS", "https://a.example, http://localhost:3000"}});
    ASSERT_TRUE(ok.ok());
    EXPECT_EQ(ok->http.corsOrigins, (std::vector<std::string>{"https://a.example", "http://localhost:3000"}));
    EXPECT_FALSE(env({{"BOXOFFICE_CORS_ORIGINS", "https://a.example/path"}}).ok());
    EXPECT_FALSE(env({{"BOXOFFICE_CORS_ORIGINS", "*"}, {"BOXOFFICE_CORS_ALLOW_CREDENTIALS", "true"}}).ok());
}

}  // namespace
}  // namespace boxoffice::testing
