#pragma once
// The live progress line on stderr: elapsed, req/s, holds, conflicts, orders, confirmed, seats
// left, errors. Reads the loops' relaxed counters once per tick from the main thread.

#include <cstdint>
#include <vector>

#include "common/stats.hpp"

namespace boxoffice::load {

class Progress {
public:
    Progress(std::vector<const LiveCounters*> loops, std::int64_t openingMicros, bool enabled, bool sale);
    /// Sleeps ~100 ms, prints once a second; returns the clients' confirmed seats so far.
    /// `seatsOnSale` > 0: notes the moment they reach it (see soldOutMicros()).
    long long tick(long long seatsOnSale, long long unused);
    void done();
    std::int64_t soldOutMicros() const { return soldOut_; }

private:
    struct Totals {
        long long requests = 0, holds = 0, conflicts = 0, orders = 0, confirmed = 0, confirmedSeats = 0, errors = 0,
                  seatsLeft = -1, usersDone = 0, admitted = 0;
    };
    Totals sum() const;
    std::vector<const LiveCounters*> loops_;
    std::int64_t opening_;
    bool enabled_, sale_, tty_;
    std::int64_t lastPrint_ = 0;
    long long lastRequests_ = 0;
    std::int64_t soldOut_ = -1;
};

}  // namespace boxoffice::load
