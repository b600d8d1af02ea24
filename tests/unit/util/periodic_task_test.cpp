// The background thread of the composition root's components: ticks every period, stops at once.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <thread>

#include "util/periodic_task.hpp"

namespace boxoffice::util {
namespace {

using namespace std::chrono_literals;

TEST(PeriodicTask, TicksEveryPeriodAfterStartAndNotBefore) {
    std::atomic<int> ticks{0};
    PeriodicTask task(10ms, [&ticks] { ++ticks; });
    std::this_thread::sleep_for(30ms);
    EXPECT_EQ(ticks.load(), 0) << "nothing runs before start()";
    task.start();
    task.start();  // a second start changes nothing
    const auto deadline = std::chrono::steady_clock::now() + 5s;
    while (ticks.load() < 3 && std::chrono::steady_clock::now() < deadline) std::this_thread::sleep_for(5ms);
    EXPECT_GE(ticks.load(), 3);
    task.stop();
    const int stopped = ticks.load();
    std::this_thread::sleep_for(40ms);
    EXPECT_EQ(ticks.load(), stopped) << "no tick after stop()";
}

TEST(PeriodicTask, AtStartTheFirstRunComesAtOnce) {
    std::atomic<int> ticks{0};
    PeriodicTask task(
        std::chrono::hours(1), [&ticks] { ++ticks; }, PeriodicTask::FirstRun::AtStart);
    task.start();
    const auto deadline = std::chrono::steady_clock::now() + 5s;
    while (ticks.load() < 1 && std::chrono::steady_clock::now() < deadline) std::this_thread::sleep_for(2ms);
    task.stop();
    EXPECT_EQ(ticks.load(), 1) << "one run at start, none until the period passes";
}

TEST(PeriodicTask, StopWakesALongWaitAtOnceAndIsSafeToRepeat) {
    std::atomic<int> ticks{0};
    PeriodicTask task(std::chrono::hours(1), [&ticks] { ++ticks; });
    task.start();
    const auto begun = std::chrono::steady_clock::now();
    task.stop();
    task.stop();
    EXPECT_LT(std::chrono::steady_clock::now() - begun, 2s);
    EXPECT_EQ(ticks.load(), 0);
    PeriodicTask never(10ms, [] {});
    never.stop();  // never started: nothing to join
}

}  // namespace
}  // namespace boxoffice::util
