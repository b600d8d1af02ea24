// The rate limit step: budgets by route, user and IP both counted (the tighter answer wins), the
// headers of draft-ietf-httpapi-ratelimit-headers, the 429 problem, and failing open.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "admission/memory_rate_limiter.hpp"
#include "http/handlers/rate_limit_routes.hpp"
#include "http/rate_limit_gate.hpp"

namespace boxoffice::http {
namespace {

using admission::Budget;
using admission::Micros;
using admission::Rate;

constexpr Micros kT0 = 1'760'000'000LL * 1'000'000;

admission::RateLimitSettings settings(Rate holdsUser, Rate holdsIp) {
    admission::RateLimitSettings s;
    for (auto& b : s.budgets) b = {{100, std::chrono::seconds(1)}, {1000, std::chrono::seconds(1)}};
    s.budgets[static_cast<std::size_t>(Budget::Holds)] = {holdsUser, holdsIp};
    return s;
}

Route route(Method m, std::string pattern) {
    Route r;
    r.method = m;
    r.pattern = std::move(pattern);
    r.access = Access::User;
    return r;
}

Request holdRequest(const std::string& user, const std::string& peer = "192.0.2.10") {
    Request req;
    req.method = Method::Post;
    req.path = "/v1/holds";
    req.body = R"({"showId":"show-1","seatIds":["A-1"]})";
    req.requestId = "req-1";
    req.peerAddress = peer;
    req.principal = auth::Principal{user, auth::Role::User};
    return req;
}

std::string header(const std::vector<std::pair<std::string, std::string>>& hs, const std::string& name) {
    for (const auto& [n, v] : hs)
        if (n == name) return v;
    return {};
}

struct FailingLimiter final : admission::RateLimiter {
    Result<admission::Decision> check(const std::string&, const admission::Policy&, Micros) override {
        return Error{ErrorCode::DependencyUnavailable, "redis unavailable", {}, {}, "connection refused"};
    }
};

TEST(RateLimitGate, RoutesSpendTheirBudgets) {
    EXPECT_EQ(RateLimitGate::budgetOf(Method::Post, "/v1/holds"), Budget::Holds);
    EXPECT_EQ(RateLimitGate::budgetOf(Method::Delete, "/v1/holds/{id}"), Budget::Holds);
    EXPECT_EQ(RateLimitGate::budgetOf(Method::Post, "/v1/orders"), Budget::Orders);
    EXPECT_EQ(RateLimitGate::budgetOf(Method::Post, "/v1/orders/{id}/confirm-payment"), Budget::Orders);
    EXPECT_EQ(RateLimitGate::budgetOf(Method::Post, "/v1/orders/{id}/cancel"), Budget::Orders);
    EXPECT_EQ(RateLimitGate::budgetOf(Method::Get, "/v1/shows/{id}/seatmap"), Budget::Reads);
    EXPECT_EQ(RateLimitGate::budgetOf(Method::Get, "/v1/holds/{id}"), Budget::Reads);
    EXPECT_FALSE(RateLimitGate::budgetOf(Method::Get, "/healthz").has_value()) << "probes are never limited";
    EXPECT_FALSE(RateLimitGate::budgetOf(Method::Get, "/readyz").has_value());
    EXPECT_FALSE(RateLimitGate::budgetOf(Method::Post, "/v1/shows").has_value());
}

TEST(RateLimitGate, TheUsersBudgetRunsOutWithA429AndTheHeaders) {
    admission::MemoryRateLimiter limiter;
    Micros now = kT0;
    RateLimitGate gate(settings({3, std::chrono::seconds(1)}, {1000, std::chrono::seconds(1)}), limiter, nullptr,
                       nullptr, [&now] { return now; });
    const Route holds = route(Method::Post, "/v1/holds");
    for (int i = 0; i < 3; ++i) {
        auto v = gate.admit(holdRequest("alice"), holds);
        ASSERT_FALSE(v.rejection) << i;
        // The tighter of the two (the user's) first.
        EXPECT_EQ(header(v.headers, "RateLimit-Policy"), "\"holds-user\";q=3;w=1, \"holds-ip\";q=1000;w=1");
        EXPECT_EQ(header(v.headers, "RateLimit").rfind("\"holds-user\";r=" + std::to_string(2 - i) + ";t=1, ", 0), 0u)
            << header(v.headers, "RateLimit");
    }
    now += 100'000;  // 100 ms later: the next cell is due 333 ms after the first
    auto v = gate.admit(holdRequest("alice"), holds);
    ASSERT_TRUE(v.rejection);
    const Response& r = *v.rejection;
    EXPECT_EQ(r.status, 429);
    EXPECT_EQ(r.contentType, "application/problem+json");
    EXPECT_EQ(header(r.headers, "Retry-After"), "1") << "seconds, rounded up, at least 1";
    EXPECT_EQ(header(r.headers, "RateLimit").rfind("\"holds-user\";r=0;t=1", 0), 0u) << header(r.headers, "RateLimit");
    auto body = nlohmann::json::parse(r.body);
    EXPECT_EQ(body["code"], "RATE_LIMITED");
    EXPECT_EQ(body["status"], 429);
    EXPECT_EQ(body["requestId"], "req-1");
    EXPECT_NE(body["detail"].get<std::string>().find("holds"), std::string::npos);
    // Another user is not affected; another budget of the same user is not either.
    EXPECT_FALSE(gate.admit(holdRequest("bob"), holds).rejection);
    auto read = holdRequest("alice");
    read.method = Method::Get;
    EXPECT_FALSE(gate.admit(read, route(Method::Get, "/v1/holds/{id}")).rejection);
    // 333 ms after the first: one more.
    now = kT0 + 333'334;
    EXPECT_FALSE(gate.admit(holdRequest("alice"), holds).rejection);
}

TEST(RateLimitGate, TheAddressBudgetIsSharedByItsUsersAndTheTighterAnswerWins) {
    admission::MemoryRateLimiter limiter;
    RateLimitGate gate(settings({100, std::chrono::seconds(1)}, {2, std::chrono::seconds(10)}), limiter, nullptr,
                       nullptr, [] { return kT0; });
    const Route holds = route(Method::Post, "/v1/holds");
    EXPECT_FALSE(gate.admit(holdRequest("u1"), holds).rejection);
    EXPECT_FALSE(gate.admit(holdRequest("u2"), holds).rejection);
    auto v = gate.admit(holdRequest("u3"), holds);
    ASSERT_TRUE(v.rejection);
    EXPECT_EQ(header(v.rejection->headers, "Retry-After"), "5");  // T = 5 s
    EXPECT_EQ(header(v.rejection->headers, "RateLimit").rfind("\"holds-ip\";r=0;t=10", 0), 0u)
        << header(v.rejection->headers, "RateLimit");
    // Another address is not affected.
    EXPECT_FALSE(gate.admit(holdRequest("u3", "192.0.2.99"), holds).rejection);
}

TEST(RateLimitGate, XForwardedForCountsOnlyFromATrustedProxy) {
    admission::MemoryRateLimiter limiter;
    auto s = settings({100, std::chrono::seconds(1)}, {1, std::chrono::seconds(10)});
    std::string error;
    s.trustedProxies = *admission::parseCidrList("10.0.0.0/16", error);
    RateLimitGate gate(s, limiter, nullptr, nullptr, [] { return kT0; });
    const Route holds = route(Method::Post, "/v1/holds");
    auto viaAlb = [](const std::string& user, const std::string& client) {
        auto r = holdRequest(user, "10.0.1.1");
        r.headers["x-forwarded-for"] = client;
        return r;
    };
    EXPECT_FALSE(gate.admit(viaAlb("a", "198.51.100.1"), holds).rejection);
    EXPECT_FALSE(gate.admit(viaAlb("b", "198.51.100.2"), holds).rejection) << "two clients behind one ALB";
    EXPECT_TRUE(gate.admit(viaAlb("c", "198.51.100.1"), holds).rejection);
    // From the internet directly, a forged header changes nothing: the peer is counted.
    auto forged = holdRequest("d", "203.0.113.5");
    forged.headers["x-forwarded-for"] = "198.51.100.77";
    EXPECT_FALSE(gate.admit(forged, holds).rejection);
    forged.headers["x-forwarded-for"] = "198.51.100.78";
    EXPECT_TRUE(gate.admit(forged, holds).rejection);
}

TEST(RateLimitGate, AStoreThatCannotAnswerLetsTheRequestThrough) {
    FailingLimiter limiter;
    RateLimitGate gate(settings({1, std::chrono::seconds(1)}, {1, std::chrono::seconds(1)}), limiter, nullptr, nullptr,
                       [] { return kT0; });
    for (int i = 0; i < 5; ++i) {
        auto v = gate.admit(holdRequest("alice"), route(Method::Post, "/v1/holds"));
        EXPECT_FALSE(v.rejection);
        EXPECT_TRUE(v.headers.empty()) << "no quota is claimed when none is known";
    }
}

TEST(RateLimitGate, SwitchedOffItCountsNothing) {
    admission::MemoryRateLimiter limiter;
    auto s = settings({1, std::chrono::seconds(60)}, {1, std::chrono::seconds(60)});
    s.enabled = false;
    RateLimitGate gate(s, limiter, nullptr, nullptr, [] { return kT0; });
    for (int i = 0; i < 5; ++i)
        EXPECT_FALSE(gate.admit(holdRequest("alice"), route(Method::Post, "/v1/holds")).rejection);
    EXPECT_EQ(limiter.size(), 0u);
}

TEST(RateLimitGate, TheShowOfARequest) {
    Request hold = holdRequest("a");
    EXPECT_EQ(RateLimitGate::showOf(hold, "/v1/holds"), "show-1");
    hold.body = "{ \"seatIds\": [\"A-1\"], \"showId\": \"show-2\" }";  // not the compact form
    EXPECT_EQ(RateLimitGate::showOf(hold, "/v1/holds"), "show-2");
    hold.body = "not json";
    EXPECT_FALSE(RateLimitGate::showOf(hold, "/v1/holds").has_value());
    Request seatmap;
    seatmap.method = Method::Get;
    seatmap.pathParams["id"] = "show-3";
    EXPECT_EQ(RateLimitGate::showOf(seatmap, "/v1/shows/{id}/seatmap"), "show-3");
    EXPECT_FALSE(RateLimitGate::showOf(seatmap, "/v1/events/{id}").has_value());
}

TEST(RateLimitRates, ParseAndFormat) {
    std::string error;
    auto r = admission::parseRate("10/1s", error);
    ASSERT_TRUE(r);
    EXPECT_EQ(r->limit, 10);
    EXPECT_EQ(r->window, std::chrono::seconds(1));
    EXPECT_EQ(admission::formatRate(*admission::parseRate("600/1m", error)), "600/1m");
    for (const char* bad : {"10", "/1s", "0/1s", "-1/1s", "10/0s", "10/500ms", "10/2h", "x/1s", "10/1parsec", "1e3/1s"})
        EXPECT_FALSE(admission::parseRate(bad, error).has_value()) << bad;
}

TEST(ShowRateLimitsBody, ValidatesEveryField) {
    using nlohmann::json;
    auto ok = parseShowRateLimits(json::parse(R"({"holds":{"perUser":{"limit":2,"windowSeconds":10}},"reads":null})"),
                                  ShowId{"s"});
    ASSERT_TRUE(ok) << ok.error().detail;
    ASSERT_TRUE(ok->of(Budget::Holds, admission::Scope::User).has_value());
    EXPECT_EQ(ok->of(Budget::Holds, admission::Scope::User)->limit, 2);
    EXPECT_EQ(ok->of(Budget::Holds, admission::Scope::User)->window, std::chrono::seconds(10));
    EXPECT_FALSE(ok->of(Budget::Holds, admission::Scope::Ip).has_value());
    EXPECT_TRUE(parseShowRateLimits(json::object(), ShowId{"s"})->empty());
    for (const char* bad :
         {R"({"holdz":{}})", R"({"holds":5})", R"({"holds":{"perUsr":{"limit":1,"windowSeconds":1}}})",
          R"({"holds":{"perUser":{"limit":0,"windowSeconds":1}}})", R"({"holds":{"perUser":{"limit":1}}})",
          R"({"holds":{"perUser":{"limit":1,"windowSeconds":3601}}})",
          R"({"holds":{"perUser":{"limit":"1","windowSeconds":1}}})",
          R"({"holds":{"perUser":{"limit":1,"windowSeconds":1,"burst":9}}})"}) {
        auto r = parseShowRateLimits(json::parse(bad), ShowId{"s"});
        ASSERT_FALSE(r) << bad;
        EXPECT_EQ(r.error().code, ErrorCode::ValidationFailed) << bad;
        EXPECT_FALSE(r.error().fields.empty()) << bad;
    }
}

}  // namespace
}  // namespace boxoffice::http
