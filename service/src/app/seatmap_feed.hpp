#pragma once
// The live seat map's feed, a component of the composition root: for every show somebody watches,
// it reads the hold store's availability once per interval, and when the content version moved it
// numbers the step, keeps it in the show's bounded history (domain/seatmap_changes) and sends one
// `changes` event to every subscriber. The frame is built once and shared: a subscriber costs a
// pointer per event, not a copy, and no thread. Many changes within one interval make one event.
// Every replica reads the same store, so this works the same behind a load balancer, on Redis or
// on the in-process store.
// The bytes it sends are budgeted (SeatMapFeedSettings::budgetBytesPerSecond): with many
// subscribers and a sale changing thousands of seats a second, the events come further apart
// (each carrying more changes) instead of the sends taking the cores the holds need.
#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>

#include "domain/seatmap_changes.hpp"
#include "domain/seatmap_service.hpp"
#include "http/seatmap_events.hpp"
#include "http/seatmap_renderer.hpp"
#include "metrics/seatmap_feed_metrics.hpp"
#include "util/periodic_task.hpp"

namespace boxoffice::app {

struct SeatMapFeedSettings {
    std::chrono::milliseconds interval{100};
    std::chrono::milliseconds heartbeat{15'000};
    std::chrono::milliseconds retry{2'000};    // the `retry:` field: EventSource's reconnect delay
    std::size_t history = 256;                 // steps kept per show for resumes
    std::chrono::milliseconds linger{30'000};  // a show nobody watches is kept this long, for resumes
    // What the feed may write per second over all of a show's subscribers: an event of S bytes to
    // N subscribers waits S*N/budget before the show is read again (everything that changed
    // meanwhile is the next event). 0: no budget, every interval.
    std::size_t budgetBytesPerSecond = 16u << 20;
    std::chrono::milliseconds maxInterval{5'000};  // the budget never stretches an interval further
};

class SeatMapFeed final : public http::SeatMapStreams {
public:
    /// Reads one show's availability from the store (not a cache: the feed is the cache).
    using Reader = std::function<Result<AvailabilitySnapshot>(const ShowSeating&)>;

    /// `epoch` prefixes every event id: unique per process (a random token).
    SeatMapFeed(Reader read, http::SeatMapRenderer& renderer, const metrics::SeatMapFeedMetrics* metrics,
                SeatMapFeedSettings settings, std::string epoch);
    ~SeatMapFeed() override;

    void start() { task_.start(); }
    void stop() { task_.stop(); }
    /// One interval, as the thread makes it: every watched show read, changes sent, heartbeats when due.
    void runOnce();

    Result<std::shared_ptr<http::Stream>> open(std::shared_ptr<const ShowSeating> seating,
                                               std::optional<std::string> lastEventId) override;
    /// Streams open now (the subscribers gauge).
    long subscribers() const { return subscribers_.load(); }

    struct Channel;
    class Subscription;

private:
    std::shared_ptr<Channel> channelFor(const std::shared_ptr<const ShowSeating>& seating);
    void refresh(Channel& channel);
    void heartbeat();
    void counted(long delta);
    std::chrono::milliseconds budgetWait(std::size_t bytesSent) const;
    // Under the channel's lock:
    std::shared_ptr<const std::string> snapshotFrame(Channel& channel);
    std::size_t broadcast(Channel& channel, const std::shared_ptr<const std::string>& frame);

    Reader read_;
    http::SeatMapRenderer& renderer_;
    const metrics::SeatMapFeedMetrics* metrics_;
    SeatMapFeedSettings settings_;
    std::string epoch_;
    std::shared_ptr<const std::string> retryFrame_;
    std::shared_ptr<const std::string> pingFrame_;
    std::atomic<std::uint64_t> sequence_{0};  // one counter for every show: an id is never reused
    std::atomic<long> subscribers_{0};
    std::mutex mu_;  // before any channel's
    std::unordered_map<ShowId, std::shared_ptr<Channel>> channels_;
    std::chrono::steady_clock::time_point lastPing_ = std::chrono::steady_clock::now();
    util::PeriodicTask task_;
};

}  // namespace boxoffice::app
