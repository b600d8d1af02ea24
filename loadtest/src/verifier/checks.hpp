#pragma once
// The verifier's comparisons: pure functions of the Ledger, one source's ServerState and the seat
// map, no I/O, so each is unit-tested on hand-made states. verifier.cpp reads the sources and calls them.

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "verifier/ledger.hpp"
#include "verifier/prometheus_text.hpp"
#include "verifier/server_state.hpp"
#include "verifier/verifier.hpp"

namespace boxoffice::load {

struct CheckOutput {
    std::string detail;  // figures when it passed, or the reason it was skipped
    std::vector<Violation> violations;
    bool skipped = false;
};

/// Appends the check (Passed without violations, Failed with them, or Skipped) and its violations.
void record(Verification& v, const std::string& name, CheckOutput out);

CheckOutput checkServerErrors(const Ledger& ledger);
CheckOutput checkReadable(const ServerState& state);
CheckOutput checkNoSeatInTwoActiveOrders(const ServerState& state);
CheckOutput checkConfirmedWithinSupply(const ServerState& state, long long seatsOnSale);
CheckOutput checkCreatedOrdersExist(const Ledger& ledger, const ServerState& state);
CheckOutput checkConfirmedOrdersAsTold(const Ledger& ledger, const ServerState& state);
CheckOutput checkTicketsBelongToConfirmedOrders(const ServerState& state);
CheckOutput checkNoUnknownConfirmedOrders(const Ledger& ledger, const ServerState& state);
CheckOutput checkNoOverduePendingOrders(const ServerState& state, std::chrono::milliseconds grace);
/// Database only: the guard's `active` flag on every order_seats row follows its order's status.
CheckOutput checkActiveFlags(const ServerState& state);

/// The map's letters, counts and layout agree with each other, the ledger's seats on sale and, when
/// read, the venue's seat count in the database.
CheckOutput checkSeatMapConsistent(const SeatMap& map, const Ledger& ledger, std::optional<long long> dbSeatCount);
/// Sold letters are exactly the seats of confirmed orders; seats of active orders are not available.
CheckOutput checkSeatMapMatchesOrders(const SeatMap& map, const ServerState& state);
/// Once every hold and order the crowd was told of has expired: a held letter outside a pending
/// order is stranded capacity.
CheckOutput checkNoStrandedCapacity(const SeatMap& map, const ServerState& state);
CheckOutput checkLedgerCounts(const SeatMap& map, const Ledger& ledger);
CheckOutput checkSoldOut(const SeatMap& map, const Ledger& ledger);

/// Waiting room (skipped when the show had none on): no hold of a queued user went out without an
/// admission, and the service granted none that did.
CheckOutput checkHoldsCarriedAdmission(const QueueLedger& queue);
/// Every position told once the room had opened belongs to one user and never changed.
CheckOutput checkQueuePlacesStable(const QueueLedger& queue);
/// Nobody was admitted before someone ahead of them: by the service's admission times (the ends of
/// the windows it told), and by the answers (a user told WAITING in answer to a request sent after
/// someone behind them had been told ADMITTED).
CheckOutput checkQueueAdmittedInOrder(const QueueLedger& queue);

/// Paid through the provider: every CONFIRMED or REFUNDED order of `state` has a SUCCEEDED payment
/// record. Skipped when the crowd paid with confirm-payment (no payment is recorded then).
CheckOutput checkPaidOrdersHaveSucceededPayments(const Ledger& ledger, const ServerState& state,
                                                 const PaymentRecords& records);
/// Every refund a client was told of (its 200): the order has no valid ticket for those seats, the
/// seats are not in an active order of it, a refund is recorded (when `records` were read), and each
/// seat is available again or in someone else's active order (a held letter outside any order only
/// while `holdsMayBeLive`). Skipped when no refund was told.
CheckOutput checkRefundsAsTold(const Ledger& ledger, const ServerState& state, const PaymentRecords* records,
                               const SeatMap& map, bool holdsMayBeLive);
/// A FAILED order holds no seat: no valid ticket, no order_seats row flagged active (database), and
/// each of its seats available again or in someone else's active order; an order a client was told
/// FAILED is FAILED. Skipped when no order failed.
CheckOutput checkFailedOrdersHoldNoSeat(const Ledger& ledger, const ServerState& state, const SeatMap& map,
                                        bool holdsMayBeLive);

/// The service's counters (after minus `before`, when a baseline scrape was given) against the
/// Ledger's responses per endpoint and status.
CheckOutput checkMetrics(const Ledger& ledger, const std::vector<MetricSample>& after,
                         const std::optional<std::vector<MetricSample>>& before);

}  // namespace boxoffice::load
