#include "metrics/rate_limit_metrics.hpp"

namespace boxoffice::metrics {

namespace pm = prometheus;

RateLimitMetrics::RateLimitMetrics(Metrics& metrics, const std::string& dependency)
    : store_(metrics.dependencyOp(dependency, "rate_limit")) {
    auto& r = *metrics.registry();
    auto& decisions = pm::BuildCounter()
                          .Name("boxoffice_rate_limit_decisions_total")
                          .Help("Rate limit checks by budget, scope (user, ip) and outcome (allowed, limited)")
                          .Register(r);
    auto& failOpen = pm::BuildCounter()
                         .Name("boxoffice_rate_limit_fail_open_total")
                         .Help("Rate limit checks the limiter's store could not answer; the request was allowed")
                         .Register(r);
    for (auto b : admission::kBudgets) {
        for (auto s : admission::kScopes) {
            const std::string budget(admission::budgetName(b)), scope(admission::scopeName(s));
            decisions_[index(b, s)][0] = &decisions.Add({{"budget", budget}, {"scope", scope}, {"outcome", "allowed"}});
            decisions_[index(b, s)][1] = &decisions.Add({{"budget", budget}, {"scope", scope}, {"outcome", "limited"}});
            failOpen_[index(b, s)] = &failOpen.Add({{"budget", budget}, {"scope", scope}});
        }
    }
    auto& refresh = pm::BuildCounter()
                        .Name("boxoffice_rate_limit_override_refreshes_total")
                        .Help("Reloads of the shows' rate limit overrides from the database, by result")
                        .Register(r);
    refreshOk_ = &refresh.Add({{"result", "ok"}});
    refreshFailed_ = &refresh.Add({{"result", "failed"}});
}

}  // namespace boxoffice::metrics
