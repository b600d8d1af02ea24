#pragma once
// The shows' rate limit overrides, in memory (show_settings_cache.hpp): a request only ever reads
// the current snapshot; a background thread reloads the whole table every `refresh`.
#include <chrono>
#include <functional>
#include <memory>
#include <string>

#include "admission/rate_limit_policy.hpp"
#include "admission/show_settings_cache.hpp"

namespace boxoffice::admission {

class ShowRateLimitCache {
public:
    /// Loads once now (a failure leaves the cache empty until the next refresh) and starts the
    /// refresh thread. `onRefresh(ok)` (may be empty) is told the outcome of every load.
    ShowRateLimitCache(ShowRateLimitRepository& repository, std::chrono::milliseconds refresh,
                       std::function<void(bool)> onRefresh = {});

    /// The show's override in the current snapshot; never blocks on the database.
    std::shared_ptr<const ShowRateLimits> find(const std::string& showId) const { return cache_.find(showId); }
    /// Stores the override durably (an empty one removes it), then puts it into this process's snapshot.
    Result<void> replace(const ShowRateLimits& limits) { return cache_.save(limits); }
    /// Reloads now (the refresh thread's step; tests call it directly).
    Result<void> reload() { return cache_.reload(); }

private:
    ShowSettingsCache<ShowRateLimits> cache_;
};

}  // namespace boxoffice::admission
