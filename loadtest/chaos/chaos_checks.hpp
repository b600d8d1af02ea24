#pragma once
// The invariants of a fault-injection run that the flash-sale verifier does not already check:
// pure functions of the clients' History, the fault window and what the database and the seat map
// showed, so each is unit-tested on hand-made histories. chaos_main reads the sources and calls them.

#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "verifier/checks.hpp"
#include "history.hpp"
#include "verifier/ledger.hpp"
#include "verifier/server_state.hpp"

namespace boxoffice::load::chaos {

/// The flash-sale verifier's evidence from this history: every acknowledged order, CONFIRMED with
/// its tickets when the confirmation was acknowledged.
Ledger ledgerFrom(const History& h, const std::string& showId, long long seatsOnSale);

/// No hold was granted (201) on a request sent after a confirmation of one of its seats had been
/// acknowledged to a client.
CheckOutput checkNoHoldOnAcknowledgedSale(const History& h);

/// Every 5xx was a 503 with an application/problem+json body and a Retry-After header.
CheckOutput checkErrorsAre503Problems(const History& h);

/// No 5xx and no lost answer outside the fault window: an error counts as inside when it ended
/// after the fault hit and its request was sent before the restore + `graceUs`.
CheckOutput checkNoErrorsOutsideWindow(const History& h, const FaultWindow& w, std::int64_t graceUs);

/// Every request sent with an Idempotency-Key ended on its real outcome, and no key of this run is
/// still in progress in the database (`inProgress`: (user, key) rows with status_code NULL).
CheckOutput checkKeysAnswered(const History& h, const std::vector<std::pair<std::string, std::string>>& inProgress);

/// The seat map's sold letters are exactly the confirmed seats: every seat confirmed before the
/// map was read (`confirmedBefore`) is S, and every S is confirmed by the time it was checked
/// (`confirmedAfter`; confirmations are final, so a later read is a superset).
CheckOutput checkSeatMapSoldExactly(const SeatMap& map, const std::set<std::string>& confirmedBefore,
                                    const std::set<std::string>& confirmedAfter);

/// Once every hold and payment window has passed: a held letter outside a pending order is
/// capacity nobody can buy.
CheckOutput checkNoStrandedHolds(const SeatMap& map, const ServerState& db);

/// An order sent while its hold was surely still live (before the hold's request + `holdTtlUs` -
/// `slackUs`) is not refused: neither after a 503 that left the hold burnt, nor because the store
/// freed seats that PostgreSQL still counts. Holds live only in the hold store: when the fault
/// loses its data, holds requested before `holdsLostBeforeUs` (>= 0) are not promised to survive.
CheckOutput checkOrdersOnLiveHoldsAccepted(const History& h, std::int64_t holdTtlUs, std::int64_t slackUs,
                                           std::int64_t holdsLostBeforeUs = -1);

/// For faults that leave Redis alone (PostgreSQL restarted or stalled): no hold was answered 5xx
/// or lost, since holds never touch PostgreSQL.
CheckOutput checkHoldsWithoutPostgres(const History& h);

/// Holds and seat-map reads sent while the fault lasted were answered (or failed) fast: p99 of each
/// at most `p99LimitUs` (a frozen store must cost one command deadline, not a queue of them).
CheckOutput checkFailFast(const History& h, const FaultWindow& w, std::int64_t p99LimitUs);

/// Per endpoint, the latency of every request sent while the fault lasted (answered or not), as
/// report lines: "hold x120 (8 failed) p50 3 ms p99 508 ms max 517 ms". Empty without a fault.
std::vector<std::string> latenciesDuring(const History& h, const FaultWindow& w);

/// From the restore to the answer of the first hold granted on a request sent after it.
std::optional<std::int64_t> firstHoldAfter(const History& h, std::int64_t restoreUs);

struct AgreementSample {
    std::int64_t atUs = 0;  // when the map was read
    bool agrees = false;
};
/// From `sinceUs` to the first sample of the last unbroken run of agreeing samples; nullopt when
/// the last sample disagrees or there is none.
std::optional<std::int64_t> agreedAfter(const std::vector<AgreementSample>& samples, std::int64_t sinceUs);

}  // namespace boxoffice::load::chaos
