#pragma once
// The standard process_* metrics of this process, read from /proc at scrape time.
#include <prometheus/collectable.h>
#include <prometheus/metric_family.h>

#include <vector>

namespace boxoffice::metrics {

class ProcessCollector final : public prometheus::Collectable {
public:
    std::vector<prometheus::MetricFamily> Collect() const override;
};

}  // namespace boxoffice::metrics
