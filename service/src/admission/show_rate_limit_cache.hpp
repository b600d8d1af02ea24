#pragma once
// The shows' rate limit overrides, in memory. A request only ever reads the current snapshot (no
// database on the request path, not even on a miss): a background thread reloads the whole table
// every `refresh` (it is small: one row per overridden rate), and a change made through this
// process is in its snapshot at once. Other replicas see a change within one refresh.
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <unordered_map>

#include "admission/rate_limit_policy.hpp"

namespace boxoffice::admission {

class ShowRateLimitCache {
public:
    using Snapshot = std::unordered_map<std::string, ShowRateLimits>;

    /// Loads once now (a failure leaves the cache empty until the next refresh) and starts the
    /// refresh thread. `onRefresh(ok)` (may be empty) is told the outcome of every load.
    ShowRateLimitCache(ShowRateLimitRepository& repository, std::chrono::milliseconds refresh,
                       std::function<void(bool)> onRefresh = {});
    ~ShowRateLimitCache();
    ShowRateLimitCache(const ShowRateLimitCache&) = delete;
    ShowRateLimitCache& operator=(const ShowRateLimitCache&) = delete;

    /// The show's override in the current snapshot; never blocks on the database.
    std::shared_ptr<const ShowRateLimits> find(const std::string& showId) const;
    /// Stores the override durably, then puts it into this process's snapshot.
    Result<void> replace(const ShowRateLimits& limits);
    /// Reloads now (the refresh thread's step; tests call it directly).
    Result<void> reload();

private:
    using Entries = std::unordered_map<std::string, std::shared_ptr<const ShowRateLimits>>;
    void loop();

    ShowRateLimitRepository& repository_;
    std::chrono::milliseconds refresh_;
    std::function<void(bool)> onRefresh_;
    std::atomic<std::shared_ptr<const Entries>> entries_;
    std::mutex writeMu_;  // orders a reload's swap against replace()'s
    std::mutex mu_;
    std::condition_variable cv_;
    bool stopping_ = false;
    std::thread thread_;
};

}  // namespace boxoffice::admission
