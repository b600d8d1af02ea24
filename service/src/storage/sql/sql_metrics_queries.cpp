#include "storage/sql/sql_metrics_queries.hpp"

#include <soci/soci.h>

#include "storage/sql/one_shot.hpp"

namespace boxoffice::sql {
namespace {

constexpr const char* kShowsOnSale =
    "SELECT id FROM shows WHERE sale_opens_at <= :opened AND sale_closes_at > :closes ORDER BY sale_closes_at, id "
    "LIMIT :lim";
// Both served by partial indexes (outbox_pending, outbox_parked).
constexpr const char* kOutboxBacklog =
    "SELECT COUNT(*), MIN(created_at) FROM outbox WHERE published_at IS NULL AND parked_at IS NULL";
constexpr const char* kOutboxParked = "SELECT COUNT(*) FROM outbox WHERE parked_at IS NOT NULL";
constexpr const char* kOldestOverdue =
    "SELECT MIN(expires_at) FROM orders WHERE status = 'PAYMENT_PENDING' AND expires_at < :now";

}  // namespace

Result<std::vector<std::string>> SqlMetricsQueries::showsOnSale(EpochMs now, int limit) {
    std::vector<std::string> ids;
    auto r = db_.run([&](soci::session& sql) {
        ids.clear();
        long long at = now;
        std::string id;
        soci::statement st = oneShot(sql, kShowsOnSale, soci::use(at, "opened"), soci::use(at, "closes"),
                                     soci::use(limit, "lim"), soci::into(id));
        st.execute(false);
        while (st.fetch()) ids.push_back(id);
    });
    if (!r) return std::move(r).error();
    return ids;
}

Result<OutboxBacklog> SqlMetricsQueries::outboxBacklog() {
    OutboxBacklog b;
    auto r = db_.run([&](soci::session& sql) {
        long long depth = 0, oldest = 0, parked = 0;
        soci::indicator ind = soci::i_null;
        sql << kOutboxBacklog, soci::into(depth), soci::into(oldest, ind);
        sql << kOutboxParked, soci::into(parked);
        b.depth = depth;
        b.parked = parked;
        b.oldestCreatedAt = ind == soci::i_ok ? oldest : 0;
    });
    if (!r) return std::move(r).error();
    return b;
}

Result<std::optional<EpochMs>> SqlMetricsQueries::oldestOverduePendingOrder(EpochMs now) {
    std::optional<EpochMs> oldest;
    auto r = db_.run([&](soci::session& sql) {
        long long at = now, value = 0;
        soci::indicator ind = soci::i_null;
        sql << kOldestOverdue, soci::use(at, "now"), soci::into(value, ind);
        oldest = ind == soci::i_ok ? std::optional<EpochMs>(value) : std::nullopt;
    });
    if (!r) return std::move(r).error();
    return oldest;
}

}  // namespace boxoffice::sql
