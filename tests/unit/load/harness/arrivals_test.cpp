#include "harness/arrivals.hpp"

#include <gtest/gtest.h>

namespace boxoffice::load {
namespace {

TEST(Arrivals, InstantSpreadsEveryoneOverTheOpeningWindow) {
    Scenario s;
    s.arrival = Arrival::Instant;
    s.window = std::chrono::milliseconds(1000);
    EXPECT_EQ(plannedArrivalMicros(s, 0, 20000), 0);
    EXPECT_EQ(plannedArrivalMicros(s, 10000, 20000), 500'000);
    EXPECT_LT(plannedArrivalMicros(s, 19999, 20000), 1'000'000);
    for (long long i = 1; i < 20000; ++i)
        ASSERT_GE(plannedArrivalMicros(s, i, 20000), plannedArrivalMicros(s, i - 1, 20000));
}

TEST(Arrivals, RampGrowsTheRateLinearly) {
    Scenario s;
    s.arrival = Arrival::Ramp;
    s.ramp = std::chrono::milliseconds(10000);
    // A quarter of the users have arrived at half time: arrivals(t) = n (t / ramp)^2.
    EXPECT_EQ(plannedArrivalMicros(s, 250, 1000), 5'000'000);
    EXPECT_EQ(plannedArrivalMicros(s, 1000, 1000), 10'000'000);
    // The second half of the ramp brings three times as many users as the first.
    long long first = 0, second = 0;
    for (long long i = 0; i < 1000; ++i) (plannedArrivalMicros(s, i, 1000) < 5'000'000 ? first : second)++;
    EXPECT_EQ(first, 250);
    EXPECT_EQ(second, 750);
}

TEST(Arrivals, ConstantRate) {
    Scenario s;
    s.arrival = Arrival::Rate;
    s.rate = 400;
    EXPECT_EQ(plannedArrivalMicros(s, 1, 100), 2500);
    EXPECT_EQ(plannedArrivalMicros(s, 400, 1000), 1'000'000);
}

TEST(Arrivals, ClosedLoopHasNoTimetable) {
    Scenario s;
    s.arrival = Arrival::Closed;
    EXPECT_EQ(plannedArrivalMicros(s, 77, 100), 0);
}

TEST(Arrivals, LatencyCountsFromThePlanNotTheSend) {
    // Planned at 1 s, the harness could only send at 1.5 s, answered at 1.6 s: 600 ms, not 100.
    EXPECT_EQ(latencyMicros(1'000'000, 1'600'000), 600'000);
    EXPECT_EQ(latencyMicros(2'000'000, 1'000'000), 0);
    EXPECT_EQ(secondSlot(-5), 0);
    EXPECT_EQ(secondSlot(999'999), 0);
    EXPECT_EQ(secondSlot(1'000'000), 1);
}

}  // namespace
}  // namespace boxoffice::load
