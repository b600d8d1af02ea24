// boxoffice-chaos: a small flash sale against a running boxoffice while a fault command
// (loadtest/chaos/faults.sh) breaks the stack under it, then the invariants that must survive any
// fault, checked against what the clients were told, PostgreSQL and the seat map; one verdict line.
// Composition root: parse the flags, set up the show and the crowd, run, verify, exit 0/1 (2: set-up).
#include <algorithm>
#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <random>
#include <stdexcept>
#include <string>
#include <thread>
#include <type_traits>
#include <vector>

#include "verifier/api_reader.hpp"
#include "auth/jwt.hpp"
#include "chaos_checks.hpp"
#include "chaos_crowd.hpp"
#include "fault_hook.hpp"
#include "common/http_response.hpp"
#include "harness/scenario.hpp"
#include "common/setup_client.hpp"
#include "verifier/sql_reader.hpp"
#include "harness/virtual_users.hpp"

namespace {

using namespace boxoffice::load;
using namespace boxoffice::load::chaos;
using std::chrono::milliseconds;

// Between a hold's request and the service's clock at grant, and the order reaching the service.
constexpr std::int64_t kHoldExpirySlackUs = 250'000;

struct Options {
    std::string fault = "none";
    std::string faultCmd;
    milliseconds faultAt{2500};
    std::string baseUrl, postgresUrl, secret;
    long long seats = 1000, users = 600;
    milliseconds arriveOver{8000};
    int groupMin = 1, groupMax = 2;
    double holdKeyShare = 0.3;
    int connections = 128;
    // Above the service's 3 s wait for a key in progress, so a retry sees its 409 rather than a timeout.
    milliseconds timeout{5000};
    milliseconds retryBudget{15000};
    milliseconds grace{2000};
    milliseconds holdTtl{4000}, paymentWindow{4000}, sweep{250}, seatmapTtl{250};
    bool holdsWithoutPostgres = false;  // the fault leaves Redis alone: holds must not fail
    bool storeLosesHolds = false;       // the fault loses Redis data: holds granted before it may be gone
    milliseconds failFast{0};           // > 0: p99 of holds and seat-map reads during the fault
    unsigned long long seed = 0;
};

const char* kUsage =
    "usage: boxoffice-chaos --base URL --pg URL [--fault NAME --fault-cmd CMD --fault-at 2.5s] [options]\n"
    "  Sells a fresh show to --users clients (arriving evenly over --arrive-over) while CMD, started\n"
    "  --fault-at into the sale, injects the fault (it prints `chaos: inject` / `chaos: restore`),\n"
    "  then verifies the invariants and prints one verdict line. Exit 0 PASS, 1 FAIL, 2 set-up error.\n"
    "  --secret S (or BOXOFFICE_JWT_SECRET)  --seats 1000  --users 600  --arrive-over 8s  --group 1-2\n"
    "  --hold-key-share 0.3  --connections 128  --timeout 5s (per request)  --retry-budget 15s\n"
    "  --grace 2s (errors allowed after the restore)  --hold-ttl 4s --payment-window 4s --sweep 250ms\n"
    "  --seatmap-ttl 250ms (the service's BOXOFFICE_SEATMAP_AVAILABILITY_TTL)  --seed N\n"
    "  --holds-without-postgres yes|no (no): the fault leaves Redis alone, so no hold may fail\n"
    "  --fail-fast 600ms (off): p99 of holds and seat-map reads sent during the fault\n"
    "  --store-loses-holds yes|no (no): the fault loses Redis data, so holds granted before it may vanish\n";

using Setter = std::function<std::optional<std::string>(const std::string&)>;

Setter text(std::string& out) {
    return [&out](const std::string& v) -> std::optional<std::string> {
        out = v;
        return std::nullopt;
    };
}
template <typename T>
Setter number(T& out) {
    return [&out](const std::string& v) -> std::optional<std::string> {
        std::size_t used = 0;
        try {
            if constexpr (std::is_floating_point_v<T>)
                out = static_cast<T>(std::stod(v, &used));
            else
                out = static_cast<T>(std::stoll(v, &used));
        } catch (const std::exception&) {
            used = 0;
        }
        if (used == 0 || used != v.size()) return "not a number: " + v;
        return std::nullopt;
    };
}
Setter duration(milliseconds& out) {
    return [&out](const std::string& v) -> std::optional<std::string> {
        const auto d = parseDuration(v);
        if (!d) return "not a duration: " + v;
        out = *d;
        return std::nullopt;
    };
}
Setter yesNo(bool& out) {
    return [&out](const std::string& v) -> std::optional<std::string> {
        if (v != "yes" && v != "no") return "must be yes or no: " + v;
        out = v == "yes";
        return std::nullopt;
    };
}

std::optional<std::string> parse(Options& o, const std::vector<std::string>& args) {
    const std::map<std::string, Setter> flags = {
        {"--fault", text(o.fault)},
        {"--fault-cmd", text(o.faultCmd)},
        {"--fault-at", duration(o.faultAt)},
        {"--base", text(o.baseUrl)},
        {"--pg", text(o.postgresUrl)},
        {"--secret", text(o.secret)},
        {"--seats", number(o.seats)},
        {"--users", number(o.users)},
        {"--arrive-over", duration(o.arriveOver)},
        {"--group",
         [&o](const std::string& v) -> std::optional<std::string> {
             const auto dash = v.find('-');
             if (auto e = number(o.groupMin)(v.substr(0, dash))) return e;
             o.groupMax = o.groupMin;
             return dash == std::string::npos ? std::nullopt : number(o.groupMax)(v.substr(dash + 1));
         }},
        {"--hold-key-share", number(o.holdKeyShare)},
        {"--connections", number(o.connections)},
        {"--timeout", duration(o.timeout)},
        {"--retry-budget", duration(o.retryBudget)},
        {"--grace", duration(o.grace)},
        {"--hold-ttl", duration(o.holdTtl)},
        {"--payment-window", duration(o.paymentWindow)},
        {"--sweep", duration(o.sweep)},
        {"--seatmap-ttl", duration(o.seatmapTtl)},
        {"--holds-without-postgres", yesNo(o.holdsWithoutPostgres)},
        {"--fail-fast", duration(o.failFast)},
        {"--store-loses-holds", yesNo(o.storeLosesHolds)},
        {"--seed", number(o.seed)},
    };
    for (std::size_t i = 0; i < args.size(); ++i) {
        const auto it = flags.find(args[i]);
        if (it == flags.end()) return "unknown flag " + args[i];
        if (i + 1 >= args.size()) return args[i] + " needs a value";
        if (auto e = it->second(args[i + 1])) return args[i] + ": " + *e;
        ++i;
    }
    if (o.baseUrl.empty() || o.postgresUrl.empty()) return "--base and --pg are required";
    if (o.secret.empty()) return "no JWT secret (--secret or BOXOFFICE_JWT_SECRET)";
    if (o.groupMin < 1 || o.groupMax < o.groupMin || o.groupMax > 6) return "--group must be within 1-6";
    if (o.users < 1 || o.seats < 1 || o.connections < 1) return "--users, --seats and --connections must be positive";
    if (o.holdKeyShare < 0 || o.holdKeyShare > 1) return "--hold-key-share must be within 0-1";
    return std::nullopt;
}

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
    std::vector<std::string> args(argv + 1, argv + argc);
    for (const auto& a : args)
        if (a == "--help" || a == "-h") {
            std::printf("%s", kUsage);
            return 0;
        }
    Options o;
    if (const char* secret = std::getenv("BOXOFFICE_JWT_SECRET")) o.secret = secret;
    if (auto e = parse(o, args)) {
        std::fprintf(stderr, "boxoffice-chaos: %s\n\n%s", e->c_str(), kUsage);
        return 2;
    }
    std::signal(SIGPIPE, SIG_IGN);
    try {
        return run(o);
    } catch (const std::exception& e) {
        std::fprintf(stderr, "boxoffice-chaos: %s\n", e.what());
        return 2;
    }
}
