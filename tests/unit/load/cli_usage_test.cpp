// The load programs' command lines as a user meets them, by running the binaries: --help and
// --version on stdout with exit 0, usage errors on stderr with exit 2 and the flag named. Nothing
// here reaches a network: every run stops at the command line. The environment is emptied.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "support/program_run.hpp"

namespace {

using Run = boxoffice::testing::ProgramRun;

Run run(const std::string& binary, const std::string& args) {
    return boxoffice::testing::runProgram(binary, args);
}

struct Program {
    std::string name;
    std::string binary;
    std::vector<std::string> flags;  // some of its own flags the help must list
};

const std::vector<Program>& programs() {
    static const std::vector<Program> all = {
        {"boxoffice-load",
         BOXOFFICE_LOAD_BIN,
         {"--preset", "--config", "--arrival", "--insecure", "--no-progress", "--waiting-room", "--queue",
          "--queue-poll"}},
        {"boxoffice-chaos", BOXOFFICE_CHAOS_BIN, {"--fault", "--fault-cmd", "--fault-at", "--store-loses-holds"}},
        {"boxoffice-bench-bookings", BOXOFFICE_BENCH_BOOKINGS_BIN, {"--base", "--show", "--workers", "--seconds"}},
        {"boxoffice-bench-verify", BOXOFFICE_BENCH_VERIFY_BIN, {"--pg", "--buyers", "--connections", "--every-user"}},
    };
    return all;
}

std::string firstLine(const std::string& text) {
    return text.substr(0, text.find('\n'));
}

TEST(LoadCliUsage, HelpOnStdoutListsTheFlags) {
    for (const auto& p : programs()) {
        for (const char* flag : {"--help", "-h"}) {
            auto r = run(p.binary, flag);
            EXPECT_EQ(r.exitCode, 0) << p.name << " " << flag;
            EXPECT_EQ(r.err, "") << p.name << " " << flag;
            // The Dockerfile checks the harness's help this way.
            EXPECT_EQ(r.out.rfind(p.name + ": ", 0), 0u) << p.name << "\n" << r.out;
            EXPECT_NE(r.out.find("Usage: " + p.name + " [OPTIONS]"), std::string::npos) << r.out;
            for (const auto& f : p.flags) EXPECT_NE(r.out.find(f + " "), std::string::npos) << p.name << " " << f;
            EXPECT_NE(r.out.find("--version"), std::string::npos) << p.name;
        }
    }
}

TEST(LoadCliUsage, VersionIsTheProjectVersion) {
    for (const auto& p : programs()) {
        auto r = run(p.binary, "--version");
        EXPECT_EQ(r.exitCode, 0) << p.name;
        EXPECT_EQ(r.err, "") << p.name;
        EXPECT_EQ(r.out, p.name + " " + BOXOFFICE_VERSION + "\n");
    }
}

TEST(LoadCliUsage, AnUnknownFlagIsAUsageErrorNamingIt) {
    for (const auto& p : programs()) {
        auto r = run(p.binary, "--bogus-flag 1");
        EXPECT_EQ(r.exitCode, 2) << p.name;
        EXPECT_EQ(r.out, "") << p.name;
        EXPECT_EQ(firstLine(r.err).rfind(p.name + ": ", 0), 0u) << r.err;
        EXPECT_NE(firstLine(r.err).find("--bogus-flag"), std::string::npos) << r.err;
        EXPECT_NE(r.err.find("Usage: " + p.name + " [OPTIONS]"), std::string::npos) << "the help follows\n" << r.err;
    }
}

TEST(LoadCliUsage, AFlagWithoutItsValueIsAUsageError) {
    for (const auto& p : programs()) {  // every one of them has --seats
        auto r = run(p.binary, "--seats");
        EXPECT_EQ(r.exitCode, 2) << p.name;
        EXPECT_EQ(r.out, "") << p.name;
        EXPECT_NE(firstLine(r.err).find("--seats"), std::string::npos) << p.name << "\n" << r.err;
        auto bad = run(p.binary, "--seats=ten");
        EXPECT_EQ(bad.exitCode, 2) << p.name;
        EXPECT_NE(firstLine(bad.err).find("--seats"), std::string::npos) << p.name << "\n" << bad.err;
        EXPECT_NE(firstLine(bad.err).find("ten"), std::string::npos) << p.name << "\n" << bad.err;
    }
}

// Numbers mean what they say: CLI11 alone would read 0x10 as 16 and 010 as 8.
TEST(LoadCliUsage, NumbersAreWholeDecimalNumbers) {
    for (const auto& p : programs()) {
        for (const char* value : {"0x10", "1e3", "-5"}) {
            auto r = run(p.binary, std::string("--seats=") + value);
            EXPECT_EQ(r.exitCode, 2) << p.name << " " << value;
            EXPECT_NE(firstLine(r.err).find("--seats"), std::string::npos) << p.name << "\n" << r.err;
        }
    }
}

TEST(LoadCliUsage, TheHarnessChecksTheScenarioBeforeAnyRequest) {
    auto r = run(BOXOFFICE_LOAD_BIN, "--preset ci --base http://127.0.0.1:1");  // no secret in the environment
    EXPECT_EQ(r.exitCode, 2);
    EXPECT_EQ(r.err, "boxoffice-load: give --secret (or BOXOFFICE_JWT_SECRET) to mint tokens, or --tokens FILE\n");
    auto group = run(BOXOFFICE_LOAD_BIN, "--preset ci --group=0-7 --secret s");
    EXPECT_EQ(group.exitCode, 2);
    EXPECT_EQ(firstLine(group.err), "boxoffice-load: --group '0-7': a group size or range within 1-6, e.g. 2 or 1-4");
}

TEST(LoadCliUsage, ChaosNeedsTheServiceAndItsDatabase) {
    auto r = run(BOXOFFICE_CHAOS_BIN, "--base http://127.0.0.1:1 --secret s");
    EXPECT_EQ(r.exitCode, 2);
    EXPECT_EQ(firstLine(r.err), "boxoffice-chaos: --base and --pg are required");
    auto d = run(BOXOFFICE_CHAOS_BIN, "--fault-at 2x --base http://127.0.0.1:1 --pg p --secret s");
    EXPECT_EQ(d.exitCode, 2);
    EXPECT_EQ(firstLine(d.err), "boxoffice-chaos: --fault-at: not a duration: 2x");
}

}  // namespace
