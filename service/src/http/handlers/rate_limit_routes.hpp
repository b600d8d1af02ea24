#pragma once
// GET and PUT /v1/shows/{id}/rate-limits (admin): a show's own rate limits.
#include "admission/rate_limit_policy.hpp"
#include "admission/show_rate_limit_cache.hpp"
#include "domain/catalog_service.hpp"
#include "http/json_body.hpp"
#include "http/router.hpp"

namespace boxoffice::http {

void registerRateLimitRoutes(Router& router, CatalogService& catalog, admission::ShowRateLimitCache& overrides,
                             const admission::RateLimitSettings& defaults, const Clock& clock);

/// The PUT body: {"holds"|"orders"|"reads": {"perUser"|"perIp": {"limit", "windowSeconds"} | null}};
/// anything absent or null keeps the default. Unknown fields are refused (422).
Result<admission::ShowRateLimits> parseShowRateLimits(const Json& body, const ShowId& show);
/// What GET and PUT answer: the overrides, and the limits in force for the show.
Json toJson(const admission::ShowRateLimits& overrides, const admission::RateLimitSettings& defaults);

}  // namespace boxoffice::http
