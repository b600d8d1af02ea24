#include "util/work_queue.hpp"

#include <pthread.h>

namespace boxoffice::util {

WorkQueue::WorkQueue(std::string name, int threads, std::size_t capacity)
    : name_(std::move(name)), capacity_(capacity) {
    for (int i = 0; i < threads; ++i) {
        workers_.emplace_back([this] { run(); });
        pthread_setname_np(workers_.back().native_handle(), name_.substr(0, 15).c_str());
    }
}

WorkQueue::~WorkQueue() {
    stop();
}

bool WorkQueue::tryPost(std::function<void()> job) {
    {
        std::lock_guard lock(mu_);
        if (stopping_ || jobs_.size() >= capacity_) return false;
        jobs_.push_back(std::move(job));
    }
    cv_.notify_one();
    return true;
}

void WorkQueue::stop() {
    {
        std::lock_guard lock(mu_);
        if (stopping_ && workers_.empty()) return;
        stopping_ = true;
    }
    cv_.notify_all();
    for (auto& w : workers_)
        if (w.joinable()) w.join();
    workers_.clear();
}

std::size_t WorkQueue::depth() const {
    std::lock_guard lock(mu_);
    return jobs_.size();
}

void WorkQueue::run() {
    for (;;) {
        std::function<void()> job;
        {
            std::unique_lock lock(mu_);
            cv_.wait(lock, [this] { return stopping_ || !jobs_.empty(); });
            if (jobs_.empty()) return;  // stopping and drained
            job = std::move(jobs_.front());
            jobs_.pop_front();
        }
        job();
    }
}

}  // namespace boxoffice::util
