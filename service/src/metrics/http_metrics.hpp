#pragma once
// RED metrics of the HTTP API by route template (never by path: ids would explode cardinality).
// Every route's series are resolved when the server is built; a request only does an index and
// one atomic load per counter it bumps.
#include <prometheus/counter.h>
#include <prometheus/family.h>
#include <prometheus/gauge.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>

#include <atomic>
#include <memory>
#include <mutex>
#include <vector>

#include "http/router.hpp"
#include "metrics/metrics.hpp"

namespace boxoffice::metrics {

class HttpMetrics {
public:
    /// `routes` is the router's final table; requests are later named by their index in it.
    HttpMetrics(Metrics& metrics, const std::vector<http::Route>& routes);
    HttpMetrics(const HttpMetrics&) = delete;
    HttpMetrics& operator=(const HttpMetrics&) = delete;

    void started() { inFlight_->Increment(); }
    /// `routeIndex`: the matched route's index in the table, or -1 (counted as route "unmatched").
    void finished(int routeIndex, http::Method method, int status, double seconds);
    /// A request that never reached the router (e.g. a header timeout); not in flight.
    void rejected(int status);

private:
    static constexpr int kMinStatus = 100;
    static constexpr int kStatuses = 500;  // 100..599
    struct Slot {
        std::string route;
        std::string method;
        prometheus::Histogram* duration = nullptr;
        std::unique_ptr<std::atomic<prometheus::Counter*>[]> codes;
        bool isHold = false;  // POST /v1/holds also counts boxoffice_holds_total by outcome
    };
    std::unique_ptr<Slot> makeSlot(const std::string& route, http::Method method);
    prometheus::Counter& counter(Slot& slot, int status);

    const BookingMetrics& booking_;
    prometheus::Family<prometheus::Counter>& requests_;
    prometheus::Family<prometheus::Histogram>& durations_;
    prometheus::Gauge* inFlight_;
    std::vector<std::unique_ptr<Slot>> routes_;
    std::vector<std::unique_ptr<Slot>> unmatched_;  // by http::Method
    std::mutex mu_;                                 // first use of a status code on a route
};

}  // namespace boxoffice::metrics
