#pragma once
// Ports of the booking flow: where holds live (Redis, or in-process for the embedded default),
// where orders and tickets live (SQL), and where idempotency keys live (SQL).
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "domain/best_available.hpp"
#include "domain/booking.hpp"
#include "domain/layout.hpp"
#include "domain/ports.hpp"
#include "domain/result.hpp"

namespace boxoffice {

struct HoldRequest {
    HoldId holdId;
    ShowId showId;
    UserId userId;
    std::vector<SeatId> seatIds;  // already validated: known to the layout, distinct, 1..max per hold
    EpochMs now = 0;
    EpochMs expiresAt = 0;
    int maxSeatsPerUser = 10;  // across the user's live holds and active orders of this show
    /// Best available: no seatIds; the store picks `pick.quantity` seats of `seating` by the rules
    /// of best_available.hpp in the same atomic step as the hold, and answers with them.
    std::optional<SeatPick> pick;
    std::shared_ptr<const SeatIndex> seating;  // set with `pick`
};

struct HoldResult {
    enum class Kind {
        Held,              // every seat is now held by this hold
        Unavailable,       // some seat is held or sold by someone else (a pick: no seats fit): nothing changed
        UserLimitReached,  // the user would exceed maxSeatsPerUser: nothing changed
        NotReady,          // the store lost its state (restart, flush): restore() the show first
    };
    Kind kind = Kind::Held;
    std::vector<SeatId> unavailable;  // Unavailable: the seats that were taken
    int userSeats = 0;                // UserLimitReached: seats the user already has
    std::vector<SeatId> seatIds;      // Held after a pick: the seats the store chose, best first
};

enum class HoldChange {
    Done,
    NotFound,  // no such hold for this user (unknown id or another user's: indistinguishable)
    NotHeld,   // the hold exists but is no longer HELD (expired, released or ordered)
};

/// Who owns a seat according to the truth (SQL), used to restore a store that lost its state.
struct SeatClaim {
    SeatId seatId;
    OrderId orderId;
    UserId userId;
    EpochMs expiresAt = 0;  // 0: sold (confirmed order); otherwise the pending order's window
};

/// What a hold store believes of a show, compared with SQL by the reconciler.
struct StoreShowState {
    bool ready = false;       // the show's truth was loaded (restore) since the store last lost it
    long long soldSeats = 0;  // seats the store has marked SOLD
};

/// Seat holds with TTLs. Every operation is atomic per show: two concurrent holds on one seat
/// cannot both succeed. Time comes from the caller (`now`), so tests inject it. Expired holds and
/// order windows count as free without any background work (lazy expiry).
class HoldStore : public SeatStatusSource {
public:
    virtual Result<HoldResult> hold(const HoldRequest& request) = 0;
    /// hold() without keeping the caller waiting: `done` runs later, possibly on another thread
    /// (Redis pipelines concurrent holds). The default runs hold() and calls `done` at once.
    virtual void holdAsync(const HoldRequest& request, std::function<void(Result<HoldResult>)> done) {
        done(hold(request));
    }
    /// The hold with its status as of `now` (HELD turns into EXPIRED once expiresAt passed).
    virtual Result<std::optional<Hold>> findHold(const HoldId& id, EpochMs now) = 0;
    /// Releases a HELD hold of `user`: its seats are available again at once.
    virtual Result<HoldChange> release(const HoldId& id, const UserId& user, EpochMs now) = 0;
    /// Turns a HELD hold of `user` into ORDERED: its seats now belong to `order` until
    /// `orderExpiresAt` (or until sold / released by releaseOrder).
    virtual Result<HoldChange> attachToOrder(const HoldId& id, const UserId& user, const OrderId& order,
                                             EpochMs orderExpiresAt, EpochMs now) = 0;
    /// Marks the order's seats SOLD for good. Idempotent.
    virtual Result<void> sell(const ShowId& show, const OrderId& order, const UserId& user,
                              const std::vector<SeatId>& seatIds, EpochMs now) = 0;
    /// Frees the order's seats (expired, cancelled, failed, refunded) - only those the order still
    /// owns, for its payment window or sold to it (a refunded seat is on sale again at once).
    virtual Result<void> releaseOrder(const ShowId& show, const OrderId& order, const UserId& user,
                                      const std::vector<SeatId>& seatIds, EpochMs now) = 0;
    /// Undoes attachToOrder when the order could not be created: the hold is HELD again and owns
    /// the seats the order still owned, until its own expiry or `keepUntil`, whichever is later (a
    /// failure on our side must not cost the buyer the hold while they retry). Idempotent.
    virtual Result<HoldChange> detachFromOrder(const HoldId& id, const UserId& user, const OrderId& order,
                                               EpochMs keepUntil) = 0;
    /// Loads the truth for a show that is NotReady (or to repair it): sold seats and seats of pending
    /// orders, with the users' seat counts; live holds still in the store are kept. Marks it ready.
    virtual Result<void> restore(const ShowId& show, const std::vector<SeatClaim>& claims, EpochMs now) = 0;
    /// The store's view of a show: whether it is ready, and how many seats it has sold.
    virtual Result<StoreShowState> showState(const ShowId& show) = 0;
    /// Names the store's dataset: it changes whenever the store may have lost or regained state
    /// behind our back (a Redis restart, even one that came back with old data, or a failover).
    virtual Result<std::string> generation() = 0;
    /// True while the store refuses holds (DependencyUnavailable) until the reconciler has checked
    /// its data: after it came back from a restart, possibly with an older snapshot than SQL, and
    /// when this process has not checked it yet. No I/O.
    virtual bool awaitsRepair() = 0;
    /// Lets holds through again once every show in use was restored on `generation`; fails (and
    /// keeps them refused) if the store is no longer at `generation`.
    virtual Result<void> openHolds(const std::string& generation) = 0;
};

/// Seats SQL took back from confirmed orders (refunds), for a reconciler that must see a hold store
/// still selling one: seatId, orderId, userId (expiresAt 0).
class RefundedSeatSource {
public:
    virtual ~RefundedSeatSource() = default;
    virtual Result<std::vector<SeatClaim>> refundedSeats(const ShowId& show) = 0;
};

/// Who may hold a show's seats right now: a waiting room (admission/waiting_room_service.hpp).
/// Asked before every hold, on the reactor thread on the fast path, so it does no I/O.
class HoldGate {
public:
    virtual ~HoldGate() = default;
    /// True when holds of `show` are gated and `admission` lets `user` in; false when the show is
    /// not gated (the usual case, and the cheap one); an error (Forbidden, with why) refuses.
    virtual Result<bool> admit(const ShowId& show, const UserId& user, std::string_view admission) const = 0;
    /// A hold the gate let through (admit() said true) succeeded: the user's turn is used.
    virtual void held(const ShowId& show, const UserId& user) = 0;
};

struct OrderTransition {
    OrderId id;
    OrderStatus to = OrderStatus::Confirmed;  // CONFIRMED, EXPIRED, CANCELLED or FAILED
    EpochMs now = 0;
    std::optional<std::string> paymentReference;  // CONFIRMED
    std::vector<Ticket> tickets;                  // CONFIRMED: one per seat
    OutboxMessage message;
};

/// Orders, their seats and tickets, and the outbox, in SQL: the truth.
class OrderRepository {
public:
    virtual ~OrderRepository() = default;

    /// Inserts the order, its seats (active) and `created` into the outbox in one transaction.
    /// A seat already in another active order -> Error{SeatsUnavailable, subjects: those seats}
    /// (the partial unique index is the final guard against overselling).
    virtual Result<void> create(const Order& order, const OutboxMessage& created) = 0;
    /// With seats and tickets. NotFound when unknown.
    virtual Result<Order> find(const OrderId& id) = 0;
    /// In one transaction, moves a PAYMENT_PENDING order to `to`:
    ///  - CONFIRMED only while expiresAt > now (else Error{OrderExpired}, nothing changed), writing
    ///    paymentReference, confirmedAt and the tickets;
    ///  - EXPIRED, CANCELLED, FAILED deactivate its seats (they may be sold again).
    /// Writes `message` to the outbox in the same transaction. Returns the order after the change.
    /// If the order is not PAYMENT_PENDING: Error{Conflict, detail "order is <STATUS>"} and nothing changes.
    virtual Result<Order> transition(const OrderTransition& t) = 0;
    /// The user's orders, newest first.
    virtual Result<std::vector<Order>> ordersOf(const UserId& user, int limit, int offset) = 0;
    /// The user's valid tickets, newest first.
    virtual Result<std::vector<Ticket>> ticketsOf(const UserId& user, int limit, int offset) = 0;
    /// Pending orders whose window closed before `now`, at most `limit`, locked so that concurrent
    /// sweepers on other replicas skip them (FOR UPDATE SKIP LOCKED on PostgreSQL): each is moved
    /// to EXPIRED with `message(order)` in the outbox, in one transaction. Returns those orders.
    virtual Result<std::vector<Order>> expireDue(EpochMs now, int limit,
                                                 const std::function<OutboxMessage(const Order&)>& message) = 0;
    /// Seats of the show's active orders (for restoring a hold store).
    virtual Result<std::vector<SeatClaim>> activeClaims(const ShowId& show) = 0;
    /// How many seats of the show are in confirmed orders (for checking a hold store).
    virtual Result<long long> soldSeatCount(const ShowId& show) = 0;
    /// Test-and-metrics helper: how many outbox messages are unpublished.
    virtual Result<long long> outboxDepth() = 0;
};

/// What a client's Idempotency-Key claims.
struct IdempotencyClaim {
    enum class Kind {
        Claimed,     // first use, or a takeover of a dead claim: run the request, then complete() or abandon()
        Replay,      // completed before with the same request: send `status` and `body` again
        InProgress,  // the first request with this key is still running (its lease has not passed)
        Mismatch,    // the key was used for a different request
    };
    Kind kind = Kind::Claimed;
    int status = 0;
    std::string body;
};

/// Who runs the request of a claim, and until when: an in-progress claim whose lease has passed is
/// dead (its process crashed, or it could not store the answer) and the next retry takes it over.
/// The lease must outlast the longest request (its deadlines), or a slow first request and the
/// retry run at once; the operations behind keys are guarded by their stores, so that costs a
/// second execution, never a second effect.
struct IdempotencyLease {
    std::string owner;  // unique per claim attempt
    EpochMs until = 0;
};

class IdempotencyStore {
public:
    virtual ~IdempotencyStore() = default;
    /// Keys are scoped to the user. `requestHash` covers method, route and body. The key is
    /// remembered until `expiresAt`; an unanswered claim only until `lease.until`.
    virtual Result<IdempotencyClaim> claim(const UserId& user, const std::string& key, const std::string& requestHash,
                                           EpochMs now, EpochMs expiresAt, const IdempotencyLease& lease) = 0;
    /// Stores the answer, if `owner` still holds the claim (a stored answer is never overwritten).
    virtual Result<void> complete(const UserId& user, const std::string& key, const std::string& owner, int status,
                                  const std::string& body) = 0;
    /// Forgets `owner`'s claim whose request failed on the server's side, so a retry runs again.
    virtual Result<void> abandon(const UserId& user, const std::string& key, const std::string& owner) = 0;
};

}  // namespace boxoffice
