#pragma once
// The live seat map's families (GET /v1/shows/{id}/seatmap/events), registered once: the streams
// open on this process, the frames queued to them by event type (one per subscriber per event),
// the subscribers dropped for falling behind, and the resumes that could not be served from the
// feed's history and got a snapshot instead.
#include <prometheus/counter.h>
#include <prometheus/gauge.h>
#include <prometheus/registry.h>

namespace boxoffice::metrics {

class SeatMapFeedMetrics {
public:
    explicit SeatMapFeedMetrics(prometheus::Registry& registry);

    void subscribers(double n) const { subscribers_->Set(n); }
    void snapshots(double n) const { snapshots_->Increment(n); }
    void changes(double n) const { changes_->Increment(n); }
    void heartbeats(double n) const { heartbeats_->Increment(n); }
    void droppedSlow() const { droppedSlow_->Increment(); }
    void resumeSnapshot() const { resumeSnapshots_->Increment(); }
    void resumed() const { resumed_->Increment(); }

private:
    prometheus::Gauge* subscribers_;
    prometheus::Counter* snapshots_;
    prometheus::Counter* changes_;
    prometheus::Counter* heartbeats_;
    prometheus::Counter* droppedSlow_;
    prometheus::Counter* resumeSnapshots_;
    prometheus::Counter* resumed_;
};

}  // namespace boxoffice::metrics
