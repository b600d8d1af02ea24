#include "util/periodic_task.hpp"

namespace boxoffice::util {

PeriodicTask::PeriodicTask(std::chrono::milliseconds period, std::function<void()> tick, FirstRun first)
    : period_(period), tick_(std::move(tick)), first_(first) {}

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
    bool due = first_ == FirstRun::AtStart;
    while (!stopping_) {
        if (due) {
            lock.unlock();
            tick_();
            lock.lock();
        }
        due = true;
        cv_.wait_for(lock, period_, [this] { return stopping_; });
    }
}

}  // namespace boxoffice::util
