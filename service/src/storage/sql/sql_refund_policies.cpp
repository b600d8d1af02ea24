#include "storage/sql/sql_refund_policies.hpp"

#include <soci/soci.h>

namespace boxoffice::sql {
namespace {

namespace q {
constexpr const char* kFind = "SELECT tiers FROM refund_policies WHERE show_id = :id";
constexpr const char* kShowExists = "SELECT count(*) FROM shows WHERE id = :id";
constexpr const char* kDelete = "DELETE FROM refund_policies WHERE show_id = :id";
constexpr const char* kInsert =
    "INSERT INTO refund_policies (show_id, tiers, updated_at, updated_by) VALUES (:show, :tiers, :at, :by)";
}  // namespace q

}  // namespace

Result<std::optional<RefundPolicy>> SqlRefundPolicies::find(const ShowId& show) {
    std::string tiers;
    soci::indicator ind = soci::i_null;
    auto r = db_.run([&](soci::session& sql) {
        ind = soci::i_null;
        sql << q::kFind, soci::use(show.str()), soci::into(tiers, ind);
    });
    if (!r) return std::move(r).error();
    if (ind != soci::i_ok) return std::optional<RefundPolicy>{};
    auto policy = parseRefundPolicy(tiers);
    // Written by save() only, from a checked policy: a row that does not parse is a corrupt row.
    if (!policy) return Error::internalError("refund_policies row of " + show.str() + " does not parse: " + tiers);
    return std::optional<RefundPolicy>(std::move(*policy));
}

Result<void> SqlRefundPolicies::save(const ShowId& show, const RefundPolicy& policy, const std::string& by,
                                     EpochMs at) {
    return db_.transact([&](soci::session& sql) -> Result<void> {
        long long shows = 0;
        sql << q::kShowExists, soci::use(show.str()), soci::into(shows);
        if (shows == 0) return Error::notFound("show");
        sql << q::kDelete, soci::use(show.str());
        const std::string tiers = formatRefundPolicy(policy);
        long long when = at;
        sql << q::kInsert, soci::use(show.str()), soci::use(tiers), soci::use(when), soci::use(by);
        return {};
    });
}

}  // namespace boxoffice::sql
