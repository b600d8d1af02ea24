#pragma once
// The fixture of the Redis hold store's own tests (redis_hold_store_test.cpp and
// redis_hold_store_recovery_test.cpp): a small seating, fresh random shows, users and hold ids
// per test (so tests share the servers and run in parallel), and the reconciler's opening step.
#include <gtest/gtest.h>

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "domain/booking_ports.hpp"
#include "domain/clock.hpp"
#include "domain/hold_id.hpp"
#include "storage/redis/redis_hold_store.hpp"
#include "support/redis_test_options.hpp"
#include "support/throwaway_redis.hpp"
#include "util/random_id.hpp"

namespace boxoffice::redis {

using testing::ThrowawayRedis;

using std::chrono::milliseconds;
using SteadyClock = std::chrono::steady_clock;

inline constexpr EpochMs kMinute = 60 * 1000;
inline constexpr EpochMs kHoldTtl = 10 * kMinute;

// Two rows of ten: FLOOR-A-1 .. FLOOR-B-10.
inline const SeatIndex& seatIndex() {
    static const SeatIndex index(Layout{{LayoutSection{"FLOOR", {{"A", "GOLD", 10, {}}, {"B", "SILVER", 10, {}}}}}});
    return index;
}

inline SeatId seat(char row, int number) {
    return SeatId{std::string("FLOOR-") + row + "-" + std::to_string(number)};
}

inline SeatStatus statusIn(const AvailabilitySnapshot& s, const SeatId& seatId) {
    const long pos = seatIndex().find(seatId.str());
    return pos < 0 || static_cast<std::size_t>(pos) >= s.status.size() ? SeatStatus::Available
                                                                       : s.status[static_cast<std::size_t>(pos)];
}

// What the reconciler does once it has checked the server: holds are refused until then.
inline ::testing::AssertionResult opened(RedisHoldStore& store) {
    auto generation = store.generation();
    if (!generation) return ::testing::AssertionFailure() << generation.error().internal;
    auto r = store.openHolds(*generation);
    if (!r) return ::testing::AssertionFailure() << r.error().internal;
    return ::testing::AssertionSuccess();
}

inline long long elapsedMs(SteadyClock::time_point start) {
    return std::chrono::duration_cast<milliseconds>(SteadyClock::now() - start).count();
}

class RedisHoldStoreTest : public ::testing::Test {
protected:
    ShowId newShow() { return ShowId{ids_.next()}; }
    UserId newUser() { return UserId{"user-" + ids_.next()}; }
    OrderId newOrder() { return OrderId{ids_.next()}; }
    HoldId newHoldId(const ShowId& show) {
        std::string hex;
        for (const char c : ids_.next())
            if (c != '-') hex.push_back(c);
        return makeHoldId(show, hex);
    }
    HoldRequest request(const ShowId& show, const UserId& user, std::vector<SeatId> seats, EpochMs now) {
        return HoldRequest{newHoldId(show), show, user, std::move(seats), now, now + kHoldTtl, 10, {}, {}};
    }

    HoldRequest pickRequest(const ShowId& show, const UserId& user, int quantity, EpochMs now) {
        HoldRequest r{newHoldId(show), show, user, {}, now, now + kHoldTtl, 10, SeatPick{quantity, "", "", true}, {}};
        r.seating = std::shared_ptr<const SeatIndex>(std::shared_ptr<const SeatIndex>{}, &seatIndex());
        return r;
    }

    util::RandomIdGenerator ids_;
    const EpochMs t0_ = SystemClock().nowMs();
};

}  // namespace boxoffice::redis
