#pragma once
// The booking flow: hold seats, order them, confirm payment, cancel, and expire what was abandoned.
// The hold store is the fast path; SQL is the truth and the final guard against overselling.
#include <chrono>
#include <functional>
#include <initializer_list>
#include <optional>
#include <string>
#include <vector>

#include "domain/booking_ports.hpp"
#include "domain/inventory.hpp"
#include "domain/payment_ports.hpp"
#include "domain/seatmap_service.hpp"
#include "domain/ticket_ports.hpp"

namespace boxoffice {

struct BookingSettings {
    int maxSeatsPerHold = 10;
    int maxSeatsPerUser = 10;  // per show, across holds and orders
    std::chrono::milliseconds holdTtl{10 * 60 * 1000};
    std::chrono::milliseconds paymentWindow{5 * 60 * 1000};
};

/// What a buyer asks to hold: the seats they chose, or a best-available pick the store makes.
struct HoldChoice {
    // Implicit: most callers name seats, as they did before picks existed.
    HoldChoice(std::vector<SeatId> seats) : seatIds(std::move(seats)) {}  // NOLINT(google-explicit-constructor)
    HoldChoice(std::initializer_list<SeatId> seats) : seatIds(seats) {}   // NOLINT(google-explicit-constructor)
    HoldChoice(std::vector<SeatId> seats, std::optional<SeatPick> p) : seatIds(std::move(seats)), pick(std::move(p)) {}

    std::vector<SeatId> seatIds;  // chosen seats (empty with a pick)
    std::optional<SeatPick> pick;
};

class BookingService {
public:
    /// `signer` signs the codes of the tickets it hands out (responses and the order.confirmed event).
    /// `gate` (may be null: no show is gated) is asked before every hold.
    BookingService(SeatMapService& seatmaps, Inventory& inventory, OrderRepository& orders, const Clock& clock,
                   IdGenerator& ids, const TicketCodeSigner& signer, BookingSettings settings,
                   HoldGate* gate = nullptr);

    /// `admission`: what the buyer presents to the gate (a waiting room's admission token), if any.
    Result<Hold> hold(const UserId& user, const ShowId& show, const HoldChoice& choice,
                      std::string_view admission = {});
    /// The fast path of hold() for a show whose seating is cached: validates without waiting on
    /// anything and hands the hold to the store asynchronously; `done` may run on another thread.
    /// Returns false (and never calls `done`) when it cannot go fast - the show is not cached, or
    /// the store must first be restored - so the caller runs hold() where waiting is allowed.
    bool tryHoldAsync(const UserId& user, const ShowId& show, const HoldChoice& choice, std::string_view admission,
                      std::function<void(Result<Hold>, bool retrySlow)> done);
    Result<Hold> findHold(const UserId& user, const HoldId& id);
    Result<Hold> release(const UserId& user, const HoldId& id);

    Result<Order> placeOrder(const UserId& user, const HoldId& hold, const Customer& customer,
                             const std::string& traceContext);
    /// The user's order; a pending order past its window is expired on the way (lazy check).
    Result<Order> order(const UserId& user, const OrderId& id);
    /// Idempotent: confirming a confirmed order returns it with the same tickets.
    Result<Order> confirm(const UserId& user, const OrderId& id, const std::string& paymentReference,
                          const std::string& traceContext);
    Result<Order> cancel(const UserId& user, const OrderId& id, const std::string& traceContext);
    /// The payment provider's verified word that the order is paid (a webhook): confirm() for the
    /// order's owner, with the provider's payment id as the reference.
    Result<Order> confirmPaid(const OrderId& id, const std::string& paymentReference);
    /// The provider's verified word that the payment failed: a pending order becomes FAILED, its
    /// seats are free at once, and order.payment_failed goes to the outbox with the change.
    /// Idempotent: a FAILED order is returned as it is; any other state is Error{Conflict}.
    Result<Order> failPayment(const OrderId& id);
    /// A payment that succeeded after the order lost its seats (EXPIRED or FAILED): takes the same
    /// seats back for it if every one is still free, atomically in the hold store (one hold of
    /// them all, as for a new booking) and in SQL (`late`: the unique index is the final guard),
    /// and confirms it. Error{SeatsUnavailable} when any seat is taken; nothing changed then.
    Result<Order> reseatLate(const OrderId& id, const std::string& paymentReference, LateSaleStore& late);

    Result<std::vector<Order>> ordersOf(const UserId& user, int limit, int offset);
    Result<std::vector<Ticket>> ticketsOf(const UserId& user, int limit, int offset);

    /// Expires pending orders past their window (at most `limit`) and frees their seats; safe to run
    /// on every replica at once. Returns how many it expired.
    Result<int> sweep(int limit);

    const BookingSettings& settings() const { return settings_; }

private:
    /// The gate's answer for this hold: true when it let a gated hold through.
    Result<bool> admit(const ShowId& show, const UserId& user, std::string_view admission) const;
    /// A hold of `user` on `show` from `now`, under a fresh id, with the settings' TTL and per-user
    /// cap; the caller adds the seats or the pick.
    HoldRequest newHoldRequest(const ShowId& show, const UserId& user, EpochMs now);
    Result<HoldRequest> prepareHold(const ShowSeating& seating, const UserId& user, const HoldChoice& choice);
    Result<void> checkPick(const ShowSeating& seating, const SeatPick& pick) const;
    Result<Hold> holdOutcome(const HoldRequest& request, const HoldResult& result);
    Result<Order> ownedOrder(const UserId& user, const OrderId& id);
    Result<Order> confirmOnce(const UserId& user, const OrderId& id, const std::string& paymentReference,
                              const std::string& traceContext);
    void sign(std::vector<Ticket>& tickets) const;
    /// The PAYMENT_PENDING -> CONFIRMED change of `o` (a fresh ticket per seat, the signed
    /// order.confirmed event), for a payment on time and for a late one that took its seats back.
    OrderTransition confirmation(const Order& o, const std::string& paymentReference, EpochMs now,
                                 const std::string& traceContext);
    Result<Order> withSignedCodes(Result<Order> order) const;
    Result<Order> expire(const Order& order, const std::string& traceContext);
    /// Marks a confirmed order's seats SOLD in the store (retried; failing that, the show is left
    /// to the reconciler).
    void recordSale(const Order& order);
    OutboxMessage message(const Order& order, const std::string& eventType, const std::string& traceContext);

    SeatMapService& seatmaps_;
    Inventory& inventory_;
    OrderRepository& orders_;
    const Clock& clock_;
    IdGenerator& ids_;
    const TicketCodeSigner& signer_;
    BookingSettings settings_;
    HoldGate* gate_;
};

}  // namespace boxoffice
