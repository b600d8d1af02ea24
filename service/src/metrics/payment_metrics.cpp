#include "metrics/payment_metrics.hpp"

#include <prometheus/counter.h>
#include <prometheus/family.h>

namespace boxoffice::metrics {

PaymentMetrics::PaymentMetrics(Metrics& metrics)
    : events_(prometheus::BuildCounter()
                  .Name("boxoffice_payment_events_total")
                  .Help("Payment provider webhook events by provider and by what the service did with them")
                  .Register(*metrics.registry())) {}

void PaymentMetrics::event(std::string_view provider, std::string_view outcome) {
    std::lock_guard lock(mu_);
    auto key = std::make_pair(std::string(provider), std::string(outcome));
    auto it = counters_.find(key);
    if (it == counters_.end())
        it = counters_.emplace(key, &events_.Add({{"provider", key.first}, {"outcome", key.second}})).first;
    it->second->Increment();
}

}  // namespace boxoffice::metrics
