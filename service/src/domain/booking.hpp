#pragma once
// Holds, orders and tickets: the booking flow's entities.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "domain/clock.hpp"
#include "domain/error.hpp"
#include "domain/ids.hpp"

namespace boxoffice {

enum class HoldStatus { Held, Expired, Released, Ordered };
std::string_view holdStatusName(HoldStatus s);

/// A hold on some seats of one show by one user, until `expiresAt` (or until ordered/released).
struct Hold {
    HoldId id;
    ShowId showId;
    UserId userId;
    std::vector<SeatId> seatIds;
    HoldStatus status = HoldStatus::Held;
    EpochMs expiresAt = 0;
    EpochMs createdAt = 0;
    std::optional<OrderId> orderId;  // set once ORDERED
};

/// REFUNDED: a confirmed order all of whose tickets were refunded (and voided). It is stored as
/// CONFIRMED with no valid ticket left (migrations/000014 says why); settleRefundedStatus() names it.
enum class OrderStatus { PaymentPending, Confirmed, Failed, Expired, Cancelled, Refunded };
std::string_view orderStatusName(OrderStatus s);
std::optional<OrderStatus> parseOrderStatus(std::string_view s);
/// Pending and confirmed orders own their seats (the unique index over active seats guards them).
inline bool isActive(OrderStatus s) {
    return s == OrderStatus::PaymentPending || s == OrderStatus::Confirmed;
}

struct Customer {
    std::string name;
    std::string email;
    std::string phone;  // may be empty
};

struct OrderSeat {
    SeatId seatId;
    std::string tier;
    std::int64_t priceMinor = 0;
};

struct Ticket {
    std::string code;
    SeatId seatId;
    OrderId orderId;
    ShowId showId;
    UserId userId;
    EpochMs issuedAt = 0;
    std::string signedCode;  // what the QR holds (see TicketCodeSigner); computed, never stored
};

struct Order {
    OrderId id;
    ShowId showId;
    UserId userId;
    HoldId holdId;
    OrderStatus status = OrderStatus::PaymentPending;
    std::int64_t amountMinor = 0;
    std::string currency;
    Customer customer;
    std::vector<OrderSeat> seats;
    std::optional<std::string> paymentReference;
    std::string traceContext;  // W3C traceparent of the request that created it, carried into the outbox
    EpochMs expiresAt = 0;
    EpochMs createdAt = 0;
    EpochMs updatedAt = 0;
    std::optional<EpochMs> confirmedAt;
    std::vector<Ticket> tickets;  // filled when CONFIRMED
};

/// The code of a new ticket from a fresh UUID: "T-" and 16 upper-case hex digits (read out at
/// doors and typed in by hand).
std::string ticketCodeOf(const std::string& uuid);

/// A CONFIRMED order read with its valid tickets, none left: REFUNDED. The repositories call it on
/// every order they read with its tickets.
void settleRefundedStatus(Order& o);
/// The order's seat ids, in the order's seat order.
std::vector<SeatId> seatIdsOf(const Order& o);
/// Conflict "order is <STATUS>": the order is not in the state the operation needs.
Error orderIs(OrderStatus status);

/// A notification others must hear about, written in the same transaction as the change.
struct OutboxMessage {
    std::string id;
    std::string aggregateType;  // "order"
    std::string aggregateId;
    std::string eventType;  // "order.created", "order.confirmed", "order.expired", "order.cancelled"
    std::string payload;    // JSON
    std::string headers;    // JSON object, e.g. {"traceparent": "...", "requestId": "..."}
    EpochMs createdAt = 0;
};

}  // namespace boxoffice
