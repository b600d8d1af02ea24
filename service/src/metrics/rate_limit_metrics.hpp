#pragma once
// The rate limiter's families, registered once: every decision by budget, scope and outcome, the
// checks that could not be decided (the limiter failed open), and the show overrides' refreshes.
#include <array>
#include <string>

#include "admission/rate_limit_policy.hpp"
#include "metrics/metrics.hpp"

namespace boxoffice::metrics {

class RateLimitMetrics {
public:
    /// `dependency` names the limiter's store in boxoffice_dependency_* ("redis", "memory").
    RateLimitMetrics(Metrics& metrics, const std::string& dependency);

    void decided(admission::Budget b, admission::Scope s, bool allowed) const {
        decisions_[index(b, s)][allowed ? 0 : 1]->Increment();
    }
    /// A check with no answer (the store failed): the request was let through.
    void failedOpen(admission::Budget b, admission::Scope s) const { failOpen_[index(b, s)]->Increment(); }
    void overrideRefresh(bool ok) const { (ok ? refreshOk_ : refreshFailed_)->Increment(); }
    const DependencyOp& store() const { return store_; }

private:
    static std::size_t index(admission::Budget b, admission::Scope s) {
        return static_cast<std::size_t>(b) * 2 + static_cast<std::size_t>(s);
    }
    std::array<std::array<prometheus::Counter*, 2>, 6> decisions_{};  // [budget x scope][allowed, limited]
    std::array<prometheus::Counter*, 6> failOpen_{};
    prometheus::Counter* refreshOk_ = nullptr;
    prometheus::Counter* refreshFailed_ = nullptr;
    const DependencyOp& store_;
};

}  // namespace boxoffice::metrics
