// boxoffice-chaos: a small flash sale against a running boxoffice while a fault command
// (loadtest/chaos/faults.sh) breaks the stack under it, then the invariants that must survive any
// fault, checked against what the clients were told, PostgreSQL and the seat map; one verdict line.
// Composition root: read the flags (CLI11), set up the show and the crowd, run, verify, exit 0/1 (2: set-up).
#include <algorithm>
#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <mutex>
#include <optional>
#include <random>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "verifier/api_reader.hpp"
#include "auth/jwt.hpp"
#include "chaos_checks.hpp"
#include "chaos_crowd.hpp"
#include "chaos_options.hpp"
#include "fault_hook.hpp"
#include "common/http_response.hpp"
#include "common/setup_client.hpp"
#include "verifier/sql_reader.hpp"
#include "harness/virtual_users.hpp"

namespace {

using namespace boxoffice::load;
using namespace boxoffice::load::chaos;
using std::chrono::milliseconds;

// Between a hold's request and the service's clock at grant, and the order reaching the service.
constexpr std::int64_t kHoldExpirySlackUs = 250'000;

std::string seconds(std::int64_t us) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.2f s", static_cast<double>(us) / 1e6);
    return buf;
}
std::string millis(std::int64_t us) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.0f ms", static_cast<double>(us) / 1e3);
    return buf;
}

/// Samples, from the restore on, whether the seat map agrees with PostgreSQL: the confirmed seats
/// read before the map (at least one availability TTL before, so the map's snapshot is younger)
/// are all SOLD, and every SOLD seat is confirmed by the read after it.
class AgreementProbe {
public:
    AgreementProbe(const Options& o, std::string showId, const FaultHook& hook) : o_(o), show_(std::move(showId)) {
        thread_ = std::thread([this, &hook] { run(hook); });
    }
    ~AgreementProbe() { stop(); }
    std::vector<AgreementSample> stop() {
        stop_ = true;
        if (thread_.joinable()) thread_.join();
        std::lock_guard lock(mu_);
        return samples_;
    }

private:
    void run(const FaultHook& hook) {
        ApiReader api(o_.baseUrl, 1);
        while (!stop_ && hook.restoreUs() < 0) std::this_thread::sleep_for(milliseconds(20));
        while (!stop_) {
            AgreementSample s;
            try {
                const auto before = confirmedSeats(o_.postgresUrl, show_);
                std::this_thread::sleep_for(o_.seatmapTtl + milliseconds(100));
                const SeatMap map = api.availability(show_);
                s.atUs = monoMicros();
                const auto after = confirmedSeats(o_.postgresUrl, show_);
                s.agrees = checkSeatMapSoldExactly(map, before, after).violations.empty();
            } catch (const std::exception&) {
                s.atUs = monoMicros();  // the service or the database is not readable yet
            }
            {
                std::lock_guard lock(mu_);
                samples_.push_back(s);
            }
            std::this_thread::sleep_for(milliseconds(100));
        }
    }

    const Options& o_;
    std::string show_;
    std::atomic<bool> stop_{false};
    std::mutex mu_;
    std::vector<AgreementSample> samples_;
    std::thread thread_;
};

int run(const Options& o) {
    std::mt19937_64 rng(o.seed ? o.seed : std::random_device{}());
    Origin target;
    std::string error;
    if (!resolveOrigin(o.baseUrl, target, error)) {
        std::fprintf(stderr, "boxoffice-chaos: %s\n", error.c_str());
        return 2;
    }
    if (target.url.tls) {  // it breaks the service it started on this machine: plain HTTP only
        std::fprintf(stderr, "boxoffice-chaos: --base must be an http:// URL\n");
        return 2;
    }
    const std::string& host = target.url.hostHeader;
    char run[9];
    std::snprintf(run, sizeof run, "%08llx", static_cast<unsigned long long>(rng() & 0xffffffffULL));
    const std::string prefix = std::string("chaos-") + run + "-";
    const auto users = mintUsers(o.secret, prefix.substr(0, prefix.size() - 1), o.users, 3600);

    SetupClient setup(target);
    std::string showId;
    try {
        boxoffice::SystemClock clock;
        boxoffice::auth::JwtCodec codec(o.secret, clock);
        showId = createShow(
            setup, codec.mint({prefix + "admin", boxoffice::auth::Role::Admin, std::chrono::seconds(3600)}), o.seats);
    } catch (const std::exception& e) {
        std::fprintf(stderr, "boxoffice-chaos: creating the show failed: %s\n", e.what());
        return 2;
    }
    const auto layout = setup.request("GET", "/v1/shows/" + showId + "/seatmap/layout");
    const auto plan = layout.status == 200 ? SeatPlan::fromLayoutJson(layout.body) : std::nullopt;
    if (!plan) {
        std::fprintf(stderr, "boxoffice-chaos: cannot read the layout of show %s (HTTP %d)\n", showId.c_str(),
                     layout.status);
        return 2;
    }

    CrowdOptions co;
    co.arrivalSpreadUs = o.arriveOver.count() * 1000;
    co.groupMin = o.groupMin;
    co.groupMax = o.groupMax;
    co.holdKeyShare = o.holdKeyShare;
    co.retryBudgetUs = o.retryBudget.count() * 1000;
    ChaosCrowd crowd(co, *plan, users, showId, host, rng());
    EventLoop loop(target, o.connections, o.timeout, crowd);
    crowd.attach(loop);
    const int connected = loop.connectAll(milliseconds(5000));
    std::fprintf(stderr,
                 "boxoffice-chaos: fault %s; show %s, %zu seats; %lld users over %lld ms; %d of %d connections\n",
                 o.fault.c_str(), showId.c_str(), plan->size(), o.users, static_cast<long long>(o.arriveOver.count()),
                 connected, o.connections);

    const std::int64_t opening = monoMicros() + 300'000;
    FaultHook hook;
    if (!o.faultCmd.empty()) hook.start(o.faultCmd, opening + o.faultAt.count() * 1000);
    std::optional<AgreementProbe> probe;
    if (!o.faultCmd.empty()) probe.emplace(o, showId, hook);
    crowd.start(opening);
    loop.run([&] { return crowd.finished(); });
    const std::int64_t saleEnd = monoMicros();
    hook.join();
    const FaultWindow window = o.faultCmd.empty() ? FaultWindow{} : hook.window();
    std::fprintf(stderr, "boxoffice-chaos: sale over after %s%s\n", seconds(saleEnd - opening).c_str(),
                 window.any() ? (", fault from " + seconds(window.injectUs - opening) + " to " +
                                 seconds(window.restoreUs - opening))
                                    .c_str()
                              : "");

    // Every hold and payment window opened during the sale has passed, and the sweeper has run.
    const std::int64_t quiet = std::max(saleEnd, window.restoreUs) +
                               (std::max(o.holdTtl, o.paymentWindow) + 2 * o.sweep + milliseconds(1500)).count() * 1000;
    if (const auto wait = quiet - monoMicros(); wait > 0) std::this_thread::sleep_for(std::chrono::microseconds(wait));
    const std::vector<AgreementSample> samples = probe ? probe->stop() : std::vector<AgreementSample>{};

    History& h = crowd.history();
    Verification v;
    try {
        ApiReader api(o.baseUrl, 4);
        // The map between two reads of the confirmed seats; re-read briefly while it settles.
        CheckOutput mapCheck;
        SeatMap map;
        for (int attempt = 0; attempt < 4; ++attempt) {
            const auto before = confirmedSeats(o.postgresUrl, showId);
            std::this_thread::sleep_for(o.seatmapTtl + milliseconds(100));
            map = api.availability(showId);
            mapCheck = checkSeatMapSoldExactly(map, before, confirmedSeats(o.postgresUrl, showId));
            if (mapCheck.violations.empty()) break;
        }
        const ServerState db = readDatabase(o.postgresUrl, showId);
        Ledger ledger = ledgerFrom(h, showId, static_cast<long long>(plan->size()));
        // A control run promises what a fault run cannot: every confirmed order was acknowledged.
        ledger.faultsInjected = window.any();
        record(v, "fault-injected", [&] {
            CheckOutput out;
            if (o.faultCmd.empty()) {
                out.skipped = true;
                out.detail = "no fault command: a control run";
            } else if (hook.exitCode() != 0) {
                out.violations.push_back(
                    {"", "the fault command failed (exit " + std::to_string(hook.exitCode()) + ")", {}, {}});
            } else {
                out.detail = "from " + seconds(window.injectUs - opening) + " to " +
                             seconds(window.restoreUs - opening) + " into the sale";
            }
            return out;
        }());
        record(v, "no-seat-in-two-active-orders", checkNoSeatInTwoActiveOrders(db));
        record(v, "acknowledged-orders-exist", checkCreatedOrdersExist(ledger, db));
        record(v, "acknowledged-confirmations-confirmed", checkConfirmedOrdersAsTold(ledger, db));
        record(v, "tickets-only-in-confirmed-orders", checkTicketsBelongToConfirmedOrders(db));
        record(v, "order-seat-flags-follow-status", checkActiveFlags(db));
        record(v, "no-overdue-pending-orders", checkNoOverduePendingOrders(db, 2 * o.sweep + milliseconds(2000)));
        record(v, "seatmap-sold-exactly-confirmed", mapCheck);
        record(v, "no-stranded-holds", checkNoStrandedHolds(map, db));
        record(v, "no-hold-on-acknowledged-sale", checkNoHoldOnAcknowledgedSale(h));
        record(v, "orders-on-live-holds-accepted",
               checkOrdersOnLiveHoldsAccepted(h, o.holdTtl.count() * 1000, kHoldExpirySlackUs,
                                              o.storeLosesHolds ? window.restoreUs : -1));
        if (o.holdsWithoutPostgres) {
            record(v, "holds-without-postgresql", checkHoldsWithoutPostgres(h));
        } else {
            CheckOutput skip;
            skip.skipped = true;
            skip.detail = "this fault is on the hold path";
            record(v, "holds-without-postgresql", skip);
        }
        record(v, "idempotency-keys-answered", checkKeysAnswered(h, idempotencyKeysInProgress(o.postgresUrl, prefix)));
        if (o.failFast.count() > 0) {
            record(v, "fail-fast", checkFailFast(h, window, o.failFast.count() * 1000));
        } else {
            CheckOutput skip;
            skip.skipped = true;
            skip.detail = "no --fail-fast limit for this fault";
            record(v, "fail-fast", skip);
        }
        record(v, "5xx-are-503-problems", checkErrorsAre503Problems(h));
        record(v, "no-errors-outside-fault-window", checkNoErrorsOutsideWindow(h, window, o.grace.count() * 1000));
        record(v, "confirmed-orders-never-acknowledged", checkNoUnknownConfirmedOrders(ledger, db));
    } catch (const std::exception& e) {
        std::printf("chaos %s: ERROR the final state could not be read: %s\n", o.fault.c_str(), e.what());
        return 1;
    }

    // Figures.
    long long lost = 0, fiveHundreds = 0;
    for (const auto& e : h.errors) (e.status == 0 ? lost : fiveHundreds) += 1;
    Histogram all503;
    for (const auto& hist : h.latency503) all503.merge(hist);
    std::printf(
        "== chaos %s: %zu holds, %zu orders, %zu confirmations acknowledged; %lld 5xx, %lld lost answers "
        "(%lld of holds without a key, retried as new holds)\n",
        o.fault.c_str(), h.holds.size(), h.orders.size(), h.confirms.size(), fiveHundreds, lost, h.unkeyedHoldsUnknown);
    for (int e = 0; e < kEndpoints; ++e)
        if (h.latency503[e].count() > 0)
            std::printf("   503 on %-12s x%-5lld p50 %s  p99 %s  max %s\n", endpointName(e),
                        static_cast<long long>(h.latency503[e].count()), millis(h.latency503[e].percentile(50)).c_str(),
                        millis(h.latency503[e].percentile(99)).c_str(), millis(h.latency503[e].max()).c_str());
    for (const auto& line : latenciesDuring(h, window)) std::printf("   sent during the fault: %s\n", line.c_str());
    for (const auto& [k, n] : h.answers)
        if (k.find(" 2") == std::string::npos) std::printf("   answer %-50s x%lld\n", k.c_str(), n);
    std::string recovery = "no fault";
    if (window.any()) {
        const auto hold = firstHoldAfter(h, window.restoreUs);
        const auto agreed = agreedAfter(samples, window.restoreUs);
        long long disagreeing = 0;
        for (const auto& s : samples) disagreeing += s.agrees ? 0 : 1;
        recovery = "first hold " + (hold ? seconds(*hold) : std::string("none after the restore")) +
                   ", seat map agrees with PostgreSQL " +
                   (agreed ? seconds(*agreed) : std::string("never (while sampled)")) + " after the restore (" +
                   std::to_string(samples.size()) + " samples, " + std::to_string(disagreeing) + " disagreeing)";
    }
    std::printf("   recovery: %s\n", recovery.c_str());
    for (const auto& c : v.checks)
        std::printf("   %-7s %-38s %s\n",
                    c.outcome == CheckResult::Outcome::Passed   ? "pass"
                    : c.outcome == CheckResult::Outcome::Failed ? "FAIL"
                                                                : "skip",
                    c.name.c_str(), c.detail.c_str());
    for (const auto& x : v.violations) std::printf("   VIOLATION %s: %s\n", x.check.c_str(), x.message.c_str());

    std::string failed;
    long long passed = 0;
    for (const auto& c : v.checks) {
        if (c.outcome == CheckResult::Outcome::Failed) failed += (failed.empty() ? "" : ",") + c.name;
        if (c.outcome == CheckResult::Outcome::Passed) ++passed;
    }
    std::printf(
        "chaos %s: %s checks %lld passed%s | holds %zu orders %zu confirmed %zu | 503 x%lld p50 %s p99 %s, "
        "lost answers %lld | recovery: %s\n",
        o.fault.c_str(), v.ok() ? "PASS" : "FAIL", passed, failed.empty() ? "" : (", failed " + failed).c_str(),
        h.holds.size(), h.orders.size(), h.confirms.size(), static_cast<long long>(all503.count()),
        millis(all503.percentile(50)).c_str(), millis(all503.percentile(99)).c_str(), lost, recovery.c_str());
    std::fflush(stdout);
    return v.ok() ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
    Options o;
    if (const char* secret = std::getenv("BOXOFFICE_JWT_SECRET")) o.secret = secret;
    if (auto exit = parseCommandLine(o, {argv + 1, argv + argc})) return *exit;
    std::signal(SIGPIPE, SIG_IGN);
    try {
        return run(o);
    } catch (const std::exception& e) {
        std::fprintf(stderr, "boxoffice-chaos: %s\n", e.what());
        return 2;
    }
}
