#include "admission/waiting_room_cache.hpp"

#include "util/log.hpp"
#include "util/redact.hpp"

namespace boxoffice::admission {

WaitingRoomCache::WaitingRoomCache(WaitingRoomRepository& repository, std::chrono::milliseconds refresh,
                                   std::function<void(bool)> onRefresh)
    : repository_(repository), refresh_(refresh), onRefresh_(std::move(onRefresh)) {
    entries_.store(std::make_shared<const Entries>());
    if (auto r = reload(); !r)
        log::warn("waiting rooms not loaded; retrying in the background",
                  {{"error", r.error().detail}, {"internal", util::redactSecrets(r.error().internal)}});
    thread_ = std::thread([this] { loop(); });
}

WaitingRoomCache::~WaitingRoomCache() {
    {
        std::lock_guard lock(mu_);
        stopping_ = true;
    }
    cv_.notify_all();
    if (thread_.joinable()) thread_.join();
}

std::shared_ptr<const WaitingRoomSettings> WaitingRoomCache::find(const std::string& showId) const {
    const auto entries = entries_.load();
    auto it = entries->find(showId);
    return it == entries->end() ? nullptr : it->second;
}

void WaitingRoomCache::publish(std::shared_ptr<const Entries> entries) {
    bool any = false;
    for (const auto& [_, room] : *entries) any = any || room->enabled;
    // The entries first: a reader that sees anyEnabled_ then finds the room in them.
    entries_.store(std::move(entries));
    anyEnabled_.store(any, std::memory_order_release);
}

Result<void> WaitingRoomCache::reload() {
    std::lock_guard write(writeMu_);
    auto all = repository_.loadAll();
    if (onRefresh_) onRefresh_(all.ok());
    if (!all) return std::move(all).error();
    auto fresh = std::make_shared<Entries>();
    for (auto& w : *all) {
        auto key = w.show.str();
        fresh->emplace(std::move(key), std::make_shared<const WaitingRoomSettings>(std::move(w)));
    }
    publish(std::move(fresh));
    return {};
}

Result<void> WaitingRoomCache::save(const WaitingRoomSettings& room) {
    std::lock_guard write(writeMu_);
    if (auto r = repository_.save(room); !r) return r;
    auto next = std::make_shared<Entries>(*entries_.load());
    (*next)[room.show.str()] = std::make_shared<const WaitingRoomSettings>(room);
    publish(std::move(next));
    return {};
}

void WaitingRoomCache::loop() {
    bool failing = false;
    std::unique_lock lock(mu_);
    while (!stopping_) {
        cv_.wait_for(lock, refresh_, [this] { return stopping_; });
        if (stopping_) break;
        lock.unlock();
        auto r = reload();
        if (!r && !failing)
            log::warn("waiting rooms refresh failed; keeping the last ones loaded",
                      {{"error", r.error().detail}, {"internal", util::redactSecrets(r.error().internal)}});
        if (r && failing) log::info("waiting rooms refresh recovered");
        failing = !r;
        lock.lock();
    }
}

}  // namespace boxoffice::admission
