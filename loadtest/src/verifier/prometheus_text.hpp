#pragma once
// The Prometheus text exposition format, parsed just enough to sum counters by label.

#include <map>
#include <string>
#include <vector>

namespace boxoffice::load {

struct MetricSample {
    std::string name;
    std::map<std::string, std::string> labels;
    double value = 0;
};

/// Every sample line of a scrape; comments, blank and unparsable lines are skipped (counted in `bad`).
std::vector<MetricSample> parsePrometheusText(const std::string& text, int* bad = nullptr);

/// Sum of the samples named `name` whose labels include every pair of `match`.
double sumSamples(const std::vector<MetricSample>& samples, const std::string& name,
                  const std::map<std::string, std::string>& match);

bool hasMetric(const std::vector<MetricSample>& samples, const std::string& name);

}  // namespace boxoffice::load
