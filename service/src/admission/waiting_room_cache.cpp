#include "admission/waiting_room_cache.hpp"

namespace boxoffice::admission {

WaitingRoomCache::WaitingRoomCache(WaitingRoomRepository& repository, std::chrono::milliseconds refresh,
                                   std::function<void(bool)> onRefresh)
    : cache_({.name = "waiting rooms",
              .loadAll = [&repository] { return repository.loadAll(); },
              .store = [&repository](const WaitingRoomSettings& room) { return repository.save(room); },
              .keep = [](const WaitingRoomSettings&) { return true; },
              // Called after the snapshot is stored: a reader that sees anyEnabled_ then finds the
              // room in it.
              .published =
                  [this](const ShowSettingsCache<WaitingRoomSettings>::Entries& entries) {
                      bool any = false;
                      for (const auto& [_, room] : entries) any = any || room->enabled;
                      anyEnabled_.store(any, std::memory_order_release);
                  },
              .onRefresh = std::move(onRefresh)},
             refresh) {}

}  // namespace boxoffice::admission
