#include "admission/show_rate_limit_cache.hpp"

#include "util/log.hpp"
#include "util/redact.hpp"

namespace boxoffice::admission {

ShowRateLimitCache::ShowRateLimitCache(ShowRateLimitRepository& repository, std::chrono::milliseconds refresh,
                                       std::function<void(bool)> onRefresh)
    : repository_(repository), refresh_(refresh), onRefresh_(std::move(onRefresh)) {
    entries_.store(std::make_shared<const Entries>());
    if (auto r = reload(); !r)
        log::warn("show rate limits not loaded; retrying in the background",
                  {{"error", r.error().detail}, {"internal", util::redactSecrets(r.error().internal)}});
    thread_ = std::thread([this] { loop(); });
}

ShowRateLimitCache::~ShowRateLimitCache() {
    {
        std::lock_guard lock(mu_);
        stopping_ = true;
    }
    cv_.notify_all();
    if (thread_.joinable()) thread_.join();
}

std::shared_ptr<const ShowRateLimits> ShowRateLimitCache::find(const std::string& showId) const {
    const auto entries = entries_.load();
    auto it = entries->find(showId);
    return it == entries->end() ? nullptr : it->second;
}

Result<void> ShowRateLimitCache::reload() {
    std::lock_guard write(writeMu_);
    auto all = repository_.loadAll();
    if (onRefresh_) onRefresh_(all.ok());
    if (!all) return std::move(all).error();
    auto fresh = std::make_shared<Entries>();
    for (auto& l : *all) {
        auto key = l.show.str();
        fresh->emplace(std::move(key), std::make_shared<const ShowRateLimits>(std::move(l)));
    }
    entries_.store(std::move(fresh));
    return {};
}

Result<void> ShowRateLimitCache::replace(const ShowRateLimits& limits) {
    std::lock_guard write(writeMu_);
    if (auto r = repository_.replace(limits); !r) return r;
    auto next = std::make_shared<Entries>(*entries_.load());
    if (limits.empty())
        next->erase(limits.show.str());
    else
        (*next)[limits.show.str()] = std::make_shared<const ShowRateLimits>(limits);
    entries_.store(std::move(next));
    return {};
}

void ShowRateLimitCache::loop() {
    bool failing = false;
    std::unique_lock lock(mu_);
    while (!stopping_) {
        cv_.wait_for(lock, refresh_, [this] { return stopping_; });
        if (stopping_) break;
        lock.unlock();
        auto r = reload();
        // Logged once per outage; the last good snapshot stays in use meanwhile.
        if (!r && !failing)
            log::warn("show rate limits refresh failed; keeping the last ones loaded",
                      {{"error", r.error().detail}, {"internal", util::redactSecrets(r.error().internal)}});
        if (r && failing) log::info("show rate limits refresh recovered");
        failing = !r;
        lock.lock();
    }
}

}  // namespace boxoffice::admission
