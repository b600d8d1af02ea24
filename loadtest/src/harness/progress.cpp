#include "harness/progress.hpp"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <string>
#include <thread>

#include <unistd.h>

#include "common/event_loop.hpp"

namespace boxoffice::load {

Progress::Progress(std::vector<const LiveCounters*> loops, std::int64_t openingMicros, bool enabled, bool sale)
    : loops_(std::move(loops)), opening_(openingMicros), enabled_(enabled), sale_(sale), tty_(isatty(2) == 1) {
    lastPrint_ = opening_;
}

Progress::Totals Progress::sum() const {
    Totals t;
    for (const auto* l : loops_) {
        t.requests += l->requests.load(std::memory_order_relaxed);
        t.holds += l->holds.load(std::memory_order_relaxed);
        t.conflicts += l->conflicts.load(std::memory_order_relaxed);
        t.orders += l->orders.load(std::memory_order_relaxed);
        t.confirmed += l->confirmed.load(std::memory_order_relaxed);
        t.confirmedSeats += l->confirmedSeats.load(std::memory_order_relaxed);
        t.errors += l->errors.load(std::memory_order_relaxed);
        t.usersDone += l->usersDone.load(std::memory_order_relaxed);
        t.admitted += l->admitted.load(std::memory_order_relaxed);
        const long long left = l->seatsLeft.load(std::memory_order_relaxed);
        if (left >= 0) t.seatsLeft = t.seatsLeft < 0 ? left : std::min(t.seatsLeft, left);
    }
    return t;
}

long long Progress::tick(long long seatsOnSale, long long) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    const std::int64_t now = monoMicros();
    const Totals t = sum();
    if (seatsOnSale > 0 && soldOut_ < 0 && t.confirmedSeats >= seatsOnSale) soldOut_ = now - opening_;
    if (enabled_ && now - lastPrint_ >= 1'000'000 && now > opening_) {
        const double rate =
            static_cast<double>(t.requests - lastRequests_) * 1e6 / static_cast<double>(now - lastPrint_);
        lastPrint_ = now;
        lastRequests_ = t.requests;
        // A queued crowd: how many the waiting room has let in so far.
        const std::string queue = t.admitted > 0 ? "admitted " + std::to_string(t.admitted) + " | " : "";
        if (sale_)
            std::fprintf(stderr,
                         "%s[%6.1fs] %7.0f req/s | %sholds %lld | conflicts %lld | orders %lld | confirmed %lld (%lld "
                         "seats) | seats left %lld | users done %lld | errors %lld%s",
                         tty_ ? "\r" : "", static_cast<double>(now - opening_) / 1e6, rate, queue.c_str(), t.holds,
                         t.conflicts, t.orders, t.confirmed, t.confirmedSeats, t.seatsLeft, t.usersDone, t.errors,
                         tty_ ? "   " : "\n");
        else
            std::fprintf(stderr, "%s[%6.1fs] %7.0f req/s | errors %lld%s", tty_ ? "\r" : "",
                         static_cast<double>(now - opening_) / 1e6, rate, t.errors, tty_ ? "   " : "\n");
    }
    return t.confirmedSeats;
}

void Progress::done() {
    if (enabled_ && tty_) std::fprintf(stderr, "\n");
}

}  // namespace boxoffice::load
