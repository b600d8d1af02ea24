#pragma once
#include <atomic>
#include <chrono>

#include "domain/clock.hpp"

namespace boxoffice::testing {

/// A clock the test moves by hand, starting at the real time (so real JWTs stay valid).
class FakeClock final : public Clock {
public:
    FakeClock() : now_(SystemClock().nowMs()) {}
    EpochMs nowMs() const override { return now_.load(); }
    void advance(std::chrono::milliseconds d) { now_.fetch_add(d.count()); }

private:
    std::atomic<EpochMs> now_;
};

}  // namespace boxoffice::testing
