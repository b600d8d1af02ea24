#include "harness/command_line.hpp"

#include <utility>

#include "common/cli_app.hpp"
#include "harness/presets.hpp"

namespace boxoffice::load {
namespace {

struct Flag {
    const char* name;  // the setting of applySetting, and the flag without `--`
    const char* valueName;
    const char* group;
    const char* help;
};

constexpr const char* kTarget = "The service";
constexpr const char* kCrowd = "The crowd";
constexpr const char* kQueue = "The waiting room";
constexpr const char* kClient = "The client";
constexpr const char* kVerify = "Verification";
constexpr const char* kOutput = "Output";

// Every setting but `insecure` (a bare flag, below), in the order --help lists them. A flag given
// here is applied by applySetting, which names the setting in its errors: one table of meanings.
constexpr Flag kFlags[] = {
    {"base", "URL", kTarget,
     "service base URL (default http://127.0.0.1:8080); https:// verifies its certificate (system CAs) and host"},
    {"ca-file", "FILE", kTarget, "https: trust the CAs in this PEM file instead (a private CA)"},
    {"show", "ID", kTarget, "sell this existing show (else one is created with --seats seats)"},
    {"seats", "N", kTarget, "seats of the show created through the admin API"},
    {"secret", "S", kTarget, "mint the users' tokens and the admin's with it (default BOXOFFICE_JWT_SECRET)"},
    {"tokens", "FILE", kTarget, "read the users' tokens instead, one per line"},
    {"users", "N", kCrowd, "virtual users, each with its own JWT"},
    {"arrival", "P", kCrowd, "instant[:WINDOW] | ramp[:DURATION] | rate[:PER_SECOND] | closed[:USERS]"},
    {"window", "D", kCrowd, "instant: everyone arrives within this opening window"},
    {"ramp", "D", kCrowd, "ramp: the arrival rate grows linearly over this time"},
    {"rate", "N", kCrowd, "rate: arrivals per second"},
    {"concurrency", "N", kCrowd, "closed: users active at once, each starts when one ends"},
    {"group", "A-B", kCrowd, "seats per user, uniform in A-B (1-6; adjacent seats preferred)"},
    {"choice", "C", kCrowd,
     "best | random | front | same | best-available (the server picks), or weighted: "
     "random:0.6,best-available:0.4"},
    {"front-rows", "N", kCrowd, "rows everyone wants with 'front'"},
    {"retries", "N", kCrowd, "attempts after a conflict before giving up"},
    {"refetch", "yes|no", kCrowd, "re-read availability before retrying (else the last view seen)"},
    {"abandon-hold", "S", kCrowd, "share of users (0-1) who hold and walk away (the hold expires)"},
    {"abandon-order", "S", kCrowd, "share who order and never pay (the order expires)"},
    {"cancel", "S", kCrowd, "share who order and cancel"},
    {"pay-delay", "D[-D]", kCrowd, "think time before paying, uniform in the range (200ms-2s)"},
    {"pay-via", "auto|provider|confirm-payment", kCrowd,
     "provider: POST /payment, then the dev provider's signed callback; confirm-payment: the client says it "
     "paid; auto (default): provider when the dev webhook secret is known"},
    {"dev-webhook-secret", "S", kCrowd,
     "the service's BOXOFFICE_PAYMENTS_DEV_WEBHOOK_SECRET, which signs the callbacks (default: that variable)"},
    {"pay-fail", "S", kCrowd,
     "share of payers whose payment the callback fails (the order FAILED, its seats free); provider only"},
    {"refund", "S", kCrowd, "share of paying buyers who refund every seat once confirmed (the seats back on sale)"},
    {"seed", "N", kCrowd, "random seed (0: random)"},
    {"waiting-room", "rate:N|active:N", kQueue,
     "turn the show's waiting room on (as admin) admitting N people/s or N shoppers at once; it opens after "
     "every user joined; users queue, poll their place and hold with their admission"},
    {"queue-window", "D", kQueue, "--waiting-room: shopping window from admission to the last hold (default 60s)"},
    {"queue-token-ttl", "D", kQueue, "--waiting-room: lifetime of one admission token (default 30s)"},
    {"queue-lead", "D", kQueue, "--waiting-room: the room opens D after the last planned arrival (default 1s)"},
    {"queue-poll", "D[-D]", kQueue,
     "poll queue/me after half the estimated wait, within this range (default 1s-5s); Retry-After is honoured"},
    {"queue-give-up", "D", kQueue, "a user not admitted D after joining leaves (default 10m)"},
    {"queue-plant-tokenless", "S", kQueue,
     "testing the verifier: share of queued users whose first hold is sent without the admission (a violation)"},
    {"connections", "N", kClient, "connections of the crowd"},
    {"threads", "N", kClient, "event-loop threads (1-16)"},
    {"timeout", "D", kClient, "per request"},
    {"expiry-wait", "D", kVerify,
     "wait at most D for the last hold/order told of to expire, then check capacity (default 2m; 0: unchecked)"},
    {"pending-grace", "D", kVerify, "how long past its expiry a hold or order may still be held or pending"},
    {"pg", "URL", kVerify, "extra verification in PostgreSQL (read-only)"},
    {"metrics", "URL", kVerify, "extra verification against the service's /metrics"},
    {"sqs-queue", "URL", kVerify,
     "then drain this queue: each outbox row of the show published once, nothing else (needs --pg; AWS_*)"},
    {"sqs-endpoint", "URL", kVerify, "the queue's endpoint, when not the queue URL's origin"},
    {"sqs-region", "R", kVerify, "the queue's region"},
    {"report", "FILE.json", kOutput, "the report as JSON"},
    {"chart", "FILE.svg", kOutput, "the sale as a chart"},
    {"service-pid", "PID", kOutput, "report the service's CPU and memory during the sale (same machine)"},
    {"healthz", "D", kOutput, "instead of a sale: GET /healthz on every connection for D (the harness ceiling)"},
};

}  // namespace

std::optional<int> parseCommandLine(Scenario& s, const std::vector<std::string>& args, const FileReader& readFile,
                                    std::ostream& out, std::ostream& err) {
    CLI::App app("boxoffice-load: a flash sale against boxoffice, then a verification that nothing was oversold.",
                 "boxoffice-load");
    setUpCliApp(app);
    app.footer(
        "Flags override the config file, the config file the preset. A config file holds `key = value` lines\n"
        "(the flags without --; # comments). Durations: 250ms, 2s, 1.5m, 1h (a bare number is ms).\n"
        "--sqs-queue empties the queue: give the sale one of its own.\n"
        "Exit code: 0 verified clean, 1 a violation (named in the report), 2 bad usage or setup failure.");

    // CLI11 walks the arguments; each flag is recorded as given, in order, and applied below in
    // layers. CLI11's own config reader is not used for --config: it reads TOML/INI, where an
    // unbracketed `choice = random:0.6,best:0.2` becomes an array, unknown keys are ignored and
    // errors lose their line; applyConfig keeps the format and the messages of the files in use.
    std::vector<std::pair<std::string, std::string>> flags;
    auto record = [&flags](const std::string& key) {
        return [&flags, key](const std::string& value) { flags.emplace_back(key, value); };
    };
    app.add_option_function<std::string>("--preset", record("preset"), "start from demo, ci, stress or race")
        ->type_name("NAME")
        ->trigger_on_parse();
    app.add_option_function<std::string>("--config", record("config"), "then apply this file of key = value lines")
        ->type_name("FILE")
        ->trigger_on_parse();
    for (const Flag& f : kFlags)
        app.add_option_function<std::string>(std::string("--") + f.name, record(f.name), f.help)
            ->type_name(f.valueName)
            ->group(f.group)
            ->trigger_on_parse();
    app.add_flag_function(
           "--insecure", [&flags](std::int64_t count) { flags.emplace_back("insecure", count > 0 ? "yes" : "no"); },
           "https: do not verify the certificate or host name (prints a warning)")
        ->group(kTarget)
        ->trigger_on_parse();
    app.add_flag_function(
           "--queue", [&flags](std::int64_t count) { flags.emplace_back("queue", count > 0 ? "yes" : "no"); },
           "the show already has a waiting room on: every user joins it before holding")
        ->group(kQueue)
        ->trigger_on_parse();
    app.add_flag_function(
           "--live-map", [&flags](std::int64_t count) { flags.emplace_back("live-map", count > 0 ? "yes" : "no"); },
           "follow the live seat map (GET .../seatmap/events, one stream for the crowd) instead of re-reading the "
           "availability")
        ->group(kCrowd)
        ->trigger_on_parse();
    app.add_flag_callback(
           "--quiet,--no-progress", [&flags] { flags.emplace_back("quiet", ""); },
           "no progress line while the sale runs")
        ->group(kOutput);

    if (auto exit = parseArguments(app, args, out, err)) return exit;

    auto bad = [&](const std::string& key, const std::string& value, const std::string& why) {
        return usageError(app, "--" + key + " '" + value + "': " + why, err);
    };
    for (const auto& [k, v] : flags) {
        if (k != "preset") continue;
        auto p = preset(v);
        if (!p) return bad(k, v, "one of demo, ci, stress, race");
        s = *p;
    }
    for (const auto& [k, v] : flags) {
        if (k != "config") continue;
        auto text = readFile(v);
        if (!text) return bad(k, v, "cannot be read");
        if (auto e = applyConfig(s, *text)) return usageError(app, v + ": " + e->message, err);
    }
    for (const auto& [k, v] : flags) {
        if (k == "preset" || k == "config") continue;
        if (k == "quiet")
            s.progress = false;
        else if (auto e = applySetting(s, k, v))
            return usageError(app, e->message, err);
    }
    return std::nullopt;
}

}  // namespace boxoffice::load
