#include "storage/sql/sql_late_sale_store.hpp"

#include <soci/soci.h>

#include "storage/sql/one_shot.hpp"
#include "storage/sql/outbox_rows.hpp"

namespace boxoffice::sql {
namespace {

namespace q {
constexpr const char* kConfirm =
    "UPDATE orders SET status = 'CONFIRMED', payment_reference = :ref, confirmed_at = :now, updated_at = :now2 "
    "WHERE id = :id AND status IN ('EXPIRED', 'FAILED')";
// THE GUARD: the partial unique index over active seats refuses this when another live order holds
// one of them; the transaction then rolls back with the order still EXPIRED or FAILED.
constexpr const char* kReactivate = "UPDATE order_seats SET active = 1 WHERE order_id = :id";
constexpr const char* kInsertTicket =
    "INSERT INTO tickets (code, order_id, show_id, seat_id, user_id, issued_at, voided) "
    "VALUES (:code, :order, :show, :seat, :user, :issued, 0)";
}  // namespace q

}  // namespace

Result<void> SqlLateSaleStore::reinstate(const OrderTransition& t) {
    auto r = db_.transact([&](soci::session& sql) -> Result<void> {
        const std::string id = t.id.str(), ref = t.paymentReference.value_or("");
        long long now = t.now, now2 = t.now;
        soci::statement confirm =
            oneShot(sql, q::kConfirm, soci::use(ref), soci::use(now), soci::use(now2), soci::use(id));
        confirm.execute(true);
        if (confirm.get_affected_rows() != 1)
            return Error::of(ErrorCode::Conflict, "the order is no longer expired or failed");
        sql << q::kReactivate, soci::use(id);
        for (const auto& ticket : t.tickets) {
            const std::string show = ticket.showId.str(), seat = ticket.seatId.str(), user = ticket.userId.str();
            long long issued = ticket.issuedAt;
            sql << q::kInsertTicket, soci::use(ticket.code), soci::use(id), soci::use(show), soci::use(seat),
                soci::use(user), soci::use(issued);
        }
        insertOutbox(sql, t.message);
        return {};
    });
    if (!r && r.error().is(StoreFault::UniqueViolation))
        return Error::of(ErrorCode::SeatsUnavailable, "a seat of the order was sold again", r.error().internal);
    return r;
}

}  // namespace boxoffice::sql
