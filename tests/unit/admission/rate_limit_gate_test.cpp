// The rate limit step: budgets by route, user and IP both counted (the tighter answer wins), the
// headers of draft-ietf-httpapi-ratelimit-headers, the 429 problem, and failing open.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "admission/denial_cache.hpp"
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
    void checkAll(std::vector<admission::LimitCheck> checks, Micros, Decided done) override {
        std::vector<Result<admission::Decision>> out;
        for (std::size_t i = 0; i < checks.size(); ++i)
            out.emplace_back(
                Error{ErrorCode::DependencyUnavailable, "redis unavailable", {}, {}, "connection refused", {}});
        done(std::move(out));
    }
};

// Answers only when told to, as the Redis limiter answers from its batcher thread.
struct DeferredLimiter final : admission::RateLimiter {
    admission::MemoryRateLimiter inner;
    std::vector<std::pair<std::vector<admission::LimitCheck>, Decided>> waiting;
    void checkAll(std::vector<admission::LimitCheck> checks, Micros, Decided done) override {
        waiting.emplace_back(std::move(checks), std::move(done));
    }
    void answerAll(Micros now) {
        auto w = std::move(waiting);
        for (auto& [checks, done] : w) inner.checkAll(std::move(checks), now, std::move(done));
    }
};

// The in-process limiters here answer before admit() returns.
RateLimitVerdict admitNow(const RateLimitGate& gate, const Request& request, const Route& route) {
    std::optional<RateLimitVerdict> verdict;
    const auto budget = RateLimitGate::budgetOf(route.method, route.pattern);
    EXPECT_TRUE(budget.has_value()) << route.pattern << " spends no budget";
    if (!budget) return {};
    gate.admit(request, route, *budget, [&verdict](RateLimitVerdict v) { verdict = std::move(v); });
    EXPECT_TRUE(verdict.has_value()) << "an in-process limiter answers at once";
    return verdict ? std::move(*verdict) : RateLimitVerdict{};
}

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
        auto v = admitNow(gate, holdRequest("alice"), holds);
        ASSERT_FALSE(v.rejection) << i;
        // The tighter of the two (the user's) first.
        EXPECT_EQ(header(v.headers, "RateLimit-Policy"), "\"holds-user\";q=3;w=1, \"holds-ip\";q=1000;w=1");
        EXPECT_EQ(header(v.headers, "RateLimit").rfind("\"holds-user\";r=" + std::to_string(2 - i) + ";t=1, ", 0), 0u)
            << header(v.headers, "RateLimit");
    }
    now += 100'000;  // 100 ms later: the next cell is due 333 ms after the first
    auto v = admitNow(gate, holdRequest("alice"), holds);
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
    EXPECT_FALSE(admitNow(gate, holdRequest("bob"), holds).rejection);
    auto read = holdRequest("alice");
    read.method = Method::Get;
    EXPECT_FALSE(admitNow(gate, read, route(Method::Get, "/v1/holds/{id}")).rejection);
    // 333 ms after the first: one more.
    now = kT0 + 333'334;
    EXPECT_FALSE(admitNow(gate, holdRequest("alice"), holds).rejection);
}

TEST(RateLimitGate, TheAddressBudgetIsSharedByItsUsersAndTheTighterAnswerWins) {
    admission::MemoryRateLimiter limiter;
    RateLimitGate gate(settings({100, std::chrono::seconds(1)}, {2, std::chrono::seconds(10)}), limiter, nullptr,
                       nullptr, [] { return kT0; });
    const Route holds = route(Method::Post, "/v1/holds");
    EXPECT_FALSE(admitNow(gate, holdRequest("u1"), holds).rejection);
    EXPECT_FALSE(admitNow(gate, holdRequest("u2"), holds).rejection);
    auto v = admitNow(gate, holdRequest("u3"), holds);
    ASSERT_TRUE(v.rejection);
    EXPECT_EQ(header(v.rejection->headers, "Retry-After"), "5");  // T = 5 s
    EXPECT_EQ(header(v.rejection->headers, "RateLimit").rfind("\"holds-ip\";r=0;t=10", 0), 0u)
        << header(v.rejection->headers, "RateLimit");
    // Another address is not affected.
    EXPECT_FALSE(admitNow(gate, holdRequest("u3", "192.0.2.99"), holds).rejection);
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
    EXPECT_FALSE(admitNow(gate, viaAlb("a", "198.51.100.1"), holds).rejection);
    EXPECT_FALSE(admitNow(gate, viaAlb("b", "198.51.100.2"), holds).rejection) << "two clients behind one ALB";
    EXPECT_TRUE(admitNow(gate, viaAlb("c", "198.51.100.1"), holds).rejection);
    // From the internet directly, a forged header changes nothing: the peer is counted.
    auto forged = holdRequest("d", "203.0.113.5");
    forged.headers["x-forwarded-for"] = "198.51.100.77";
    EXPECT_FALSE(admitNow(gate, forged, holds).rejection);
    forged.headers["x-forwarded-for"] = "198.51.100.78";
    EXPECT_TRUE(admitNow(gate, forged, holds).rejection);
}

TEST(RateLimitGate, AStoreThatCannotAnswerLetsTheRequestThrough) {
    FailingLimiter limiter;
    RateLimitGate gate(settings({1, std::chrono::seconds(1)}, {1, std::chrono::seconds(1)}), limiter, nullptr, nullptr,
                       [] { return kT0; });
    for (int i = 0; i < 5; ++i) {
        auto v = admitNow(gate, holdRequest("alice"), route(Method::Post, "/v1/holds"));
        EXPECT_FALSE(v.rejection);
        EXPECT_TRUE(v.headers.empty()) << "no quota is claimed when none is known";
    }
}

TEST(RateLimitGate, TheVerdictComesWhenTheLimiterAnswersAndTheRequestNeedNotLiveThatLong) {
    DeferredLimiter limiter;
    RateLimitGate gate(settings({1, std::chrono::seconds(10)}, {100, std::chrono::seconds(1)}), limiter, nullptr,
                       nullptr, [] { return kT0; });
    std::vector<RateLimitVerdict> verdicts;
    for (int i = 0; i < 2; ++i) {
        auto request = std::make_unique<Request>(holdRequest("alice"));
        request->requestId = "req-" + std::to_string(i);
        gate.admit(*request, route(Method::Post, "/v1/holds"), Budget::Holds,
                   [&verdicts](RateLimitVerdict v) { verdicts.push_back(std::move(v)); });
    }  // each request is gone before its answer
    EXPECT_TRUE(verdicts.empty()) << "nothing is decided before the limiter answers";
    ASSERT_EQ(limiter.waiting.size(), 2u);
    EXPECT_EQ(limiter.waiting[0].first.size(), 2u) << "the user and the address, in one call";
    limiter.answerAll(kT0);
    ASSERT_EQ(verdicts.size(), 2u);
    EXPECT_FALSE(verdicts[0].rejection);
    ASSERT_TRUE(verdicts[1].rejection);
    EXPECT_EQ(nlohmann::json::parse(verdicts[1].rejection->body)["requestId"], "req-1");
}

struct CountingLimiter final : admission::RateLimiter {
    admission::MemoryRateLimiter inner;
    int calls = 0;
    void checkAll(std::vector<admission::LimitCheck> checks, Micros now, Decided done) override {
        ++calls;
        inner.checkAll(std::move(checks), now, std::move(done));
    }
};

TEST(RateLimitGate, ARefusedKeyIsRefusedFromMemoryUntilItsRetryAfterThenAskedAgain) {
    CountingLimiter limiter;
    Micros now = kT0;
    RateLimitGate gate(settings({2, std::chrono::seconds(1)}, {1000, std::chrono::seconds(1)}), limiter, nullptr,
                       nullptr, [&now] { return now; });
    const Route holds = route(Method::Post, "/v1/holds");
    EXPECT_FALSE(admitNow(gate, holdRequest("alice"), holds).rejection);
    EXPECT_FALSE(admitNow(gate, holdRequest("alice"), holds).rejection);
    auto first = admitNow(gate, holdRequest("alice"), holds);
    ASSERT_TRUE(first.rejection);
    EXPECT_EQ(limiter.calls, 3);
    // A flood of refused requests asks the limiter nothing, and each says the wait still due.
    now += 200'000;
    for (int i = 0; i < 50; ++i) {
        auto again = admitNow(gate, holdRequest("alice"), holds);
        ASSERT_TRUE(again.rejection);
        EXPECT_EQ(again.rejection->status, 429);
        EXPECT_EQ(header(again.rejection->headers, "RateLimit").rfind("\"holds-user\";r=0;t=1", 0), 0u)
            << header(again.rejection->headers, "RateLimit");
    }
    EXPECT_EQ(limiter.calls, 3) << "refusals are answered from memory";
    // Another user is asked as ever; at the retry-after the limiter is asked again and allows.
    EXPECT_FALSE(admitNow(gate, holdRequest("bob"), holds).rejection);
    EXPECT_EQ(limiter.calls, 4);
    now = kT0 + 500'000;
    EXPECT_FALSE(admitNow(gate, holdRequest("alice"), holds).rejection);
    EXPECT_EQ(limiter.calls, 5);
}

TEST(DenialCache, OnlyRefusalsOnlyUnderTheSamePolicyAndBounded) {
    admission::DenialCache cache(/*maxKeys=*/4, /*shards=*/1);
    const admission::Policy p{"holds-user", 10, std::chrono::seconds(1), 10};
    admission::Decision allowed;
    cache.remember("a", p, allowed, kT0);
    EXPECT_FALSE(cache.refused("a", p, kT0));
    admission::Decision refused{false, 0, 300'000, 900'000, 10};
    cache.remember("a", p, refused, kT0);
    auto d = cache.refused("a", p, kT0 + 100'000);
    ASSERT_TRUE(d);
    EXPECT_EQ(d->retryAfter, 200'000);
    EXPECT_EQ(d->resetAfter, 800'000);
    EXPECT_FALSE(cache.refused("a", admission::Policy{"holds-user", 20, std::chrono::seconds(1), 20}, kT0))
        << "a changed policy is asked anew";
    EXPECT_FALSE(cache.refused("a", p, kT0 + 300'000)) << "over at its retry-after";
    for (int i = 0; i < 10; ++i) cache.remember("k" + std::to_string(i), p, refused, kT0);
    EXPECT_LE(cache.size(), 4u);
    // Once those ran out, a new refusal finds room.
    cache.remember("late", p, refused, kT0 + 400'000);
    EXPECT_TRUE(cache.refused("late", p, kT0 + 400'001));
}

TEST(RateLimitGate, SwitchedOffItCountsNothing) {
    admission::MemoryRateLimiter limiter;
    auto s = settings({1, std::chrono::seconds(60)}, {1, std::chrono::seconds(60)});
    s.enabled = false;
    RateLimitGate gate(s, limiter, nullptr, nullptr, [] { return kT0; });
    for (int i = 0; i < 5; ++i)
        EXPECT_FALSE(admitNow(gate, holdRequest("alice"), route(Method::Post, "/v1/holds")).rejection);
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
