// The GCRA arithmetic and the in-process limiter, on a clock the test moves by hand.
#include <gtest/gtest.h>

#include <string>

#include "admission/gcra.hpp"
#include "admission/memory_rate_limiter.hpp"

namespace boxoffice::admission {
namespace {

constexpr Micros kSec = 1'000'000;
const Micros kT0 = 1'760'000'000LL * kSec;  // a realistic epoch: microseconds near 2^51

Policy policy(std::int64_t limit, std::chrono::milliseconds window, std::int64_t burst = 0) {
    return Policy{"holds", limit, window, burst ? burst : limit};
}

TEST(Gcra, AFreshKeyGetsTheWholeBurstThenWaitsOneEmissionInterval) {
    const Policy p = policy(10, std::chrono::seconds(1));  // T = 100 ms
    EXPECT_EQ(p.emissionInterval(), 100'000);
    Micros tat = 0;
    for (int i = 0; i < 10; ++i) {
        auto s = gcra(tat, kT0, p);
        ASSERT_TRUE(s.decision.allowed) << i;
        EXPECT_EQ(s.decision.remaining, 9 - i);
        EXPECT_EQ(s.decision.limit, 10);
        EXPECT_EQ(s.decision.resetAfter, (i + 1) * 100'000);
        tat = s.newTat;
    }
    auto denied = gcra(tat, kT0, p);
    EXPECT_FALSE(denied.decision.allowed);
    EXPECT_EQ(denied.decision.remaining, 0);
    EXPECT_EQ(denied.decision.retryAfter, 100'000);  // exactly one emission interval
    EXPECT_EQ(denied.decision.resetAfter, 1'000'000);
    EXPECT_EQ(denied.newTat, tat) << "a refusal costs nothing";
}

TEST(Gcra, RetryAfterIsExact) {
    const Policy p = policy(3, std::chrono::seconds(60));  // T = 20 s
    Micros tat = 0;
    for (int i = 0; i < 3; ++i) tat = gcra(tat, kT0, p).newTat;
    const Micros later = kT0 + 7 * kSec + 250'000;
    auto denied = gcra(tat, later, p);
    ASSERT_FALSE(denied.decision.allowed);
    EXPECT_EQ(denied.decision.retryAfter, 20 * kSec - (7 * kSec + 250'000));
    // One microsecond early is still refused; at the announced time it is allowed.
    EXPECT_FALSE(gcra(tat, later + denied.decision.retryAfter - 1, p).decision.allowed);
    auto allowed = gcra(tat, later + denied.decision.retryAfter, p);
    EXPECT_TRUE(allowed.decision.allowed);
    EXPECT_EQ(allowed.decision.remaining, 0);
}

TEST(Gcra, ASteadyRateAtTheLimitIsAlwaysAllowedAndFasterIsNot) {
    const Policy p = policy(5, std::chrono::seconds(1), 1);  // no burst: one every 200 ms
    Micros tat = 0;
    for (int i = 0; i < 100; ++i) {
        auto s = gcra(tat, kT0 + i * 200'000, p);
        ASSERT_TRUE(s.decision.allowed) << i;
        tat = s.newTat;
    }
    // At twice the rate, every other request is refused.
    int allowed = 0;
    const Micros start = kT0 + 100 * 200'000;
    for (int i = 0; i < 100; ++i) {
        auto s = gcra(tat, start + i * 100'000, p);
        if (s.decision.allowed) {
            ++allowed;
            tat = s.newTat;
        }
    }
    EXPECT_EQ(allowed, 50);
}

TEST(Gcra, AnIdleKeyRefillsToTheFullBurstAndNoFurther) {
    const Policy p = policy(4, std::chrono::seconds(1));
    Micros tat = 0;
    for (int i = 0; i < 4; ++i) tat = gcra(tat, kT0, p).newTat;
    // An hour idle: still only the burst, not an hour's worth.
    int allowed = 0;
    for (int i = 0; i < 10; ++i) {
        auto s = gcra(tat, kT0 + 3600 * kSec, p);
        if (!s.decision.allowed) break;
        ++allowed;
        tat = s.newTat;
    }
    EXPECT_EQ(allowed, 4);
}

TEST(MemoryRateLimiter, KeysAreIndependentAndAgreeWithTheArithmetic) {
    MemoryRateLimiter limiter;
    const Policy p = policy(2, std::chrono::seconds(1));
    EXPECT_TRUE(limiter.check("u:alice", p, kT0).allowed);
    EXPECT_TRUE(limiter.check("u:alice", p, kT0).allowed);
    auto third = limiter.check("u:alice", p, kT0);
    EXPECT_FALSE(third.allowed);
    EXPECT_EQ(third.retryAfter, 500'000);
    EXPECT_TRUE(limiter.check("u:bob", p, kT0).allowed) << "another key has its own budget";
    EXPECT_TRUE(limiter.check("u:alice", p, kT0 + 500'000).allowed);
}

TEST(MemoryRateLimiter, MemoryIsBoundedAndExpiredKeysGoFirst) {
    MemoryRateLimiter limiter(/*maxKeys=*/100, /*shards=*/4);
    const Policy p = policy(1, std::chrono::seconds(1));
    for (int i = 0; i < 1000; ++i) ASSERT_TRUE(limiter.check("k" + std::to_string(i), p, kT0).allowed);
    EXPECT_LE(limiter.size(), 100u);
    // After the window every key's state has expired: they are dropped, not kept.
    for (int i = 0; i < 10; ++i) ASSERT_TRUE(limiter.check("late" + std::to_string(i), p, kT0 + 20 * kSec).allowed);
    EXPECT_LE(limiter.size(), 10u + 3u);
    // A key still active is not forgotten while expired ones can make room.
    MemoryRateLimiter small(/*maxKeys=*/4, /*shards=*/1);
    ASSERT_TRUE(small.check("active", policy(1, std::chrono::seconds(60)), kT0).allowed);
    for (int i = 0; i < 3; ++i) ASSERT_TRUE(small.check("old" + std::to_string(i), p, kT0).allowed);
    ASSERT_TRUE(small.check("new", p, kT0 + 2 * kSec).allowed);
    EXPECT_FALSE(small.check("active", policy(1, std::chrono::seconds(60)), kT0 + 2 * kSec).allowed);
}

}  // namespace
}  // namespace boxoffice::admission
