#pragma once
// The shows' waiting-room settings, in memory, as the rate limit overrides are
// (show_settings_cache.hpp): a request only reads the current snapshot, a background thread
// reloads the whole table every `refresh`, a change made through this process is in its snapshot
// at once, other replicas see it within one refresh. The hold path asks enabledFor() on the reactor
// thread: while no show has a room on (the usual case) that is one relaxed atomic load.
#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <string>

#include "admission/show_settings_cache.hpp"
#include "admission/waiting_room.hpp"

namespace boxoffice::admission {

class WaitingRoomCache {
public:
    /// Loads once now (a failure leaves the cache empty until the next refresh) and starts the
    /// refresh thread. `onRefresh(ok)` (may be empty) is told the outcome of every load.
    WaitingRoomCache(WaitingRoomRepository& repository, std::chrono::milliseconds refresh,
                     std::function<void(bool)> onRefresh = {});
    /// The show's settings (on or off), nullptr when it never had a room. Never blocks on SQL.
    std::shared_ptr<const WaitingRoomSettings> find(const std::string& showId) const { return cache_.find(showId); }
    /// The show's settings when its room is on, else nullptr: the hold path's one lookup.
    std::shared_ptr<const WaitingRoomSettings> enabledFor(const std::string& showId) const {
        if (!anyEnabled_.load(std::memory_order_relaxed)) return nullptr;
        auto room = find(showId);
        return room && room->enabled ? room : nullptr;
    }
    /// Stores the settings durably, then puts them into this process's snapshot.
    Result<void> save(const WaitingRoomSettings& room) { return cache_.save(room); }
    /// Reloads now (the refresh thread's step; tests call it directly).
    Result<void> reload() { return cache_.reload(); }

private:
    std::atomic<bool> anyEnabled_{false};  // before cache_: its first load sets it
    ShowSettingsCache<WaitingRoomSettings> cache_;
};

}  // namespace boxoffice::admission
