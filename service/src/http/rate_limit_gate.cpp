#include "http/rate_limit_gate.hpp"

#include <algorithm>
#include <chrono>

#include <nlohmann/json.hpp>

#include "admission/client_ip.hpp"
#include "http/booking_dto.hpp"
#include "http/problem.hpp"
#include "metrics/rate_limit_metrics.hpp"

namespace boxoffice::http {

using admission::Budget;
using admission::Decision;
using admission::Micros;
using admission::Scope;

namespace {

constexpr Micros kSecond = 1'000'000;

Micros ceilSeconds(Micros us) {
    return (us + kSecond - 1) / kSecond;
}

struct Checked {
    Scope scope;
    admission::Policy policy;
    Decision decision;
};

// "holds-user";q=10;w=1 and "holds-user";r=3;t=1: one item per key checked, the tighter first.
std::string policyItem(const Checked& c) {
    return "\"" + c.policy.name + "\";q=" + std::to_string(c.policy.limit) + ";w=" +
           std::to_string(ceilSeconds(std::chrono::duration_cast<std::chrono::microseconds>(c.policy.window).count()));
}

std::string limitItem(const Checked& c) {
    return "\"" + c.policy.name + "\";r=" + std::to_string(c.decision.remaining) +
           ";t=" + std::to_string(ceilSeconds(c.decision.resetAfter));
}

// A user id is free-form: its length first keeps "a:b" + "c" apart from "a" + "b:c".
std::string keyPart(const std::string& s) {
    return std::to_string(s.size()) + ":" + s;
}

// The verdict from the limiter's answers: the tighter first, a 429 if it refuses, nothing claimed
// when nothing is known (every check failed: fail open). `seconds`: how long the store took, when
// it was asked.
RateLimitVerdict verdictOf(const metrics::RateLimitMetrics* metrics, Budget budget, const std::string& requestId,
                           const std::vector<admission::LimitCheck>& checks, const std::vector<Scope>& scopes,
                           std::vector<Result<Decision>> results, std::optional<double> seconds) {
    RateLimitVerdict verdict;
    const std::string budgetName(admission::budgetName(budget));
    std::vector<Checked> decided;
    const Error* firstError = nullptr;
    for (std::size_t i = 0; i < results.size() && i < checks.size(); ++i) {
        if (!results[i]) {
            if (!firstError) firstError = &results[i].error();
            if (metrics) metrics->failedOpen(budget, scopes[i]);
            continue;
        }
        if (metrics) metrics->decided(budget, scopes[i], results[i]->allowed);
        decided.push_back({scopes[i], checks[i].policy, *results[i]});
    }
    if (metrics && seconds) metrics->store().observe(*seconds, firstError);  // the store was asked
    if (decided.empty()) return verdict;  // fail open: nothing is known, nothing is claimed

    // The tighter answer first: a refusal (the longest wait), else the fewest requests left.
    std::stable_sort(decided.begin(), decided.end(), [](const Checked& a, const Checked& b) {
        if (a.decision.allowed != b.decision.allowed) return !a.decision.allowed;
        if (!a.decision.allowed) return a.decision.retryAfter > b.decision.retryAfter;
        return a.decision.remaining < b.decision.remaining;
    });
    std::string policies, limits;
    for (const auto& c : decided) {
        policies += (policies.empty() ? "" : ", ") + policyItem(c);
        limits += (limits.empty() ? "" : ", ") + limitItem(c);
    }
    verdict.headers.emplace_back("RateLimit-Policy", policies);
    verdict.headers.emplace_back("RateLimit", limits);
    const Checked& tightest = decided.front();
    if (!tightest.decision.allowed) {
        const Micros wait = std::max<Micros>(1, ceilSeconds(tightest.decision.retryAfter));
        Error e = Error::of(
            ErrorCode::RateLimited,
            "too many " + budgetName + " requests " +
                (tightest.scope == Scope::User ? std::string("from this user") : std::string("from this address")) +
                "; retry in " + std::to_string(wait) + " s",
            "rate limited: " + tightest.policy.name);
        Response r = problem(e, requestId);
        r.with("Retry-After", std::to_string(wait));
        for (const auto& h : verdict.headers) r.with(h.first, h.second);
        verdict.rejection = std::move(r);
    }
    return verdict;
}

}  // namespace

RateLimitGate::RateLimitGate(admission::RateLimitSettings settings, admission::RateLimiter& limiter,
                             const admission::ShowRateLimitCache* overrides, const metrics::RateLimitMetrics* metrics,
                             Now now)
    : settings_(std::move(settings)),
      limiter_(limiter),
      overrides_(overrides),
      metrics_(metrics),
      now_(std::move(now)) {
    if (!now_)
        now_ = [] {
            return std::chrono::duration_cast<std::chrono::microseconds>(
                       std::chrono::system_clock::now().time_since_epoch())
                .count();
        };
}

std::optional<Budget> RateLimitGate::budgetOf(Method method, const std::string& pattern) {
    if (method == Method::Post && pattern == "/v1/holds") return Budget::Holds;
    if (method == Method::Delete && pattern == "/v1/holds/{id}") return Budget::Holds;
    if (method == Method::Post && (pattern == "/v1/orders" || pattern == "/v1/orders/{id}/confirm-payment" ||
                                   pattern == "/v1/orders/{id}/cancel" || pattern == "/v1/orders/{id}/payment"))
        return Budget::Orders;
    if ((method == Method::Get || method == Method::Head) && pattern.rfind("/v1/", 0) == 0) return Budget::Reads;
    return std::nullopt;
}

std::optional<std::string> RateLimitGate::showOf(const Request& request, const std::string& pattern) {
    if (pattern.rfind("/v1/shows/{id}", 0) == 0) {
        auto it = request.pathParams.find("id");
        if (it != request.pathParams.end()) return it->second;
    }
    if (pattern == "/v1/holds" && request.method == Method::Post) {
        if (auto plain = parsePlainHoldBody(request.body)) return plain->showId.str();
        // Not the compact form: the handler parses it properly; here only the show id is wanted.
        auto json = nlohmann::json::parse(request.body, nullptr, false);
        if (json.is_object()) {
            auto it = json.find("showId");
            if (it != json.end() && it->is_string()) return it->get<std::string>();
        }
    }
    return std::nullopt;
}

void RateLimitGate::admit(const Request& request, const Route& route, Budget budget, Admitted done) const {
    if (!settings_.enabled) return done({});
    const std::string budgetName(admission::budgetName(budget));

    std::shared_ptr<const admission::ShowRateLimits> showLimits;
    std::optional<std::string> show;
    if (overrides_) {
        show = showOf(request, route.pattern);
        if (show) showLimits = overrides_->find(*show);
    }
    const std::string ip =
        admission::clientIp(request.peerAddress, request.header("x-forwarded-for"), settings_.trustedProxies);

    std::vector<admission::LimitCheck> checks;
    std::vector<Scope> scopes;
    for (Scope scope : admission::kScopes) {
        if (scope == Scope::User && !request.principal) continue;
        const std::string subject = scope == Scope::User ? request.principal->userId : ip;
        if (subject.empty()) continue;
        admission::Rate rate = settings_.of(budget).of(scope);
        // A show's own rate is a budget of its own: spending it leaves the user's other shows alone.
        std::string key = budgetName;
        if (showLimits && showLimits->of(budget, scope)) {
            rate = *showLimits->of(budget, scope);
            key += ":s:" + keyPart(*show);
        }
        key += scope == Scope::User ? ":u:" : ":ip:";
        key += keyPart(subject);
        checks.push_back(
            {std::move(key), admission::toPolicy(rate, budgetName + "-" + std::string(admission::scopeName(scope)))});
        scopes.push_back(scope);
    }
    if (checks.empty()) return done({});

    // A key refused a moment ago is refused still (denial_cache.hpp): answered here, no round trip.
    const Micros now = now_();
    std::vector<admission::LimitCheck> refusedChecks;
    std::vector<Scope> refusedScopes;
    std::vector<Result<Decision>> refusals;
    for (std::size_t i = 0; i < checks.size(); ++i)
        if (auto d = denials_.refused(checks[i].key, checks[i].policy, now)) {
            refusedChecks.push_back(checks[i]);
            refusedScopes.push_back(scopes[i]);
            refusals.emplace_back(*d);
        }
    if (!refusals.empty())
        return done(verdictOf(metrics_, budget, request.requestId, refusedChecks, refusedScopes, std::move(refusals),
                              std::nullopt));

    // The limiter takes its own copy of the checks; the verdict needs the policies and scopes back.
    auto started = std::chrono::steady_clock::now();
    limiter_.checkAll(checks, now,
                      [this, budget, requestId = request.requestId, checks, scopes = std::move(scopes), now, started,
                       done = std::move(done)](std::vector<Result<Decision>> results) {
                          const double seconds =
                              std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
                          // Counted from when the check was sent: never remembered past its end.
                          for (std::size_t i = 0; i < results.size() && i < checks.size(); ++i)
                              if (results[i]) denials_.remember(checks[i].key, checks[i].policy, *results[i], now);
                          done(verdictOf(metrics_, budget, requestId, checks, scopes, std::move(results), seconds));
                      });
}

}  // namespace boxoffice::http
