#pragma once
// A fixed set of worker threads behind a bounded queue. Posting never blocks: a full queue is
// refused so the caller can answer "overloaded" instead of queueing without limit.
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace boxoffice::util {

class WorkQueue {
public:
    WorkQueue(std::string name, int threads, std::size_t capacity);
    ~WorkQueue();
    WorkQueue(const WorkQueue&) = delete;
    WorkQueue& operator=(const WorkQueue&) = delete;

    /// False when the queue is full or stopping.
    bool tryPost(std::function<void()> job);
    /// Runs what is queued, then joins the workers. Idempotent.
    void stop();
    std::size_t depth() const;

private:
    void run();

    std::string name_;
    std::size_t capacity_;
    mutable std::mutex mu_;
    std::condition_variable cv_;
    std::deque<std::function<void()>> jobs_;
    std::vector<std::thread> workers_;
    bool stopping_ = false;
};

}  // namespace boxoffice::util
