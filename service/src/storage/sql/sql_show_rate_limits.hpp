#pragma once
// The shows' rate limit overrides in the show_rate_limits table (migrations/000011).
#include "admission/rate_limit_policy.hpp"
#include "storage/sql/database.hpp"

namespace boxoffice::sql {

class SqlShowRateLimits final : public admission::ShowRateLimitRepository {
public:
    explicit SqlShowRateLimits(Database& db) : db_(db) {}

    Result<std::vector<admission::ShowRateLimits>> loadAll() override;
    Result<void> replace(const admission::ShowRateLimits& limits) override;

private:
    Database& db_;
};

}  // namespace boxoffice::sql
