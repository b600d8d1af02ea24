#include "admission/show_rate_limit_cache.hpp"

namespace boxoffice::admission {

ShowRateLimitCache::ShowRateLimitCache(ShowRateLimitRepository& repository, std::chrono::milliseconds refresh,
                                       std::function<void(bool)> onRefresh)
    : cache_({.name = "show rate limits",
              .loadAll = [&repository] { return repository.loadAll(); },
              .store = [&repository](const ShowRateLimits& limits) { return repository.replace(limits); },
              .keep = [](const ShowRateLimits& limits) { return !limits.empty(); },
              .published = {},
              .onRefresh = std::move(onRefresh)},
             refresh) {}

}  // namespace boxoffice::admission
