#include "metrics/seatmap_feed_metrics.hpp"

namespace boxoffice::metrics {

namespace pm = prometheus;

SeatMapFeedMetrics::SeatMapFeedMetrics(pm::Registry& registry) {
    subscribers_ = &pm::BuildGauge()
                        .Name("boxoffice_seatmap_subscribers")
                        .Help("Live seat-map streams (Server-Sent Events) open on this process")
                        .Register(registry)
                        .Add({});
    auto& frames = pm::BuildCounter()
                       .Name("boxoffice_seatmap_frames_sent_total")
                       .Help("Live seat-map events queued to subscribers (one per subscriber per event), by type")
                       .Register(registry);
    snapshots_ = &frames.Add({{"type", "snapshot"}});
    changes_ = &frames.Add({{"type", "changes"}});
    heartbeats_ = &frames.Add({{"type", "heartbeat"}});
    droppedSlow_ = &pm::BuildCounter()
                        .Name("boxoffice_seatmap_subscribers_dropped_total")
                        .Help("Live seat-map subscribers closed because their unsent output passed the bound")
                        .Register(registry)
                        .Add({{"reason", "slow"}});
    auto& resumes = pm::BuildCounter()
                        .Name("boxoffice_seatmap_resumes_total")
                        .Help(
                            "Reconnects with a Last-Event-ID: served the missed changes, or a snapshot when the "
                            "id was too old or not this process's")
                        .Register(registry);
    resumed_ = &resumes.Add({{"outcome", "changes"}});
    resumeSnapshots_ = &resumes.Add({{"outcome", "snapshot"}});
}

}  // namespace boxoffice::metrics
