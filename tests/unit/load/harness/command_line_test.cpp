// boxoffice-load's command line: CLI11 walks the arguments, the scenario is layered preset <
// config files < flags, and every failure is a usage error (exit 2) naming what was wrong.
#include "harness/command_line.hpp"

#include <gtest/gtest.h>

#include <map>
#include <regex>
#include <sstream>

namespace boxoffice::load {
namespace {

using std::chrono::milliseconds;

struct Parsed {
    std::optional<int> exit;
    Scenario scenario;
    std::string out;
    std::string err;
};

Parsed parse(const std::vector<std::string>& args, const std::map<std::string, std::string>& files = {}) {
    Parsed p;
    std::ostringstream out, err;
    auto read = [&files](const std::string& path) -> std::optional<std::string> {
        const auto it = files.find(path);
        if (it == files.end()) return std::nullopt;
        return it->second;
    };
    p.exit = parseCommandLine(p.scenario, args, read, out, err);
    p.out = out.str();
    p.err = err.str();
    return p;
}

bool contains(const std::string& text, const std::string& part) {
    return text.find(part) != std::string::npos;
}

TEST(CommandLine, PresetThenConfigThenFlagsWhereverTheyAreGiven) {
    const std::map<std::string, std::string> files = {
        {"sale.conf",
         "# a comment\nusers = 300\ngroup = 2-3   # trailing comment\n\narrival = ramp:5s\n"
         "abandon-hold = 0.1\nchoice = random:0.6,best:0.4\n"}};
    auto p = parse({"--users", "42", "--config", "sale.conf", "--preset", "ci", "--cancel=0.2"}, files);
    ASSERT_EQ(p.exit, std::nullopt) << p.err;
    const Scenario& s = p.scenario;
    EXPECT_EQ(s.preset, "ci");
    EXPECT_EQ(s.seats, 500);                 // the preset
    EXPECT_DOUBLE_EQ(s.abandonOrder, 0.05);  // the preset
    EXPECT_DOUBLE_EQ(s.abandonHold, 0.1);    // the config over the preset's 0.05
    EXPECT_EQ(s.groupMin, 2);                // the config
    EXPECT_EQ(s.groupMax, 3);
    EXPECT_EQ(s.arrival, Arrival::Ramp);
    EXPECT_EQ(s.ramp, milliseconds(5000));
    ASSERT_EQ(s.choices.size(), 2u);  // a comma inside a config value is not a list separator
    EXPECT_DOUBLE_EQ(s.choices[1].weight, 0.4);
    EXPECT_EQ(s.users, 42);  // the flag over the config, though given before it
    EXPECT_DOUBLE_EQ(s.cancel, 0.2);
    EXPECT_EQ(p.out, "");
    EXPECT_EQ(p.err, "");
}

TEST(CommandLine, ConfigFilesApplyInTheirOrder) {
    const std::map<std::string, std::string> files = {{"a.conf", "users = 1\nseats = 7\n"}, {"b.conf", "users = 2\n"}};
    auto p = parse({"--config", "a.conf", "--config=b.conf"}, files);
    ASSERT_EQ(p.exit, std::nullopt) << p.err;
    EXPECT_EQ(p.scenario.users, 2);
    EXPECT_EQ(p.scenario.seats, 7);
}

TEST(CommandLine, LaterFlagsWinInTheOrderGiven) {
    auto a = parse({"--arrival", "instant:2s", "--window", "1s", "--users", "1", "--users=2"});
    ASSERT_EQ(a.exit, std::nullopt) << a.err;
    EXPECT_EQ(a.scenario.window, milliseconds(1000));
    EXPECT_EQ(a.scenario.users, 2);
    auto b = parse({"--window", "1s", "--arrival", "instant:2s"});
    ASSERT_EQ(b.exit, std::nullopt) << b.err;
    EXPECT_EQ(b.scenario.window, milliseconds(2000));
}

TEST(CommandLine, EveryValueSyntaxBothWays) {
    auto p = parse({"--base=https://tickets.example.com/",
                    "--ca-file",
                    "ca.pem",
                    "--show",
                    "S1",
                    "--seats",
                    "9",
                    "--users=3",
                    "--arrival",
                    "rate:150",
                    "--group",
                    "1-4",
                    "--choice",
                    "random:0.6,best:0.2,front:0.2",
                    "--front-rows=3",
                    "--retries",
                    "0",
                    "--refetch",
                    "no",
                    "--abandon-hold",
                    "0.25",
                    "--abandon-order=0.125",
                    "--pay-delay",
                    "200ms-2s",
                    "--connections",
                    "64",
                    "--threads",
                    "2",
                    "--timeout",
                    "1.5m",
                    "--expiry-wait=0",
                    "--pending-grace",
                    "3s",
                    "--secret",
                    "s3",
                    "--tokens",
                    "t.txt",
                    "--pg",
                    "postgresql://db",
                    "--metrics",
                    "http://m/metrics",
                    "--sqs-queue",
                    "http://q/1",
                    "--sqs-endpoint",
                    "http://q",
                    "--sqs-region",
                    "eu-west-1",
                    "--report",
                    "r.json",
                    "--chart",
                    "c.svg",
                    "--service-pid",
                    "77",
                    "--seed",
                    "5",
                    "--healthz",
                    "250ms",
                    "--quiet"});
    ASSERT_EQ(p.exit, std::nullopt) << p.err;
    const Scenario& s = p.scenario;
    EXPECT_EQ(s.baseUrl, "https://tickets.example.com");  // the trailing slash dropped
    EXPECT_EQ(s.caFile, "ca.pem");
    EXPECT_EQ(s.showId, "S1");
    EXPECT_EQ(s.seats, 9);
    EXPECT_EQ(s.users, 3);
    EXPECT_EQ(s.arrival, Arrival::Rate);
    EXPECT_DOUBLE_EQ(s.rate, 150);
    EXPECT_EQ(s.groupMin, 1);
    EXPECT_EQ(s.groupMax, 4);
    ASSERT_EQ(s.choices.size(), 3u);
    EXPECT_EQ(s.choices[2].choice, SeatChoice::Front);
    EXPECT_DOUBLE_EQ(s.choices[0].weight, 0.6);
    EXPECT_EQ(s.frontRows, 3);
    EXPECT_EQ(s.retries, 0);
    EXPECT_FALSE(s.refetchOnConflict);
    EXPECT_DOUBLE_EQ(s.abandonHold, 0.25);
    EXPECT_DOUBLE_EQ(s.abandonOrder, 0.125);
    EXPECT_EQ(s.payDelayMin, milliseconds(200));
    EXPECT_EQ(s.payDelayMax, milliseconds(2000));
    EXPECT_EQ(s.connections, 64);
    EXPECT_EQ(s.threads, 2);
    EXPECT_EQ(s.timeout, milliseconds(90000));
    EXPECT_EQ(s.expiryWait, milliseconds(0));
    EXPECT_EQ(s.pendingGrace, milliseconds(3000));
    EXPECT_EQ(s.secret, "s3");
    EXPECT_EQ(s.tokensFile, "t.txt");
    EXPECT_EQ(s.postgresUrl, "postgresql://db");
    EXPECT_EQ(s.metricsUrl, "http://m/metrics");
    EXPECT_EQ(s.sqsQueue, "http://q/1");
    EXPECT_EQ(s.sqsEndpoint, "http://q");
    EXPECT_EQ(s.sqsRegion, "eu-west-1");
    EXPECT_EQ(s.reportPath, "r.json");
    EXPECT_EQ(s.chartPath, "c.svg");
    EXPECT_EQ(s.servicePid, 77);
    EXPECT_EQ(s.seed, 5u);
    EXPECT_EQ(s.healthz, milliseconds(250));
    EXPECT_FALSE(s.progress);

    auto arrivals = parse({"--arrival", "closed:12", "--concurrency", "13", "--ramp", "4s", "--rate", "2.5"});
    ASSERT_EQ(arrivals.exit, std::nullopt) << arrivals.err;
    EXPECT_EQ(arrivals.scenario.arrival, Arrival::Closed);
    EXPECT_EQ(arrivals.scenario.concurrency, 13);
    EXPECT_EQ(arrivals.scenario.ramp, milliseconds(4000));
    EXPECT_DOUBLE_EQ(arrivals.scenario.rate, 2.5);
}

TEST(CommandLine, BareFlagsTakeNoValue) {
    // --insecure does not swallow the next flag; --no-progress is --quiet.
    auto p = parse({"--insecure", "--base", "https://127.0.0.1:8443", "--no-progress"});
    ASSERT_EQ(p.exit, std::nullopt) << p.err;
    EXPECT_TRUE(p.scenario.insecure);
    EXPECT_EQ(p.scenario.baseUrl, "https://127.0.0.1:8443");
    EXPECT_FALSE(p.scenario.progress);
    auto off = parse({"--insecure", "--insecure=no"});
    ASSERT_EQ(off.exit, std::nullopt) << off.err;
    EXPECT_FALSE(off.scenario.insecure);
    // The preset is applied first, so it does not undo --quiet given before it.
    auto quiet = parse({"--quiet", "--preset", "race"});
    ASSERT_EQ(quiet.exit, std::nullopt) << quiet.err;
    EXPECT_FALSE(quiet.scenario.progress);
    EXPECT_EQ(quiet.scenario.seats, 1);
}

TEST(CommandLine, UsageErrorsExitTwoNameTheProblemAndShowTheHelp) {
    struct Case {
        std::vector<std::string> args;
        std::string message;  // the first line, after "boxoffice-load: "
    };
    const std::vector<Case> cases = {
        {{"--colour", "red"}, "--colour"},
        {{"--users"}, "--users"},
        {{"--seats="}, "--seats"},
        {{"stray"}, "stray"},
        {{"-u", "3"}, "-u"},
        {{"--group", "0-7"}, "--group '0-7': a group size or range within 1-6, e.g. 2 or 1-4"},
        {{"--users=many"}, "--users 'many': an integer >= 1"},
        {{"--timeout", "soon"}, "--timeout 'soon': a duration such as 250ms, 2s, 1m"},
        {{"--arrival", "tomorrow"}, "--arrival 'tomorrow': instant[:WINDOW]"},
        {{"--choice", "best:-1"}, "--choice 'best:-1': weights must be positive numbers"},
        {{"--refetch", "maybe"}, "--refetch 'maybe': yes or no"},
        {{"--pay-delay", "2s-1s"}, "--pay-delay '2s-1s': a duration or a range such as 200ms-2s"},
        {{"--preset", "nope"}, "--preset 'nope': one of demo, ci, stress, race"},
        {{"--config", "missing.conf"}, "--config 'missing.conf': cannot be read"},
        {{"--config", "bad.conf"}, "bad.conf: line 2: expected key = value"},
        {{"--config", "unknown.conf"}, "unknown.conf: line 1: unknown setting 'colour'"},
    };
    const std::map<std::string, std::string> files = {{"bad.conf", "users = 10\nthis is not a setting\n"},
                                                      {"unknown.conf", "colour = red\n"}};
    for (const auto& c : cases) {
        auto p = parse(c.args, files);
        ASSERT_EQ(p.exit, 2) << c.args[0];
        EXPECT_EQ(p.out, "") << c.args[0];
        const std::string first = p.err.substr(0, p.err.find('\n'));
        EXPECT_EQ(first.rfind("boxoffice-load: ", 0), 0u) << p.err;
        EXPECT_TRUE(contains(first, c.message)) << "want '" << c.message << "' in: " << first;
        EXPECT_TRUE(contains(p.err, "\n\nboxoffice-load: a flash sale")) << "the help follows\n" << p.err;
        EXPECT_TRUE(contains(p.err, "Usage: boxoffice-load [OPTIONS]")) << p.err;
    }
}

TEST(CommandLine, HelpListsEveryFlagOnStdout) {
    for (const std::string flag : {"--help", "-h"}) {
        auto p = parse({"--users", "5", flag});
        EXPECT_EQ(p.exit, 0) << flag;
        EXPECT_EQ(p.err, "") << flag;
        EXPECT_EQ(p.out.rfind("boxoffice-load: a flash sale", 0), 0u) << p.out;
        for (const char* name :
             {"--preset",       "--config",        "--base",         "--ca-file",     "--insecure",      "--show",
              "--seats",        "--users",         "--arrival",      "--window",      "--ramp",          "--rate",
              "--concurrency",  "--group",         "--choice",       "--front-rows",  "--retries",       "--refetch",
              "--abandon-hold", "--abandon-order", "--cancel",       "--pay-delay",   "--connections",   "--threads",
              "--timeout",      "--secret",        "--tokens",       "--expiry-wait", "--pending-grace", "--pg",
              "--metrics",      "--sqs-queue",     "--sqs-endpoint", "--sqs-region",  "--report",        "--chart",
              "--quiet",        "--no-progress",   "--seed",         "--service-pid", "--healthz",       "--version"})
            EXPECT_TRUE(std::regex_search(p.out, std::regex(std::string("(  |,)") + name + "[ ,\n]"))) << name << "\n"
                                                                                                       << p.out;
        EXPECT_TRUE(contains(p.out, "Exit code: 0 verified clean")) << p.out;
    }
}

TEST(CommandLine, VersionOnStdout) {
    auto p = parse({"--version"});
    EXPECT_EQ(p.exit, 0);
    EXPECT_EQ(p.err, "");
    EXPECT_EQ(p.out.rfind("boxoffice-load ", 0), 0u) << p.out;
}

}  // namespace
}  // namespace boxoffice::load
