#include "app/seatmap_feed.hpp"

#include <unordered_map>

namespace boxoffice::app {

using SteadyClock = std::chrono::steady_clock;

// One watched show. Everything in it is guarded by `mu`; pushes to subscribers happen under it, so
// a subscriber's first frames and the feed's events never interleave out of order.
struct SeatMapFeed::Channel {
    explicit Channel(std::size_t history) : ring(history) {}

    std::mutex mu;
    std::shared_ptr<const ShowSeating> seating;
    std::shared_ptr<const AvailabilitySnapshot> snapshot;  // the state numbered `sequence`; null until read
    std::uint64_t sequence = 0;
    ChangeRing ring;
    std::shared_ptr<const std::string> snapshotFrame;  // built for `snapshotSequence`, when first asked for
    std::uint64_t snapshotSequence = 0;
    // Keyed by the subscription, never dereferenced: a dropped one may already be gone.
    std::unordered_map<const void*, std::shared_ptr<http::StreamSink>> subscribers;
    SteadyClock::time_point idleSince = SteadyClock::now();
    SteadyClock::time_point nextRead{};  // the budget: not read again before this
};

class SeatMapFeed::Subscription final : public http::Stream {
public:
    Subscription(SeatMapFeed& feed, std::shared_ptr<Channel> channel, std::optional<std::string> lastEventId)
        : feed_(feed), channel_(std::move(channel)), lastEventId_(std::move(lastEventId)) {}

    void start(std::shared_ptr<http::StreamSink> sink) override {
        Channel& ch = *channel_;
        std::lock_guard lock(ch.mu);
        if (stopped_ || sink->push(feed_.retryFrame_) != http::StreamSink::Outcome::Queued) return;
        std::optional<std::vector<SeatChange>> missed;
        if (lastEventId_) {
            const auto id = FeedEventId::parse(*lastEventId_);
            if (id && id->epoch == feed_.epoch_) missed = ch.ring.since(id->sequence, ch.sequence);
            if (feed_.metrics_) missed ? feed_.metrics_->resumed() : feed_.metrics_->resumeSnapshot();
        }
        std::shared_ptr<const std::string> first;
        if (!missed) {
            first = feed_.snapshotFrame(ch);
            if (feed_.metrics_) feed_.metrics_->snapshots(1);
        } else if (!missed->empty()) {
            const std::string id = FeedEventId{feed_.epoch_, ch.sequence}.str();
            auto data = http::changesData(*ch.seating, *ch.snapshot, *missed);
            auto snapshot = feed_.snapshotFrame(ch);
            // Missed more than a snapshot costs: the snapshot instead (as for the live events).
            const bool asSnapshot = data.size() > snapshot->size();
            first = asSnapshot ? std::move(snapshot)
                               : std::make_shared<const std::string>(http::sseEvent("changes", id, data));
            if (feed_.metrics_) asSnapshot ? feed_.metrics_->snapshots(1) : feed_.metrics_->changes(1);
        }
        if (first && sink->push(std::move(first)) != http::StreamSink::Outcome::Queued) return;
        ch.subscribers.emplace(this, std::move(sink));
        feed_.counted(+1);
    }

    void stop() override {
        Channel& ch = *channel_;
        std::lock_guard lock(ch.mu);
        stopped_ = true;
        if (ch.subscribers.erase(this) == 0) return;  // never started, or already dropped by the feed
        if (ch.subscribers.empty()) ch.idleSince = SteadyClock::now();
        feed_.counted(-1);
    }

private:
    SeatMapFeed& feed_;
    std::shared_ptr<Channel> channel_;
    std::optional<std::string> lastEventId_;
    bool stopped_ = false;  // under the channel's lock
};

SeatMapFeed::SeatMapFeed(Reader read, http::SeatMapRenderer& renderer, const metrics::SeatMapFeedMetrics* metrics,
                         SeatMapFeedSettings settings, std::string epoch)
    : read_(std::move(read)),
      renderer_(renderer),
      metrics_(metrics),
      settings_(settings),
      epoch_(std::move(epoch)),
      retryFrame_(std::make_shared<const std::string>("retry: " + std::to_string(settings.retry.count()) + "\n\n")),
      pingFrame_(std::make_shared<const std::string>(": ping\n\n")),
      task_(settings.interval, [this] { runOnce(); }) {}

SeatMapFeed::~SeatMapFeed() {
    stop();
}

void SeatMapFeed::counted(long delta) {
    const long now = subscribers_.fetch_add(delta) + delta;
    if (metrics_) metrics_->subscribers(static_cast<double>(now));
}

std::shared_ptr<SeatMapFeed::Channel> SeatMapFeed::channelFor(const std::shared_ptr<const ShowSeating>& seating) {
    std::lock_guard lock(mu_);
    auto& slot = channels_[seating->show.id];
    if (!slot) slot = std::make_shared<Channel>(settings_.history);
    return slot;
}

Result<std::shared_ptr<http::Stream>> SeatMapFeed::open(std::shared_ptr<const ShowSeating> seating,
                                                        std::optional<std::string> lastEventId) {
    auto channel = channelFor(seating);
    {
        std::lock_guard lock(channel->mu);
        channel->seating = seating;  // the latest (a price change makes a new one; the seats stay)
        channel->idleSince = SteadyClock::now();
        if (!channel->snapshot) {
            // The first watcher of a show waits for its first read (others of the same show wait
            // here too); from then on the feed's thread reads it.
            auto first = read_(*seating);
            if (!first) return std::move(first).error();
            channel->snapshot = std::make_shared<const AvailabilitySnapshot>(std::move(first).value());
            channel->sequence = ++sequence_;
        }
    }
    return std::shared_ptr<http::Stream>(std::make_shared<Subscription>(*this, channel, std::move(lastEventId)));
}

std::shared_ptr<const std::string> SeatMapFeed::snapshotFrame(Channel& ch) {
    if (!ch.snapshotFrame || ch.snapshotSequence != ch.sequence) {
        const auto body = renderer_.availability(ch.seating, *ch.snapshot).body;
        ch.snapshotFrame = std::make_shared<const std::string>(
            http::sseEvent("snapshot", FeedEventId{epoch_, ch.sequence}.str(), *body));
        ch.snapshotSequence = ch.sequence;
    }
    return ch.snapshotFrame;
}

std::size_t SeatMapFeed::broadcast(Channel& ch, const std::shared_ptr<const std::string>& frame) {
    std::size_t queued = 0;
    const bool watched = !ch.subscribers.empty();
    for (auto it = ch.subscribers.begin(); it != ch.subscribers.end();) {
        const auto outcome = it->second->push(frame);
        if (outcome == http::StreamSink::Outcome::Queued) {
            ++queued;
            ++it;
            continue;
        }
        if (outcome == http::StreamSink::Outcome::TooSlow && metrics_) metrics_->droppedSlow();
        it = ch.subscribers.erase(it);
        counted(-1);
    }
    if (watched && ch.subscribers.empty()) ch.idleSince = SteadyClock::now();
    return queued;
}

void SeatMapFeed::refresh(Channel& ch) {
    std::shared_ptr<const ShowSeating> seating;
    {
        std::lock_guard lock(ch.mu);
        seating = ch.seating;
    }
    // Read outside the lock: a slow store delays this show's next event, never a new subscriber.
    auto fresh = read_(*seating);
    // A failed read or a store that lost this show's state (until it is repaired): subscribers
    // keep what they have; the next interval tries again.
    if (!fresh || !fresh->ready) return;
    std::lock_guard lock(ch.mu);
    const bool sameSeats = ch.snapshot && ch.snapshot->status.size() == fresh->status.size();
    if (sameSeats && ch.snapshot->version == fresh->version) return;
    auto next = std::make_shared<const AvailabilitySnapshot>(std::move(fresh).value());
    const std::uint64_t sequence = ++sequence_;
    std::shared_ptr<const std::string> frame;
    if (!sameSeats) {
        // Another seating: nothing before can be applied to it; everyone starts over.
        ch.ring.clear();
        ch.snapshot = std::move(next);
        ch.sequence = sequence;
        frame = snapshotFrame(ch);
        const auto n = broadcast(ch, frame);
        if (metrics_) metrics_->snapshots(static_cast<double>(n));
        return;
    }
    auto changes = diffStatuses(ch.snapshot->status, next->status);
    auto data = http::changesData(*seating, *next, changes);
    ch.ring.push(ch.sequence, sequence, std::move(changes));
    ch.snapshot = std::move(next);
    ch.sequence = sequence;
    // At a sale's peak one interval may change more seats than a snapshot costs (a snapshot is
    // one byte per seat, a change some 25): then the snapshot goes, so no event is ever much
    // bigger than the seat map itself.
    auto snapshot = snapshotFrame(ch);
    const bool asSnapshot = data.size() > snapshot->size();
    frame =
        asSnapshot
            ? std::move(snapshot)
            : std::make_shared<const std::string>(http::sseEvent("changes", FeedEventId{epoch_, sequence}.str(), data));
    const auto n = broadcast(ch, frame);
    if (metrics_) asSnapshot ? metrics_->snapshots(static_cast<double>(n)) : metrics_->changes(static_cast<double>(n));
    ch.nextRead = SteadyClock::now() + budgetWait(frame->size() * n);
}

std::chrono::milliseconds SeatMapFeed::budgetWait(std::size_t bytesSent) const {
    if (settings_.budgetBytesPerSecond == 0) return std::chrono::milliseconds(0);
    const auto ms = static_cast<long long>(bytesSent / (settings_.budgetBytesPerSecond / 1000 + 1));
    return std::min(std::chrono::milliseconds(ms), settings_.maxInterval);
}

void SeatMapFeed::heartbeat() {
    std::vector<std::shared_ptr<Channel>> live;
    {
        std::lock_guard lock(mu_);
        for (const auto& [id, ch] : channels_) live.push_back(ch);
    }
    std::size_t n = 0;
    for (const auto& ch : live) {
        std::lock_guard lock(ch->mu);
        n += broadcast(*ch, pingFrame_);
    }
    if (metrics_) metrics_->heartbeats(static_cast<double>(n));
}

void SeatMapFeed::runOnce() {
    const auto now = SteadyClock::now();
    std::vector<std::shared_ptr<Channel>> live;
    {
        std::lock_guard lock(mu_);
        for (auto it = channels_.begin(); it != channels_.end();) {
            bool idle, waiting;
            {
                std::lock_guard channelLock(it->second->mu);
                idle = it->second->subscribers.empty() && now - it->second->idleSince > settings_.linger;
                waiting = now < it->second->nextRead;
            }
            if (idle) {
                it = channels_.erase(it);
            } else {
                if (!waiting) live.push_back(it->second);
                ++it;
            }
        }
    }
    for (const auto& ch : live) refresh(*ch);
    if (now - lastPing_ >= settings_.heartbeat) {
        lastPing_ = now;
        heartbeat();
    }
}

}  // namespace boxoffice::app
