#include "storage/sql/sql_late_sale_store.hpp"

#include <soci/soci.h>

#include "storage/sql/order_rows.hpp"
#include "storage/sql/one_shot.hpp"

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
constexpr const char* kInsertOutbox =
    "INSERT INTO " BOXOFFICE_OUTBOX_COLUMNS
    " VALUES (:id, :type, :aggregate, :event, :payload, :headers, :created, :available)";
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
        const OutboxMessage& m = t.message;
        const std::string headers = m.headers.empty() ? std::string("{}") : m.headers;
        long long created = m.createdAt;
        sql << q::kInsertOutbox, soci::use(m.id), soci::use(m.aggregateType), soci::use(m.aggregateId),
            soci::use(m.eventType), soci::use(m.payload), soci::use(headers), soci::use(created), soci::use(created);
        return {};
    });
    if (!r && r.error().is(StoreFault::UniqueViolation))
        return Error::of(ErrorCode::SeatsUnavailable, "a seat of the order was sold again", r.error().internal);
    return r;
}

}  // namespace boxoffice::sql
