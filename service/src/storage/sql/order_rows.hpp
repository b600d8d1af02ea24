#pragma once
// What the two order repositories (pg_order_repository, sqlite_order_repository) share: the order
// columns in one order, the one mapping of such a row to an Order (each dialect reads the row its
// own way into an OrderRecord), and the errors both give for the same refusals.
#include <optional>
#include <string>
#include <vector>

#include "domain/booking_ports.hpp"

namespace boxoffice::sql {

// The columns of `orders`, in OrderRecord's order; _OF(t) qualifies them with a table alias.
#define BOXOFFICE_ORDER_COLUMNS                                                                      \
    "id, show_id, user_id, hold_id, status, amount_minor, currency, customer_name, customer_email, " \
    "customer_phone, payment_reference, trace_context, expires_at, created_at, updated_at, confirmed_at"
#define BOXOFFICE_ORDER_COLUMNS_OF(t)                                                                                \
    t ".id, " t ".show_id, " t ".user_id, " t ".hold_id, " t ".status, " t ".amount_minor, " t ".currency, " t       \
      ".customer_name, " t ".customer_email, " t ".customer_phone, " t ".payment_reference, " t ".trace_context, " t \
      ".expires_at, " t ".created_at, " t ".updated_at, " t ".confirmed_at"
#define BOXOFFICE_OUTBOX_COLUMNS \
    "outbox (id, aggregate_type, aggregate_id, event_type, payload, headers, created_at, available_at)"

/// Columns of BOXOFFICE_ORDER_COLUMNS; the seat and ticket columns of a join follow them.
constexpr int kOrderColumnCount = 16;

/// One row of BOXOFFICE_ORDER_COLUMNS, as read (NULL: nullopt).
struct OrderRecord {
    std::string id, showId, userId, holdId, status, currency, name, email;
    std::optional<std::string> phone, payment, trace;
    long long amount = 0, expires = 0, created = 0, updated = 0;
    std::optional<long long> confirmed;
};

Order toOrder(OrderRecord r);

/// The order's seats sorted by id, whatever order the hold listed them in: two orders racing for
/// overlapping seats then wait on each other in one order and cannot deadlock.
std::vector<OrderSeat> sortedSeats(const Order& o);

/// Retries of create() after a unique violation on a seat that was free again when looked at.
constexpr int kCreateAttempts = 3;

Error seatsUnavailable(std::vector<std::string> seats);
Error holdAlreadyOrdered(std::string internal);
Error notPending(const std::string& status);
Error orderExpired();
/// Only reachable if a guard stopped holding: fail rather than write twice.
Error changedMeanwhile(const OrderId& id);
Error noTransitionBack(const OrderId& id);

}  // namespace boxoffice::sql
