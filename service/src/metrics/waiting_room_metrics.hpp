#pragma once
// The waiting rooms' families, registered once, labelled by show (only shows with a room on get
// series, so few): the queue's size and cursor as last seen by this process, and the admissions and
// abandonments (admitted, window over, never held) that this process's store calls made. Each
// admission happens in exactly one call, so the counters summed over replicas are exact; the
// gauges are the same on every replica that saw the room lately (take max by show).
#include <map>
#include <mutex>
#include <string>

#include "admission/waiting_room_service.hpp"
#include "metrics/metrics.hpp"

namespace boxoffice::metrics {

class WaitingRoomMetrics final : public admission::QueueObserver {
public:
    explicit WaitingRoomMetrics(Metrics& metrics);
    void observed(const ShowId& show, const admission::QueueState& state) override;

private:
    struct Handles {
        prometheus::Gauge* size;
        prometheus::Gauge* admitted;
        prometheus::Gauge* active;
        prometheus::Gauge* paused;
        prometheus::Counter* admissions;
        prometheus::Counter* abandoned;
    };
    prometheus::Family<prometheus::Gauge>& size_;
    prometheus::Family<prometheus::Gauge>& admitted_;
    prometheus::Family<prometheus::Gauge>& active_;
    prometheus::Family<prometheus::Gauge>& paused_;
    prometheus::Family<prometheus::Counter>& admissions_;
    prometheus::Family<prometheus::Counter>& abandoned_;
    std::mutex mu_;
    std::map<std::string, Handles> shows_;
};

}  // namespace boxoffice::metrics
