#include "metrics/http_metrics.hpp"

#include <string>

namespace boxoffice::metrics {

namespace pm = prometheus;

namespace {
constexpr http::Method kMethods[] = {http::Method::Get,     http::Method::Post,   http::Method::Put,
                                     http::Method::Patch,   http::Method::Delete, http::Method::Head,
                                     http::Method::Options, http::Method::Other};
}  // namespace

HttpMetrics::HttpMetrics(Metrics& metrics, const std::vector<http::Route>& routes)
    : booking_(metrics.booking()),
      requests_(pm::BuildCounter()
                    .Name("boxoffice_http_requests_total")
                    .Help("HTTP requests answered, by route template, method and status code")
                    .Register(*metrics.registry())),
      durations_(pm::BuildHistogram()
                     .Name("boxoffice_http_request_duration_seconds")
                     .Help("Time from a request's arrival to its answer, by route template and method")
                     .Register(*metrics.registry())),
      inFlight_(&pm::BuildGauge()
                     .Name("boxoffice_http_requests_in_flight")
                     .Help("Requests being handled")
                     .Register(*metrics.registry())
                     .Add({})) {
    for (const auto& r : routes) routes_.push_back(makeSlot(r.pattern, r.method));
    for (auto m : kMethods) unmatched_.push_back(makeSlot("unmatched", m));
}

std::unique_ptr<HttpMetrics::Slot> HttpMetrics::makeSlot(const std::string& route, http::Method method) {
    auto s = std::make_unique<Slot>();
    s->route = route;
    s->method = std::string(http::methodName(method));
    s->duration = &durations_.Add({{"route", s->route}, {"method", s->method}}, latencyBuckets());
    s->codes = std::make_unique<std::atomic<pm::Counter*>[]>(kStatuses);
    for (int i = 0; i < kStatuses; ++i) s->codes[static_cast<std::size_t>(i)].store(nullptr);
    s->isHold = method == http::Method::Post && route == "/v1/holds";
    return s;
}

pm::Counter& HttpMetrics::counter(Slot& slot, int status) {
    if (status < kMinStatus || status >= kMinStatus + kStatuses) status = 599;
    auto& cell = slot.codes[static_cast<std::size_t>(status - kMinStatus)];
    if (auto* c = cell.load(std::memory_order_acquire)) return *c;
    // First answer with this status on this route: the only label lookup, done once.
    std::lock_guard lock(mu_);
    auto* c = &requests_.Add({{"route", slot.route}, {"method", slot.method}, {"code", std::to_string(status)}});
    cell.store(c, std::memory_order_release);
    return *c;
}

void HttpMetrics::finished(int routeIndex, http::Method method, int status, double seconds) {
    inFlight_->Decrement();
    Slot& slot = routeIndex >= 0 && static_cast<std::size_t>(routeIndex) < routes_.size()
                     ? *routes_[static_cast<std::size_t>(routeIndex)]
                     : *unmatched_[static_cast<std::size_t>(method)];
    counter(slot, status).Increment();
    slot.duration->Observe(seconds);
    if (slot.isHold) {
        booking_.hold(status == 201   ? HoldOutcome::Held
                      : status == 409 ? HoldOutcome::Conflict
                      : status < 500  ? HoldOutcome::Invalid
                                      : HoldOutcome::Error);
    }
}

void HttpMetrics::rejected(int status) {
    counter(*unmatched_[static_cast<std::size_t>(http::Method::Other)], status).Increment();
}

}  // namespace boxoffice::metrics
