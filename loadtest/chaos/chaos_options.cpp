#include "chaos_options.hpp"

#include <functional>
#include <iostream>
#include <type_traits>

#include "common/cli_app.hpp"
#include "harness/scenario.hpp"

namespace boxoffice::load::chaos {
namespace {

using std::chrono::milliseconds;

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
            else if (v.find_first_not_of("0123456789") == std::string::npos)  // counts: whole and decimal
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

std::optional<std::string> groupRange(Options& o, const std::string& v) {
    const auto dash = v.find('-');
    if (auto e = number(o.groupMin)(v.substr(0, dash))) return e;
    o.groupMax = o.groupMin;
    return dash == std::string::npos ? std::nullopt : number(o.groupMax)(v.substr(dash + 1));
}

// Across flags, after each was read.
std::optional<std::string> check(const Options& o) {
    if (o.baseUrl.empty() || o.postgresUrl.empty()) return "--base and --pg are required";
    if (o.secret.empty()) return "no JWT secret (--secret or BOXOFFICE_JWT_SECRET)";
    if (o.groupMin < 1 || o.groupMax < o.groupMin || o.groupMax > 6) return "--group must be within 1-6";
    if (o.users < 1 || o.seats < 1 || o.connections < 1) return "--users, --seats and --connections must be positive";
    if (o.holdKeyShare < 0 || o.holdKeyShare > 1) return "--hold-key-share must be within 0-1";
    return std::nullopt;
}

// CLI11 walks the arguments; each flag's value goes through its setter, whose complaint comes back
// as "--FLAG: why" (a ValidationError thrown from the callback). nullopt: run; else the exit code.
}  // namespace

std::optional<int> parseCommandLine(Options& o, const std::vector<std::string>& args) {
    CLI::App app(
        "boxoffice-chaos: a small flash sale while a fault command breaks the stack under it, then the\n"
        "invariants that must survive any fault, and one verdict line.",
        "boxoffice-chaos");
    setUpCliApp(app);
    app.footer(
        "Sells a fresh show to --users clients (arriving evenly over --arrive-over) while CMD, started --fault-at\n"
        "into the sale, injects the fault (it prints `chaos: inject` / `chaos: restore`), then verifies the\n"
        "invariants and prints one verdict line. Exit 0 PASS, 1 FAIL, 2 set-up error.");
    struct Flag {
        const char* name;
        const char* valueName;
        const char* help;
        Setter set;
    };
    const Flag flags[] = {
        {"base", "URL", "the service (http:// only: it is broken on this machine) (required)", text(o.baseUrl)},
        {"pg", "URL", "its PostgreSQL, read after the sale (required)", text(o.postgresUrl)},
        {"secret", "S", "the service's JWT secret (default BOXOFFICE_JWT_SECRET)", text(o.secret)},
        {"fault", "NAME", "the fault's name in the verdict (default none)", text(o.fault)},
        {"fault-cmd", "CMD", "the command that injects and restores the fault (none: a control run)", text(o.faultCmd)},
        {"fault-at", "D", "when CMD starts, into the sale (default 2.5s)", duration(o.faultAt)},
        {"seats", "N", "seats of the show (default 1000)", number(o.seats)},
        {"users", "N", "clients (default 600)", number(o.users)},
        {"arrive-over", "D", "the users arrive evenly over this time (default 8s)", duration(o.arriveOver)},
        {"group", "A-B", "seats per user (default 1-2, within 1-6)",
         [&o](const std::string& v) { return groupRange(o, v); }},
        {"hold-key-share", "S", "share of holds sent with an Idempotency-Key (default 0.3)", number(o.holdKeyShare)},
        {"connections", "N", "connections (default 128)", number(o.connections)},
        {"timeout", "D", "per request (default 5s)", duration(o.timeout)},
        {"retry-budget", "D", "per request, retries with the same key included (default 15s)", duration(o.retryBudget)},
        {"grace", "D", "errors allowed after the restore (default 2s)", duration(o.grace)},
        {"hold-ttl", "D", "the service's hold TTL (default 4s)", duration(o.holdTtl)},
        {"payment-window", "D", "the service's payment window (default 4s)", duration(o.paymentWindow)},
        {"sweep", "D", "the service's sweep interval (default 250ms)", duration(o.sweep)},
        {"seatmap-ttl", "D", "the service's BOXOFFICE_SEATMAP_AVAILABILITY_TTL (default 250ms)",
         duration(o.seatmapTtl)},
        {"holds-without-postgres", "yes|no", "the fault leaves Redis alone, so no hold may fail (default no)",
         yesNo(o.holdsWithoutPostgres)},
        {"fail-fast", "D", "p99 limit of holds and seat-map reads sent during the fault (default off)",
         duration(o.failFast)},
        {"store-loses-holds", "yes|no",
         "the fault loses Redis data, so holds granted before it may vanish (default no)", yesNo(o.storeLosesHolds)},
        {"seed", "N", "random seed (0: random)", number(o.seed)},
    };
    for (const Flag& f : flags) {
        const std::string name = std::string("--") + f.name;
        app.add_option_function<std::string>(
               name,
               [name, set = f.set](const std::string& v) {
                   if (auto e = set(v)) throw CLI::ValidationError(name, *e);
               },
               f.help)
            ->type_name(f.valueName);
    }
    if (auto exit = parseArguments(app, args, std::cout, std::cerr)) return exit;
    if (auto e = check(o)) return usageError(app, *e, std::cerr);
    return std::nullopt;
}

}  // namespace boxoffice::load::chaos
