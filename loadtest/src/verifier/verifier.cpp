#include "verifier/verifier.hpp"

#include <algorithm>
#include <chrono>
#include <optional>
#include <set>
#include <stdexcept>
#include <thread>

#include "verifier/api_reader.hpp"
#include "verifier/checks.hpp"
#include "verifier/prometheus_text.hpp"
#include "verifier/seat_map.hpp"
#include "verifier/sql_reader.hpp"

namespace boxoffice::load {
namespace {

using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

// The seat map shares one availability snapshot among readers for a short while (250 ms by
// default, at most 1 s: BOXOFFICE_SEATMAP_AVAILABILITY_TTL), so a disagreement right after the crowd
// stops is re-read for this long before it counts. No longer: it would stretch expiryWait.
constexpr milliseconds kSettle{1500};
constexpr milliseconds kPoll{250};

CheckOutput skipped(std::string why) {
    CheckOutput out;
    out.skipped = true;
    out.detail = std::move(why);
    return out;
}

// Violations of both snapshots of one check, an order named once.
CheckOutput merged(CheckOutput first, const CheckOutput& second) {
    std::set<std::string> named;
    for (const auto& v : first.violations)
        for (const auto& o : v.orders) named.insert(o);
    for (const auto& v : second.violations) {
        bool fresh = v.orders.empty();
        for (const auto& o : v.orders) fresh = fresh || named.count(o) == 0;
        if (fresh) first.violations.push_back(v);
    }
    first.detail = "at the start: " + first.detail + "; at the end: " + second.detail;
    return first;
}

void checkState(Verification& v, const Ledger& ledger, const ServerState& state, const std::string& suffix) {
    record(v, "no-seat-in-two-active-orders" + suffix, checkNoSeatInTwoActiveOrders(state));
    record(v, "confirmed-seats-within-supply" + suffix, checkConfirmedWithinSupply(state, ledger.seatsOnSale));
    record(v, "created-orders-exist" + suffix, checkCreatedOrdersExist(ledger, state));
    record(v, "confirmed-orders-as-told" + suffix, checkConfirmedOrdersAsTold(ledger, state));
    record(v, "tickets-belong-to-confirmed-orders" + suffix, checkTicketsBelongToConfirmedOrders(state));
    record(v, "no-unknown-confirmed-orders" + suffix, checkNoUnknownConfirmedOrders(ledger, state));
}

struct MetricsScrape {
    std::optional<std::string> text;
    std::string error;
};

// Scraped before the verifier's own reads, so they are not counted; re-scraped a few times when it
// disagrees, since the service may count a response just after the client received it.
CheckOutput metricsCheck(ApiReader& api, const Ledger& ledger, const VerifyOptions& options) {
    if (options.metricsUrl.empty()) return skipped("no metricsUrl given");
    std::optional<std::vector<MetricSample>> before;
    if (!options.metricsBefore.empty()) before = parsePrometheusText(options.metricsBefore);
    CheckOutput out;
    for (int attempt = 0; attempt < 4; ++attempt) {
        if (attempt > 0) std::this_thread::sleep_for(milliseconds(500));
        std::string text;
        try {
            text = api.fetch(options.metricsUrl);
        } catch (const std::exception& e) {
            return skipped(std::string("cannot scrape the metrics: ") + e.what());
        }
        out = checkMetrics(ledger, parsePrometheusText(text), before);
        if (out.skipped || out.violations.empty()) return out;
    }
    return out;
}

CheckOutput strandedCheck(const SeatMap& map, const ServerState& state, const std::optional<std::string>& notChecked) {
    if (notChecked) return skipped(*notChecked);
    return checkNoStrandedCapacity(map, state);
}

long long wallNowMs() {
    return std::chrono::duration_cast<milliseconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

}  // namespace

Verification verify(const Ledger& ledger, const VerifyOptions& options) {
    if (ledger.showId.empty()) throw std::invalid_argument("the ledger names no show");
    if (options.baseUrl.empty()) throw std::invalid_argument("no baseUrl to verify against");
    Verification v;
    ApiReader api(options.baseUrl, options.connections, options.tls);
    const bool withDb = !options.postgresUrl.empty();

    const CheckOutput metrics = metricsCheck(api, ledger, options);
    record(v, "no-server-errors", checkServerErrors(ledger));
    if (ledger.queue.gated) {
        record(v, "holds-carried-admission", checkHoldsCarriedAdmission(ledger.queue));
        record(v, "queue-places-stable", checkQueuePlacesStable(ledger.queue));
        record(v, "queue-admitted-in-order", checkQueueAdmittedInOrder(ledger.queue));
    }

    // Reading an order through the API expires it on the way, so the pending orders are looked at
    // in the database before anything else reads them.
    std::optional<ServerState> early;
    if (withDb) early = readDatabase(options.postgresUrl, ledger.showId);

    // Capacity comes back only once the last hold and order the crowd was told of has expired (the
    // sweeper and the store's release grace add up to pendingGrace): wait for that, or for nothing
    // to be held and pending, whichever comes first, at most expiryWait. When the last expiry is
    // beyond that, stranded capacity cannot be told from a hold still running: not checked.
    std::optional<std::string> strandedNotChecked;
    std::string waited;
    if (options.expiryWait.count() <= 0) {
        strandedNotChecked = "expiry not awaited (--expiry-wait 0)";
    } else {
        const auto start = Clock::now();
        auto deadline = start + options.expiryWait;
        if (ledger.lastExpiresAtMs > 0) {
            const long long dueInMs = ledger.lastExpiresAtMs + options.pendingGrace.count() - wallNowMs();
            if (dueInMs > options.expiryWait.count()) {
                strandedNotChecked = "the last hold or order the crowd was told of expires in " +
                                     std::to_string((dueInMs - options.pendingGrace.count()) / 1000) +
                                     " s, beyond --expiry-wait " + std::to_string(options.expiryWait.count() / 1000) +
                                     " s: its seats cannot be asked back yet";
                deadline = start;  // nothing to wait for
            } else {
                deadline = std::min(deadline, start + milliseconds(std::max(0LL, dueInMs)));
            }
        }
        long long held = 0, pending = 0;
        while (true) {
            held = api.availability(ledger.showId).countHeld;
            pending = withDb ? countPendingOrders(options.postgresUrl, ledger.showId) : 0;
            if ((held == 0 && pending == 0) || Clock::now() >= deadline) break;
            std::this_thread::sleep_for(kPoll);
        }
        const auto ms = std::chrono::duration_cast<milliseconds>(Clock::now() - start).count();
        waited = "waited " + std::to_string(ms) + " ms for expiry: " + std::to_string(held) + " seats held, " +
                 (withDb ? std::to_string(pending) + " orders pending" : "pending orders not counted (no database)") +
                 " at the end";
    }

    std::optional<ServerState> db;
    if (withDb) db = readDatabase(options.postgresUrl, ledger.showId);
    std::optional<ServerState> users;
    // With the database at hand, the crowd's bystanders need not be listed: an order or ticket of
    // theirs is in the database's view of the whole show. Without it, the API is the only witness.
    if (!ledger.tokenOf.empty()) users = api.readUsers(ledger, !withDb || options.listEveryUser);

    // The provider's records of every paid order either source sees, and of every refund told.
    std::optional<PaymentRecords> payments;
    if (!options.adminTokens.empty()) {
        std::set<std::string> ids;
        for (const ServerState* st : {users ? &*users : nullptr, db ? &*db : nullptr})
            if (st != nullptr)
                for (const auto& [id, o] : st->orders)
                    if (o.status == "CONFIRMED" || o.status == "REFUNDED") ids.insert(id);
        for (const auto& o : ledger.orders)
            if (!o.refundedSeatIds.empty()) ids.insert(o.orderId);
        payments = api.readPayments({ids.begin(), ids.end()}, options.adminTokens);
    }
    auto paidCheck = [&](const ServerState& st) {
        if (!payments)
            return skipped("no admin token to read the payment records (the harness mints one with --secret)");
        return checkPaidOrdersHaveSucceededPayments(ledger, st, *payments);
    };

    if (users) {
        record(v, "api-readable", checkReadable(*users));
        record(v, "paid-orders-have-succeeded-payments/api", paidCheck(*users));
        checkState(v, ledger, *users, "/api");
        record(v, "no-overdue-pending-orders/api", checkNoOverduePendingOrders(*users, options.pendingGrace));
    } else {
        record(v, "orders-through-the-api", skipped("the ledger has no user tokens"));
    }
    if (db) {
        checkState(v, ledger, *db, "/db");
        record(v, "paid-orders-have-succeeded-payments/db", paidCheck(*db));
        record(v, "order-seat-flags-follow-status/db", checkActiveFlags(*db));
        record(v, "no-overdue-pending-orders/db",
               merged(checkNoOverduePendingOrders(*early, options.pendingGrace),
                      checkNoOverduePendingOrders(*db, options.pendingGrace)));
    } else {
        record(v, "database-checks", skipped("no postgresUrl given"));
    }

    // The seat map against the orders of each source; re-read while the shared snapshot settles.
    const auto settleUntil = Clock::now() + kSettle;
    while (true) {
        SeatMap map = api.seatMap(ledger.showId);
        std::vector<std::pair<std::string, CheckOutput>> outs;
        outs.emplace_back("seatmap-consistent",
                          checkSeatMapConsistent(map, ledger, db ? db->showSeatCount : std::nullopt));
        if (users) outs.emplace_back("seatmap-matches-orders/api", checkSeatMapMatchesOrders(map, *users));
        if (db) outs.emplace_back("seatmap-matches-orders/db", checkSeatMapMatchesOrders(map, *db));
        if (users) outs.emplace_back("no-stranded-capacity/api", strandedCheck(map, *users, strandedNotChecked));
        if (db) outs.emplace_back("no-stranded-capacity/db", strandedCheck(map, *db, strandedNotChecked));
        const bool holdsMayBeLive = strandedNotChecked.has_value();
        const PaymentRecords* records = payments ? &*payments : nullptr;
        if (users) {
            outs.emplace_back("refunds-as-told/api", checkRefundsAsTold(ledger, *users, records, map, holdsMayBeLive));
            outs.emplace_back("failed-orders-hold-no-seat/api",
                              checkFailedOrdersHoldNoSeat(ledger, *users, map, holdsMayBeLive));
        }
        if (db) {
            outs.emplace_back("refunds-as-told/db", checkRefundsAsTold(ledger, *db, records, map, holdsMayBeLive));
            outs.emplace_back("failed-orders-hold-no-seat/db",
                              checkFailedOrdersHoldNoSeat(ledger, *db, map, holdsMayBeLive));
        }
        outs.emplace_back("counts-agree", checkLedgerCounts(map, ledger));
        outs.emplace_back("sold-out-when-demand-exceeds-supply", checkSoldOut(map, ledger));
        bool clean = true;
        for (const auto& [name, out] : outs) clean = clean && out.violations.empty();
        if (clean || Clock::now() >= settleUntil) {
            for (auto& [name, out] : outs) {
                if (!out.skipped && name.rfind("no-stranded-capacity", 0) == 0) out.detail += "; " + waited;
                record(v, name, std::move(out));
            }
            break;
        }
        std::this_thread::sleep_for(kPoll);
    }

    record(v, "metrics-agree", metrics);
    return v;
}

namespace {
const char* outcomeName(CheckResult::Outcome o) {
    switch (o) {
        case CheckResult::Outcome::Passed:
            return "passed";
        case CheckResult::Outcome::Failed:
            return "failed";
        case CheckResult::Outcome::Skipped:
            return "skipped";
    }
    return "skipped";
}
}  // namespace

nlohmann::json toJson(const Verification& v) {
    nlohmann::json checks = nlohmann::json::array();
    for (const auto& c : v.checks)
        checks.push_back({{"name", c.name}, {"outcome", outcomeName(c.outcome)}, {"detail", c.detail}});
    nlohmann::json violations = nlohmann::json::array();
    for (const auto& x : v.violations)
        violations.push_back({{"check", x.check}, {"message", x.message}, {"seats", x.seats}, {"orders", x.orders}});
    long long passed = 0, failed = 0, skipped = 0;
    for (const auto& c : v.checks) {
        passed += c.outcome == CheckResult::Outcome::Passed ? 1 : 0;
        failed += c.outcome == CheckResult::Outcome::Failed ? 1 : 0;
        skipped += c.outcome == CheckResult::Outcome::Skipped ? 1 : 0;
    }
    return {{"ok", v.ok()},
            {"summary", {{"passed", passed}, {"failed", failed}, {"skipped", skipped}}},
            {"checks", checks},
            {"violations", violations}};
}

}  // namespace boxoffice::load
