#pragma once
// The live seat map as the crowd follows it (`--live-map`): one Server-Sent Events stream of
// GET /v1/shows/{id}/seatmap/events on a thread of its own (libcurl), applied to one letter per
// seat in layout order ('A', 'H', 'S', as GET .../seatmap/availability writes them). The crowd's
// loops read the letters instead of asking for the availability again. A dropped stream is
// reopened with Last-Event-ID, so the service sends what was missed (or a new snapshot).
//
// The letters are relaxed atomics: a loop may read a seat a few milliseconds before or after a
// change, as a browser would; the service's hold decides, not this view.
#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "harness/seat_picker.hpp"

namespace boxoffice::load {

struct LiveMapStats {
    long long snapshots = 0;    // `snapshot` events applied
    long long changes = 0;      // `changes` events applied
    long long seatChanges = 0;  // seats named in them
    long long reconnects = 0;   // streams opened after the first
    long long bytes = 0;        // of event stream read
};

class LiveSeatMap {
public:
    /// `url`: the stream's whole URL; `caFile`/`insecure` as the harness's https settings.
    LiveSeatMap(std::string url, const SeatPlan& seats, std::string caFile, bool insecure);
    ~LiveSeatMap();
    LiveSeatMap(const LiveSeatMap&) = delete;
    LiveSeatMap& operator=(const LiveSeatMap&) = delete;

    void start();
    void stop();
    /// Whether a snapshot arrived (before that the letters say nothing).
    bool ready() const { return ready_.load(std::memory_order_acquire); }
    /// Every seat's letter, in layout order, into `out` (sized to the seats).
    void copyTo(std::string& out) const;
    long long available() const { return available_.load(std::memory_order_relaxed); }
    long long held() const { return held_.load(std::memory_order_relaxed); }
    /// After stop().
    LiveMapStats stats() const { return stats_; }

    /// One event's `data` applied (public for the unit tests): `snapshot` or `changes`.
    void apply(std::string_view event, std::string_view data);
    /// Bytes of the stream (public for the unit tests): complete events are applied as they end.
    void feed(std::string_view bytes);

private:
    void run();

    std::string url_;
    const SeatPlan& seats_;
    std::string caFile_;
    bool insecure_;
    std::unique_ptr<std::atomic<char>[]> letters_;
    std::atomic<bool> ready_{false};
    std::atomic<bool> stop_{false};
    std::atomic<long long> available_{-1}, held_{-1};
    std::string pending_;      // an event not yet ended by a blank line
    std::string lastEventId_;  // sent as Last-Event-ID when the stream is reopened
    LiveMapStats stats_;
    std::thread thread_;
};

}  // namespace boxoffice::load
