// The service's counters against the responses the clients counted.
#include "verifier/checks.hpp"

#include <cmath>
#include <map>
#include <sstream>

#include "verifier/check_helpers.hpp"

namespace boxoffice::load {

using namespace check_helpers;

CheckOutput checkMetrics(const Ledger& ledger, const std::vector<MetricSample>& after,
                         const std::optional<std::vector<MetricSample>>& before) {
    CheckOutput out;
    static const std::string kRequests = "boxoffice_http_requests_total";
    static const std::string kHolds = "boxoffice_holds_total";
    if (!hasMetric(after, kRequests)) {
        out.skipped = true;
        out.detail = "the scrape has no " + kRequests + " (the service does not export it yet)";
        return out;
    }
    auto delta = [&](const std::string& name, const std::map<std::string, std::string>& labels) {
        const double a = sumSamples(after, name, labels);
        return std::llround(before ? a - sumSamples(*before, name, labels) : a);
    };
    // A response lost in transport was counted by the service but not by a client.
    const long long slack = ledger.transportErrors;
    long long compared = 0;
    for (const auto& [key, count] : ledger.responses) {
        const auto first = key.find(' ');
        const auto last = key.rfind(' ');
        if (first == std::string::npos || last == first) {
            out.violations.push_back({"", "cannot read the ledger's response key '" + key + "'", {}, {}});
            continue;
        }
        const std::string method = key.substr(0, first), route = key.substr(first + 1, last - first - 1),
                          code = key.substr(last + 1);
        const long long served = delta(kRequests, {{"method", method}, {"route", route}, {"code", code}});
        ++compared;
        if (served < count || served > count + slack)
            out.violations.push_back({"",
                                      key + ": clients counted " + std::to_string(count) + ", the service " +
                                          std::to_string(served) +
                                          (slack > 0 ? " (up to " + std::to_string(slack) + " more allowed)" : ""),
                                      {},
                                      {}});
    }
    out.detail = std::to_string(compared) + " endpoint/status pairs compared" +
                 (before ? " (deltas from the baseline scrape)" : " (absolute counters: no baseline scrape)");
    if (hasMetric(after, kHolds)) {
        const auto it = ledger.responses.find("POST /v1/holds 201");
        const long long created = it == ledger.responses.end() ? 0 : it->second;
        const long long held = delta(kHolds, {{"outcome", "held"}});
        if (held < created || held > created + slack)
            out.violations.push_back({"",
                                      kHolds + "{outcome=\"held\"} is " + std::to_string(held) + " but clients got " +
                                          std::to_string(created) + " holds (201)",
                                      {},
                                      {}});
        const auto c409 = ledger.responses.find("POST /v1/holds 409");
        const long long conflicts = c409 == ledger.responses.end() ? 0 : c409->second;
        const long long conflict = delta(kHolds, {{"outcome", "conflict"}});
        if (conflict > conflicts + slack)
            out.violations.push_back({"",
                                      kHolds + "{outcome=\"conflict\"} is " + std::to_string(conflict) +
                                          " but clients got only " + std::to_string(conflicts) + " 409s on holds",
                                      {},
                                      {}});
        out.detail += "; holds held/conflict " + std::to_string(held) + "/" + std::to_string(conflict);
    } else {
        out.detail += "; no " + kHolds + " in the scrape";
    }
    return out;
}

}  // namespace boxoffice::load
