#include "support/metrics_text.hpp"

#include <stdexcept>

namespace boxoffice::testing {

MetricsText::MetricsText(const std::string& text) {
    int bad = 0;
    samples_ = load::parsePrometheusText(text, &bad);
    if (bad > 0) throw std::runtime_error(std::to_string(bad) + " sample lines of the scrape do not parse");
}

double MetricsText::sum(const std::string& name, const std::map<std::string, std::string>& labels) const {
    return load::sumSamples(samples_, name, labels);
}

int MetricsText::count(const std::string& name, const std::map<std::string, std::string>& labels) const {
    int n = 0;
    for (const auto& s : samples_) {
        if (s.name != name) continue;
        bool all = true;
        for (const auto& [k, v] : labels) {
            auto it = s.labels.find(k);
            all = all && it != s.labels.end() && it->second == v;
        }
        n += all ? 1 : 0;
    }
    return n;
}

}  // namespace boxoffice::testing
