#pragma once
// A table of per-show settings kept in memory (the rate limit overrides, the waiting rooms). A
// request only ever reads the current snapshot (no database on the request path, not even on a
// miss): a background thread reloads the whole table every `refresh` (it is small: one row per
// show that has settings), a change made through this process is in its snapshot at once, and
// other replicas see it within one refresh. A failed reload keeps the last snapshot.
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <unordered_map>
#include <utility>
#include <vector>

#include "domain/result.hpp"
#include "util/log.hpp"
#include "util/redact.hpp"

namespace boxoffice::admission {

/// `Settings` has a `show` (ShowId): the key.
template <class Settings>
class ShowSettingsCache {
public:
    using Entries = std::unordered_map<std::string, std::shared_ptr<const Settings>>;

    struct Source {
        std::string name;  // in the logs: "show rate limits", "waiting rooms"
        std::function<Result<std::vector<Settings>>()> loadAll;
        std::function<Result<void>(const Settings&)> store;
        /// false for stored settings that mean "none" (the show is dropped from the snapshot).
        std::function<bool(const Settings&)> keep = [](const Settings&) { return true; };
        /// Told every new snapshot right after readers can see it (may be empty).
        std::function<void(const Entries&)> published;
        /// Told the outcome of every load (may be empty).
        std::function<void(bool)> onRefresh;
    };

    /// Loads once now (a failure leaves the cache empty until the next refresh) and starts the
    /// refresh thread.
    ShowSettingsCache(Source source, std::chrono::milliseconds refresh)
        : source_(std::move(source)), refresh_(refresh) {
        publish(std::make_shared<const Entries>());
        if (auto r = reload(); !r)
            log::warn(source_.name + " not loaded; retrying in the background",
                      {{"error", r.error().detail}, {"internal", util::redactSecrets(r.error().internal)}});
        thread_ = std::thread([this] { loop(); });
    }
    ~ShowSettingsCache() {
        {
            std::lock_guard lock(mu_);
            stopping_ = true;
        }
        cv_.notify_all();
        if (thread_.joinable()) thread_.join();
    }
    ShowSettingsCache(const ShowSettingsCache&) = delete;
    ShowSettingsCache& operator=(const ShowSettingsCache&) = delete;

    /// The show's settings in the current snapshot, nullptr when it has none; never blocks.
    std::shared_ptr<const Settings> find(const std::string& showId) const {
        const auto entries = entries_.load();
        auto it = entries->find(showId);
        return it == entries->end() ? nullptr : it->second;
    }

    /// Stores the settings durably, then puts them into this process's snapshot.
    Result<void> save(const Settings& settings) {
        std::lock_guard write(writeMu_);
        if (auto r = source_.store(settings); !r) return r;
        auto next = std::make_shared<Entries>(*entries_.load());
        if (source_.keep(settings))
            (*next)[settings.show.str()] = std::make_shared<const Settings>(settings);
        else
            next->erase(settings.show.str());
        publish(std::move(next));
        return {};
    }

    /// Reloads now (the refresh thread's step; tests call it directly).
    Result<void> reload() {
        std::lock_guard write(writeMu_);
        auto all = source_.loadAll();
        if (source_.onRefresh) source_.onRefresh(all.ok());
        if (!all) return std::move(all).error();
        auto fresh = std::make_shared<Entries>();
        for (auto& s : *all) {
            auto key = s.show.str();
            fresh->emplace(std::move(key), std::make_shared<const Settings>(std::move(s)));
        }
        publish(std::move(fresh));
        return {};
    }

private:
    void publish(std::shared_ptr<const Entries> entries) {
        entries_.store(entries);
        if (source_.published) source_.published(*entries);
    }

    void loop() {
        bool failing = false;
        std::unique_lock lock(mu_);
        while (!stopping_) {
            cv_.wait_for(lock, refresh_, [this] { return stopping_; });
            if (stopping_) break;
            lock.unlock();
            auto r = reload();
            // Logged once per outage; the last good snapshot stays in use meanwhile.
            if (!r && !failing)
                log::warn(source_.name + " refresh failed; keeping the last ones loaded",
                          {{"error", r.error().detail}, {"internal", util::redactSecrets(r.error().internal)}});
            if (r && failing) log::info(source_.name + " refresh recovered");
            failing = !r;
            lock.lock();
        }
    }

    Source source_;
    std::chrono::milliseconds refresh_;
    std::atomic<std::shared_ptr<const Entries>> entries_;
    std::mutex writeMu_;  // orders a reload's swap against save()'s
    std::mutex mu_;
    std::condition_variable cv_;
    bool stopping_ = false;
    std::thread thread_;
};

}  // namespace boxoffice::admission
