#pragma once
// The shows' waiting-room settings, in memory, as the rate limit overrides are
// (show_rate_limit_cache.hpp): a request only reads the current snapshot, a background thread
// reloads the whole table every `refresh`, a change made through this process is in its snapshot
// at once, other replicas see it within one refresh. The hold path asks enabledFor() on the reactor
// thread: while no show has a room on (the usual case) that is one relaxed atomic load.
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <unordered_map>

#include "admission/waiting_room.hpp"

namespace boxoffice::admission {

class WaitingRoomCache {
public:
    /// Loads once now (a failure leaves the cache empty until the next refresh) and starts the
    /// refresh thread. `onRefresh(ok)` (may be empty) is told the outcome of every load.
    WaitingRoomCache(WaitingRoomRepository& repository, std::chrono::milliseconds refresh,
                     std::function<void(bool)> onRefresh = {});
    ~WaitingRoomCache();
    WaitingRoomCache(const WaitingRoomCache&) = delete;
    WaitingRoomCache& operator=(const WaitingRoomCache&) = delete;

    /// The show's settings (on or off), nullptr when it never had a room. Never blocks on SQL.
    std::shared_ptr<const WaitingRoomSettings> find(const std::string& showId) const;
    /// The show's settings when its room is on, else nullptr: the hold path's one lookup.
    std::shared_ptr<const WaitingRoomSettings> enabledFor(const std::string& showId) const {
        if (!anyEnabled_.load(std::memory_order_relaxed)) return nullptr;
        auto room = find(showId);
        return room && room->enabled ? room : nullptr;
    }
    /// Stores the settings durably, then puts them into this process's snapshot.
    Result<void> save(const WaitingRoomSettings& room);
    /// Reloads now (the refresh thread's step; tests call it directly).
    Result<void> reload();

private:
    using Entries = std::unordered_map<std::string, std::shared_ptr<const WaitingRoomSettings>>;
    void publish(std::shared_ptr<const Entries> entries);
    void loop();

    WaitingRoomRepository& repository_;
    std::chrono::milliseconds refresh_;
    std::function<void(bool)> onRefresh_;
    std::atomic<std::shared_ptr<const Entries>> entries_;
    std::atomic<bool> anyEnabled_{false};
    std::mutex writeMu_;  // orders a reload's swap against save()'s
    std::mutex mu_;
    std::condition_variable cv_;
    bool stopping_ = false;
    std::thread thread_;
};

}  // namespace boxoffice::admission
