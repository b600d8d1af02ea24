#pragma once
// Reads the Prometheus text format of a real scrape, for assertions on named series.
#include <map>
#include <string>
#include <vector>

namespace boxoffice::testing {

struct Sample {
    std::string name;
    std::map<std::string, std::string> labels;
    double value = 0;
};

class MetricsText {
public:
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
