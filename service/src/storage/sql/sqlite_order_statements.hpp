#pragma once
// The order repository's SQLite statements, apart from the code that runs them.
#include "storage/sql/order_rows.hpp"

namespace boxoffice::sql::sqlite_order_sql {

inline constexpr const char* kInsertOrder =
    "INSERT INTO orders (" BOXOFFICE_ORDER_COLUMNS
    ") VALUES (:id, :show, :user, :hold, :status, :amount, :currency, :name, :email, :phone, :payment, :trace, "
    ":expires, :created, :updated, :confirmed)";
inline constexpr const char* kInsertOrderSeat =
    "INSERT INTO order_seats (order_id, show_id, seat_id, tier, price_minor, active) "
    "VALUES (:order, :show, :seat, :tier, :price, 1)";
inline constexpr const char* kCountSameOrderOrHold = "SELECT COUNT(*) FROM orders WHERE id = :id OR hold_id = :hold";
inline constexpr const char* kSeatTaken =
    "SELECT COUNT(*) FROM order_seats WHERE show_id = :show AND seat_id = :seat AND active = 1";
inline constexpr const char* kOrderColumns = "SELECT " BOXOFFICE_ORDER_COLUMNS " FROM orders ";
// The order with its seats and their tickets in one statement, hence one snapshot.
inline constexpr const char* kFindOrder =
    "SELECT " BOXOFFICE_ORDER_COLUMNS_OF("o") ", s.seat_id, s.tier, s.price_minor, t.code, t.show_id, t.user_id, "
    "t.issued_at, t.voided FROM orders o LEFT JOIN order_seats s ON s.order_id = o.id "
    "LEFT JOIN tickets t ON t.order_id = o.id AND t.seat_id = s.seat_id "
    "WHERE o.id = :id ORDER BY s.seat_id";
inline constexpr const char* kSelectSeats =
    "SELECT seat_id, tier, price_minor FROM order_seats WHERE order_id = :id ORDER BY seat_id";
inline constexpr const char* kSelectTicketsOfOrder =
    "SELECT code, seat_id, show_id, user_id, issued_at FROM tickets WHERE order_id = :id AND voided = 0 "
    "ORDER BY seat_id";
inline constexpr const char* kLockOrder = "SELECT status, expires_at, show_id, user_id FROM orders WHERE id = :id";
// The status guards are redundant under the write lock; with the affected-row checks they keep a
// change from ever applying twice should the locking be weakened.
inline constexpr const char* kConfirmOrder =
    "UPDATE orders SET status = 'CONFIRMED', payment_reference = :payment, confirmed_at = :confirmed, "
    "updated_at = :updated WHERE id = :id AND status = 'PAYMENT_PENDING'";
inline constexpr const char* kCloseOrder =
    "UPDATE orders SET status = :status, updated_at = :updated WHERE id = :id AND status = 'PAYMENT_PENDING'";
inline constexpr const char* kDeactivateSeats = "UPDATE order_seats SET active = 0 WHERE order_id = :id";
inline constexpr const char* kInsertTicket =
    "INSERT INTO tickets (code, order_id, show_id, seat_id, user_id, issued_at, voided) "
    "VALUES (:code, :order, :show, :seat, :user, :issued, 0)";
inline constexpr const char* kSelectOrdersOfUser =
    "WHERE user_id = :user ORDER BY created_at DESC, id DESC LIMIT :limit OFFSET :offset";
inline constexpr const char* kSelectTicketsOfUser =
    "SELECT code, order_id, show_id, seat_id, issued_at FROM tickets WHERE user_id = :user AND voided = 0 "
    "ORDER BY issued_at DESC, order_id, seat_id LIMIT :limit OFFSET :offset";
inline constexpr const char* kSelectDue =
    "SELECT id FROM orders WHERE status = 'PAYMENT_PENDING' AND expires_at <= :now ORDER BY expires_at, id "
    "LIMIT :limit";
inline constexpr const char* kExpireOrder =
    "UPDATE orders SET status = 'EXPIRED', updated_at = :updated WHERE id = :id AND status = 'PAYMENT_PENDING'";
inline constexpr const char* kSelectActiveClaims =
    "SELECT s.seat_id, o.id, o.user_id, o.status, o.expires_at FROM order_seats s "
    "JOIN orders o ON o.id = s.order_id WHERE s.show_id = :show AND s.active = 1 ORDER BY s.seat_id";
inline constexpr const char* kCountUnpublished = "SELECT COUNT(*) FROM outbox WHERE published_at IS NULL";
inline constexpr const char* kCountSold =
    "SELECT COUNT(*) FROM order_seats s JOIN orders o ON o.id = s.order_id "
    "WHERE s.show_id = :show AND s.active = 1 AND o.status = 'CONFIRMED'";

}  // namespace boxoffice::sql::sqlite_order_sql
