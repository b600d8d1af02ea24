#include "common/stats.hpp"

namespace boxoffice::load {

const char* endpointRoute(int e) {
    switch (e) {
        case Healthz:
            return "GET /healthz";
        case Layout:
            return "GET /v1/shows/{id}/seatmap/layout";
        case Availability:
            return "GET /v1/shows/{id}/seatmap/availability";
        case Hold:
            return "POST /v1/holds";
        case Order:
            return "POST /v1/orders";
        case Confirm:
            return "POST /v1/orders/{id}/confirm-payment";
        case Cancel:
            return "POST /v1/orders/{id}/cancel";
        case QueueJoin:
            return "POST /v1/shows/{id}/queue";
        case QueuePoll:
            return "GET /v1/shows/{id}/queue/me";
        case StartPay:
            return "POST /v1/orders/{id}/payment";
        case Webhook:
            return "POST /v1/payments/dev/webhook";
        case GetOrder:
            return "GET /v1/orders/{id}";
        case Refund:
            return "POST /v1/orders/{id}/refund";
        default:
            return "?";
    }
}

const char* endpointName(int e) {
    static const char* names[] = {"healthz", "layout",    "availability", "hold",       "order",
                                  "confirm", "cancel",    "queue_join",   "queue_poll", "pay",
                                  "webhook", "get_order", "refund"};
    static_assert(sizeof names / sizeof names[0] == kEndpoints);
    return e >= 0 && e < kEndpoints ? names[e] : "?";
}

const char* outcomeName(int o) {
    static const char* names[] = {"confirmed",        "sold_out_seen",  "gave_up",  "abandoned_hold", "abandoned_order",
                                  "cancelled",        "paid_too_late",  "rejected", "failed",         "never_admitted",
                                  "admission_lapsed", "payment_failed", "refunded"};
    static_assert(sizeof names / sizeof names[0] == kOutcomes);
    return o >= 0 && o < kOutcomes ? names[o] : "?";
}

void EndpointStats::merge(const EndpointStats& o) {
    latency.merge(o.latency);
    for (const auto& [k, v] : o.statuses) statuses[k] += v;
    for (const auto& [k, v] : o.codes) codes[k] += v;
    transportErrors += o.transportErrors;
}

void Second::merge(const Second& o) {
    for (std::size_t i = 0; i < done.size(); ++i) done[i] += o.done[i];
    latency.merge(o.latency);
    holdLatency.merge(o.holdLatency);
    holds += o.holds, conflicts += o.conflicts, confirmedSeats += o.confirmedSeats, errors += o.errors;
    admitted += o.admitted;
}

void Stats::merge(const Stats& o) {
    for (std::size_t i = 0; i < endpoints.size(); ++i) endpoints[i].merge(o.endpoints[i]);
    if (o.timeline.size() > timeline.size()) timeline.resize(o.timeline.size());
    for (std::size_t i = 0; i < o.timeline.size(); ++i) timeline[i].merge(o.timeline[i]);
    for (std::size_t i = 0; i < outcomes.size(); ++i) outcomes[i] += o.outcomes[i];
    liveMapReads += o.liveMapReads;
    if (o.firstNoneAvailableMicros >= 0 &&
        (firstNoneAvailableMicros < 0 || o.firstNoneAvailableMicros < firstNoneAvailableMicros))
        firstNoneAvailableMicros = o.firstNoneAvailableMicros;
}

}  // namespace boxoffice::load
