#pragma once
// A background thread that runs `tick` every `period` until stop(), which wakes it at once and
// waits for a tick in progress. The first run comes one period after start(), or at start().
// Components of the composition root (the order sweeper, the hold store's repair, the metrics
// sampler) are made of one.
#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <thread>

namespace boxoffice::util {

class PeriodicTask {
public:
    enum class FirstRun { AfterPeriod, AtStart };

    PeriodicTask(std::chrono::milliseconds period, std::function<void()> tick, FirstRun first = FirstRun::AfterPeriod);
    ~PeriodicTask();
    PeriodicTask(const PeriodicTask&) = delete;
    PeriodicTask& operator=(const PeriodicTask&) = delete;

    /// Starts the thread; a second call does nothing.
    void start();
    /// Stops it and joins; safe to call more than once, and without start().
    void stop();

private:
    void run();

    std::chrono::milliseconds period_;
    std::function<void()> tick_;
    FirstRun first_;
    std::mutex mu_;
    std::condition_variable cv_;
    bool stopping_ = false;
    std::thread thread_;
};

}  // namespace boxoffice::util
