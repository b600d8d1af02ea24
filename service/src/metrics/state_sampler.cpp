#include "metrics/state_sampler.hpp"

#include <unordered_set>

#include "util/log.hpp"

namespace boxoffice::metrics {

StateSampler::StateSampler(Metrics& metrics, sql::SqlMetricsQueries& queries, SeatMapService& seatmaps,
                           SeatStatusSource& statuses, const Clock& clock, std::vector<DependencySource> dependencies,
                           std::chrono::milliseconds interval, int maxShows)
    : metrics_(metrics),
      queries_(queries),
      seatmaps_(seatmaps),
      statuses_(statuses),
      clock_(clock),
      dependencies_(std::move(dependencies)),
      interval_(interval),
      maxShows_(maxShows),
      task_(
          interval, [this] { sampleOnce(); }, util::PeriodicTask::FirstRun::AtStart) {
    for (const auto& d : dependencies_) pools_.push_back({&metrics_.pool(d.name), {}});
}

StateSampler::~StateSampler() {
    stop();
}

void StateSampler::start() {
    task_.start();
}

void StateSampler::stop() {
    task_.stop();
}

void StateSampler::sampleOnce() {
    std::lock_guard guard(sampleMu_);  // the loop and a test may sample at the same time
    const EpochMs now = clock_.nowMs();
    sampleDependencies();
    sampleShows(now);
    sampleBacklog(now);
}

void StateSampler::sampleDependencies() {
    for (std::size_t i = 0; i < dependencies_.size(); ++i) {
        const auto& d = dependencies_[i];
        auto& h = pools_[i];
        if (d.check) h.metrics->up->Set(d.check() ? 1 : 0);
        if (!d.pool) continue;
        const PoolSample s = d.pool();
        h.metrics->size->Set(s.size);
        h.metrics->inUse->Set(s.inUse);
        // Counters only go up: add what happened since the last sample.
        if (s.acquired > h.last.acquired)
            h.metrics->acquired->Increment(static_cast<double>(s.acquired - h.last.acquired));
        if (s.exhausted > h.last.exhausted)
            h.metrics->exhausted->Increment(static_cast<double>(s.exhausted - h.last.exhausted));
        if (s.waitSeconds > h.last.waitSeconds) h.metrics->waitSeconds->Increment(s.waitSeconds - h.last.waitSeconds);
        if (s.reconnects > h.last.reconnects)
            h.metrics->reconnects->Increment(static_cast<double>(s.reconnects - h.last.reconnects));
        h.last = s;
    }
}

void StateSampler::sampleShows(EpochMs now) {
    auto onSale = queries_.showsOnSale(now, maxShows_);
    if (!onSale) {
        log::debug("metrics: shows on sale unavailable", {{"error", onSale.error().internal}});
        return;
    }
    std::unordered_set<std::string> seen;
    for (const auto& id : *onSale) {
        auto seating = seatmaps_.seating(ShowId{id});
        if (!seating) continue;
        auto snap = statuses_.snapshot(ShowId{id}, *(*seating)->seats, now);
        if (!snap) continue;
        seen.insert(id);
        auto it = shows_.find(id);
        if (it == shows_.end()) {
            auto& f = metrics_.showSeats();
            it = shows_
                     .emplace(id, ShowGauges{&f.Add({{"show", id}, {"state", "available"}}),
                                             &f.Add({{"show", id}, {"state", "held"}}),
                                             &f.Add({{"show", id}, {"state", "sold"}})})
                     .first;
        }
        it->second.available->Set(snap->available);
        it->second.held->Set(snap->held);
        it->second.sold->Set(snap->sold);
    }
    // A show whose sale closed leaves the metrics, so the series stay bounded by maxShows.
    for (auto it = shows_.begin(); it != shows_.end();) {
        if (seen.count(it->first)) {
            ++it;
            continue;
        }
        auto& f = metrics_.showSeats();
        f.Remove(it->second.available);
        f.Remove(it->second.held);
        f.Remove(it->second.sold);
        it = shows_.erase(it);
    }
}

void StateSampler::sampleOutbox(Metrics& metrics, sql::SqlMetricsQueries& queries, EpochMs now) {
    if (auto b = queries.outboxBacklog(); b) {
        metrics.outboxDepth().Set(static_cast<double>(b->depth));
        metrics.outboxOldestAge().Set(b->depth > 0 ? static_cast<double>(now - b->oldestCreatedAt) / 1000.0 : 0.0);
        metrics.outboxParked().Set(static_cast<double>(b->parked));
    }
}

void StateSampler::sampleBacklog(EpochMs now) {
    sampleOutbox(metrics_, queries_, now);
    if (auto due = queries_.oldestOverduePendingOrder(now); due) {
        metrics_.sweeper().lag->Set(*due ? static_cast<double>(now - **due) / 1000.0 : 0.0);
    }
}

}  // namespace boxoffice::metrics
