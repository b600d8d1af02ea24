#include "storage/sql/sql_show_rate_limits.hpp"

#include <soci/soci.h>

#include "storage/sql/one_shot.hpp"

#include <algorithm>
#include <map>

namespace boxoffice::sql {
namespace {

namespace q {
constexpr const char* kAll =
    "SELECT show_id, budget, scope, limit_count, window_ms, updated_at, updated_by FROM show_rate_limits "
    "ORDER BY show_id";
constexpr const char* kShowExists = "SELECT count(*) FROM shows WHERE id = :id";
constexpr const char* kDelete = "DELETE FROM show_rate_limits WHERE show_id = :id";
constexpr const char* kInsert =
    "INSERT INTO show_rate_limits (show_id, budget, scope, limit_count, window_ms, updated_at, updated_by) "
    "VALUES (:show, :budget, :scope, :limit, :window, :at, :by)";
}  // namespace q

std::optional<admission::Budget> budgetOf(const std::string& name) {
    for (auto b : admission::kBudgets)
        if (admission::budgetName(b) == name) return b;
    return std::nullopt;
}

std::optional<admission::Scope> scopeOf(const std::string& name) {
    for (auto s : admission::kScopes)
        if (admission::scopeName(s) == name) return s;
    return std::nullopt;
}

}  // namespace

Result<std::vector<admission::ShowRateLimits>> SqlShowRateLimits::loadAll() {
    std::map<std::string, admission::ShowRateLimits> byShow;
    auto r = db_.run([&](soci::session& sql) {
        byShow.clear();  // run() may retry on a fresh connection
        std::string show, budget, scope, by;
        long long limit = 0, window = 0, at = 0;
        soci::statement st = oneShot(sql, q::kAll, soci::into(show), soci::into(budget), soci::into(scope),
                                     soci::into(limit), soci::into(window), soci::into(at), soci::into(by));
        st.execute();
        while (st.fetch()) {
            auto b = budgetOf(budget);
            auto s = scopeOf(scope);
            if (!b || !s) continue;  // the table's CHECKs allow neither; a newer schema might
            auto& l = byShow[show];
            l.show = ShowId{show};
            l.of(*b, *s) = admission::Rate{limit, std::chrono::milliseconds(window)};
            l.updatedAt = std::max<EpochMs>(l.updatedAt, at);
            l.updatedBy = by;
        }
    });
    if (!r) return std::move(r).error();
    std::vector<admission::ShowRateLimits> out;
    out.reserve(byShow.size());
    for (auto& [_, l] : byShow) out.push_back(std::move(l));
    return out;
}

Result<void> SqlShowRateLimits::replace(const admission::ShowRateLimits& limits) {
    return db_.transact([&](soci::session& sql) -> Result<void> {
        long long shows = 0;
        sql << q::kShowExists, soci::use(limits.show.str()), soci::into(shows);
        if (shows == 0) return Error::notFound("show");
        sql << q::kDelete, soci::use(limits.show.str());
        long long at = limits.updatedAt;
        for (auto b : admission::kBudgets) {
            for (auto s : admission::kScopes) {
                const auto& rate = limits.of(b, s);
                if (!rate) continue;
                long long limit = rate->limit, window = rate->window.count();
                const std::string budget(admission::budgetName(b)), scope(admission::scopeName(s));
                sql << q::kInsert, soci::use(limits.show.str()), soci::use(budget), soci::use(scope), soci::use(limit),
                    soci::use(window), soci::use(at), soci::use(limits.updatedBy);
            }
        }
        return {};
    });
}

}  // namespace boxoffice::sql
