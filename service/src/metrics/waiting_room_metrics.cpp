#include "metrics/waiting_room_metrics.hpp"

namespace boxoffice::metrics {

namespace pm = prometheus;

WaitingRoomMetrics::WaitingRoomMetrics(Metrics& metrics)
    : size_(pm::BuildGauge()
                .Name("boxoffice_waiting_room_queue_size")
                .Help("People who joined the show's waiting room (as last seen by this process)")
                .Register(*metrics.registry())),
      admitted_(pm::BuildGauge()
                    .Name("boxoffice_waiting_room_admitted")
                    .Help("People the show's waiting room has admitted so far (its cursor, as last seen)")
                    .Register(*metrics.registry())),
      active_(pm::BuildGauge()
                  .Name("boxoffice_waiting_room_active_shoppers")
                  .Help("Admitted people inside their shopping window who have not held yet (as last seen)")
                  .Register(*metrics.registry())),
      paused_(pm::BuildGauge()
                  .Name("boxoffice_waiting_room_paused")
                  .Help("1 while an admin has paused the show's waiting room")
                  .Register(*metrics.registry())),
      admissions_(pm::BuildCounter()
                      .Name("boxoffice_waiting_room_admissions_total")
                      .Help("People admitted from the waiting room by this process's store calls")
                      .Register(*metrics.registry())),
      abandoned_(pm::BuildCounter()
                     .Name("boxoffice_waiting_room_abandoned_total")
                     .Help("Admitted people whose shopping window ended without a hold (seen by this process)")
                     .Register(*metrics.registry())) {}

void WaitingRoomMetrics::observed(const ShowId& show, const admission::QueueState& state) {
    std::lock_guard lock(mu_);
    auto it = shows_.find(show.str());
    if (it == shows_.end()) {
        const std::map<std::string, std::string> labels{{"show", show.str()}};
        it = shows_
                 .emplace(show.str(), Handles{&size_.Add(labels), &admitted_.Add(labels), &active_.Add(labels),
                                              &paused_.Add(labels), &admissions_.Add(labels), &abandoned_.Add(labels)})
                 .first;
    }
    const Handles& h = it->second;
    h.size->Set(static_cast<double>(state.size));
    h.admitted->Set(static_cast<double>(state.admitted));
    h.active->Set(static_cast<double>(state.active));
    h.paused->Set(state.paused ? 1 : 0);
    if (state.progress.admitted > 0) h.admissions->Increment(static_cast<double>(state.progress.admitted));
    if (state.progress.abandoned > 0) h.abandoned->Increment(static_cast<double>(state.progress.abandoned));
}

}  // namespace boxoffice::metrics
