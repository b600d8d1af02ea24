#pragma once
// Reads the Prometheus text format of a real scrape, for assertions on named series. The parsing is
// the flash-sale verifier's (loadtest/src/verifier/prometheus_text.*); this only makes it strict.
#include <map>
#include <string>
#include <vector>

#include "verifier/prometheus_text.hpp"

namespace boxoffice::testing {

using Sample = load::MetricSample;

class MetricsText {
public:
    /// Throws when any sample line does not parse: a test scrape must be well-formed.
    explicit MetricsText(const std::string& text);
    /// Sum of every sample named `name` whose labels include `labels` (0 when none).
    double sum(const std::string& name, const std::map<std::string, std::string>& labels = {}) const;
    /// How many samples named `name` include `labels`.
    int count(const std::string& name, const std::map<std::string, std::string>& labels = {}) const;
    const std::vector<Sample>& samples() const { return samples_; }

private:
    std::vector<Sample> samples_;
};

}  // namespace boxoffice::testing
