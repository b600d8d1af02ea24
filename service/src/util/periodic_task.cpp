#include "util/periodic_task.hpp"

namespace boxoffice::util {

PeriodicTask::PeriodicTask(std::chrono::milliseconds period, std::function<void()> tick)
    : period_(period), tick_(std::move(tick)) {}

PeriodicTask::~PeriodicTask() {
    stop();
}

void PeriodicTask::start() {
    std::lock_guard lock(mu_);
    if (thread_.joinable() || stopping_) return;
    thread_ = std::thread([this] { run(); });
}

void PeriodicTask::stop() {
    {
        std::lock_guard lock(mu_);
        stopping_ = true;
    }
    cv_.notify_all();
    if (thread_.joinable()) thread_.join();
}

void PeriodicTask::run() {
    std::unique_lock lock(mu_);
    while (!stopping_) {
        cv_.wait_for(lock, period_, [this] { return stopping_; });
        if (stopping_) break;
        lock.unlock();
        tick_();
        lock.lock();
    }
}

}  // namespace boxoffice::util
