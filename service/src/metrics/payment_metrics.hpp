#pragma once
// The payments' family, registered once: every webhook event a provider delivered, by what it did
// (confirmed, failed, refunded, late_refunded, duplicate, ...). Late payments are the outcomes that
// start with "late_".
#include <map>
#include <mutex>
#include <string>
#include <string_view>

#include "metrics/metrics.hpp"

namespace boxoffice::metrics {

class PaymentMetrics {
public:
    explicit PaymentMetrics(Metrics& metrics);
    /// Outcomes are a small closed set chosen by the service (never the provider's text).
    void event(std::string_view provider, std::string_view outcome);

private:
    prometheus::Family<prometheus::Counter>& events_;
    std::mutex mu_;
    std::map<std::pair<std::string, std::string>, prometheus::Counter*> counters_;
};

}  // namespace boxoffice::metrics
