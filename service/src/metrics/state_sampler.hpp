#pragma once
// Samples what no request path sees change by itself - seats per show on sale, the outbox backlog,
// the sweeper's lag, pool figures and whether each dependency answers - on a thread of its own, so
// a scrape never waits on a dependency.
#include <chrono>
#include <functional>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "domain/clock.hpp"
#include "domain/seatmap_service.hpp"
#include "metrics/metrics.hpp"
#include "storage/sql/sql_metrics_queries.hpp"
#include "util/periodic_task.hpp"

namespace boxoffice::metrics {

/// A pool's counters as read at one moment.
struct PoolSample {
    int size = 0;
    int inUse = 0;
    std::uint64_t acquired = 0;
    std::uint64_t exhausted = 0;
    double waitSeconds = 0;
    std::uint64_t reconnects = 0;
};

struct DependencySource {
    std::string name;                     // label value: "postgresql", "redis"...
    std::function<PoolSample()> pool;     // may be empty
    std::function<Result<void>()> check;  // health check with its own deadlines
};

class StateSampler {
public:
    /// At most `maxShows` shows on sale get seat gauges (bounded cardinality).
    /// Seat counts are read from `statuses` itself, not through the seat map's shared snapshots, so
    /// sampling never decides what a reader of the seat map sees.
    StateSampler(Metrics& metrics, sql::SqlMetricsQueries& queries, SeatMapService& seatmaps,
                 SeatStatusSource& statuses, const Clock& clock, std::vector<DependencySource> dependencies,
                 std::chrono::milliseconds interval, int maxShows = 50);
    ~StateSampler();
    StateSampler(const StateSampler&) = delete;
    StateSampler& operator=(const StateSampler&) = delete;

    void start();
    void stop();
    /// One sample now (tests).
    void sampleOnce();
    /// The outbox gauges (depth, relay lag, parked) from one query; `boxoffice relay` samples them
    /// with this too.
    static void sampleOutbox(Metrics& metrics, sql::SqlMetricsQueries& queries, EpochMs now);

private:
    struct PoolHandles {
        const PoolMetrics* metrics;
        PoolSample last;
    };
    struct ShowGauges {
        prometheus::Gauge *available, *held, *sold;
    };
    void sampleShows(EpochMs now);
    void sampleBacklog(EpochMs now);
    void sampleDependencies();

    Metrics& metrics_;
    sql::SqlMetricsQueries& queries_;
    SeatMapService& seatmaps_;
    SeatStatusSource& statuses_;
    const Clock& clock_;
    std::vector<DependencySource> dependencies_;
    std::vector<PoolHandles> pools_;
    std::chrono::milliseconds interval_;
    int maxShows_;
    std::unordered_map<std::string, ShowGauges> shows_;
    std::mutex sampleMu_;
    util::PeriodicTask task_;  // last: stopped before anything it samples goes
};

}  // namespace boxoffice::metrics
