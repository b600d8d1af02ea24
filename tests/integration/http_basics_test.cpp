// The HTTP layer of the real application over real sockets: health, request ids, keep-alive,
// problem bodies for every transport-level mistake, authentication, draining.
#include <gtest/gtest.h>

#include <future>
#include <thread>

#include <soci/soci.h>

#include "support/test_app.hpp"
#include "support/problem_assertions.hpp"
#include "support/test_env.hpp"
#include "util/sha256.hpp"

namespace boxoffice::testing {
namespace {

TEST(HttpBasics, HealthAndReadinessWithDatabase) {
    TestApp app(Backend::Sqlite);
    auto c = app.client();
    auto h = c.get("/healthz");
    EXPECT_EQ(h.status, 200);
    auto r = c.get("/readyz");
    EXPECT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(r.json()["dependencies"]["database"]["status"], "up");
}

TEST(HttpBasics, ReadinessChecksRedisWhenConfigured) {
    TestApp up(Backend::Postgres, [](app::Config& c) { c.redis.url = TestEnv::get().redisUrl; });
    auto r = up.client().get("/readyz");
    EXPECT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(r.json()["dependencies"]["redis"]["status"], "up");
    EXPECT_EQ(r.json()["dependencies"]["database"]["status"], "up");

    // A Redis nobody listens on: readiness fails fast with per-dependency status; liveness stays up.
    TestApp down(Backend::Sqlite, [](app::Config& c) {
        c.redis.url = "redis://127.0.0.1:1";
        c.redis.connectTimeout = std::chrono::milliseconds(200);
    });
    auto c = down.client();
    auto started = std::chrono::steady_clock::now();
    auto d = c.get("/readyz");
    EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(3));
    EXPECT_EQ(d.status, 503) << d.body;
    EXPECT_EQ(d.json()["dependencies"]["redis"]["status"], "down");
    EXPECT_EQ(d.json()["dependencies"]["database"]["status"], "up");
    EXPECT_EQ(c.get("/healthz").status, 200);
}

TEST(HttpBasics, ReadinessFollowsPostgresDownAndBackUp) {
    std::string url;
    TestApp app(Backend::Postgres, [&url](app::Config& c) {
        c.database.connectTimeout = std::chrono::milliseconds(1000);
        url = c.database.url;
    });
    const std::string db = url.substr(url.rfind('/') + 1);
    auto c = app.client();
    ASSERT_EQ(c.get("/readyz").status, 200);

    auto admin = sql::Database::open({TestEnv::get().pgUrl, 1});
    auto exec = [&admin](const std::string& statement) {
        ASSERT_TRUE(admin->run([&](soci::session& s) { s << statement; }).ok()) << statement;
    };
    exec("ALTER DATABASE " + db + " WITH ALLOW_CONNECTIONS false");
    exec("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '" + db + "'");
    auto down = c.get("/readyz");
    EXPECT_EQ(down.status, 503) << down.body;
    EXPECT_EQ(down.json()["dependencies"]["database"]["status"], "down");
    auto read = c.get("/v1/events");
    EXPECT_EQ(read.status, 503) << "a dead database is a 503 problem, never a 500: " << read.body;
    EXPECT_EQ(read.header("content-type"), "application/problem+json");

    exec("ALTER DATABASE " + db + " WITH ALLOW_CONNECTIONS true");
    auto up = c.get("/readyz");
    EXPECT_EQ(up.status, 200) << "dead pooled connections are reconnected: " << up.body;
    EXPECT_EQ(c.get("/v1/events").status, 200);
}

TEST(HttpBasics, EchoesOrGeneratesRequestIds) {
    TestApp app(Backend::Sqlite);
    auto c = app.client();
    auto given = c.get("/healthz", {"X-Request-Id: abc-123"});
    EXPECT_EQ(given.header("x-request-id"), "abc-123");
    auto generated = c.get("/healthz");
    EXPECT_EQ(generated.header("x-request-id").size(), 32u);
    auto hostile = c.get("/healthz", {"X-Request-Id: bad id\"with quotes"});
    EXPECT_EQ(hostile.header("x-request-id").size(), 32u);
    auto problem = c.get("/nope", {"X-Request-Id: trace-9"});
    EXPECT_EQ(problem.json()["requestId"], "trace-9");
}

TEST(HttpBasics, KeepAliveWithAndWithoutConnectionHeader) {
    TestApp app(Backend::Sqlite);
    HttpClient plain(app.port());
    for (int i = 0; i < 20; ++i) {
        auto r = plain.get("/healthz");  // HTTP/1.1, no Connection header
        ASSERT_EQ(r.status, 200);
        EXPECT_NE(r.header("connection"), "Close");
    }
    EXPECT_EQ(plain.connectionsOpened(), 1);
    HttpClient explicitKeepAlive(app.port());
    for (int i = 0; i < 20; ++i) ASSERT_EQ(explicitKeepAlive.get("/healthz", {"Connection: keep-alive"}).status, 200);
    EXPECT_EQ(explicitKeepAlive.connectionsOpened(), 1);
}

TEST(HttpBasics, UnknownRoutesAndMethodsAreProblems) {
    TestApp app(Backend::Sqlite);
    auto c = app.client();
    expectProblem(c.get("/v1/nothing-here"), 404, "ROUTE_NOT_FOUND");
    auto r = c.request("PUT", "/v1/events", "{}", {"Content-Type: application/json"});
    expectProblem(r, 405, "METHOD_NOT_ALLOWED");
    EXPECT_NE(r.header("allow").find("GET"), std::string::npos);
    expectProblem(c.get("/v1/events/not-a-real-id"), 404, "NOT_FOUND");
}

TEST(HttpBasics, BodyLimitMalformedJsonAndMediaType) {
    TestApp app(Backend::Sqlite, [](app::Config& c) { c.http.maxBodyBytes = 2048; });
    auto c = app.client();
    const std::string admin = app.adminToken();
    std::string big = R"({"title":")" + std::string(4000, 'x') + R"(","kind":"concert"})";
    expectProblem(
        c.request("POST", "/v1/events", big, {"Content-Type: application/json", "Authorization: Bearer " + admin}), 413,
        "PAYLOAD_TOO_LARGE");
    expectProblem(c.request("POST", "/v1/events",
                            "{\"title\": ", {"Content-Type: application/json", "Authorization: Bearer " + admin}),
                  400, "MALFORMED_JSON");
    expectProblem(
        c.request("POST", "/v1/events", "[1,2]", {"Content-Type: application/json", "Authorization: Bearer " + admin}),
        422, "VALIDATION_FAILED");
    expectProblem(c.request("POST", "/v1/events", "title=x",
                            {"Content-Type: application/x-www-form-urlencoded", "Authorization: Bearer " + admin}),
                  415, "UNSUPPORTED_MEDIA_TYPE");
    // Nothing was stored by any of those.
    EXPECT_EQ(c.get("/v1/events").json()["total"], 0);
}

TEST(HttpBasics, AuthenticationAndRoles) {
    TestApp app(Backend::Sqlite);
    auto c = app.client();
    nlohmann::json event = {{"title", "T"}, {"kind", "concert"}};
    expectProblem(c.post("/v1/events", event), 401, "UNAUTHENTICATED");
    expectProblem(c.post("/v1/events", event, app.userToken()), 403, "FORBIDDEN");
    expectProblem(c.post("/v1/events", event, "not.a.jwt"), 401, "UNAUTHENTICATED");

    // alg "none" with a valid-looking payload is refused.
    const std::string header = util::base64UrlEncode(R"({"alg":"none","typ":"JWT"})");
    const std::string payload = util::base64UrlEncode(R"({"sub":"admin-1","role":"admin","exp":9999999999})");
    expectProblem(c.post("/v1/events", event, header + "." + payload + "."), 401, "UNAUTHENTICATED");

    // Signed with another secret.
    SystemClock clock;
    auth::JwtCodec other("another-secret-0123456789-0123456789-xyz", clock);
    expectProblem(c.post("/v1/events", event, other.mint({"admin-1", auth::Role::Admin, std::chrono::seconds(60)})),
                  401, "UNAUTHENTICATED");
    auto basic =
        c.request("POST", "/v1/events", event.dump(), {"Content-Type: application/json", "Authorization: Basic YTpi"});
    expectProblem(basic, 401, "UNAUTHENTICATED");

    auto ok = c.post("/v1/events", event, app.adminToken());
    EXPECT_EQ(ok.status, 201) << ok.body;
    // Reads are public.
    EXPECT_EQ(c.get("/v1/events").status, 200);
}

TEST(HttpBasics, DrainingFailsReadinessBeforeTheListenerCloses) {
    auto app = std::make_unique<TestApp>(Backend::Sqlite,
                                         [](app::Config& c) { c.shutdownGrace = std::chrono::milliseconds(800); });
    HttpClient c(app->port());
    ASSERT_EQ(c.get("/readyz").status, 200);
    auto stopping = std::async(std::launch::async, [&] { app->app().drainAndStop(); });
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    auto r = c.get("/readyz");
    EXPECT_EQ(r.status, 503);
    EXPECT_EQ(r.json()["status"], "draining");
    EXPECT_EQ(c.get("/healthz").status, 200) << "in-flight and new requests are served during the grace period";
    stopping.get();
}

}  // namespace
}  // namespace boxoffice::testing
