// The `boxoffice` command line as a user meets it before any configuration is read: --help on every
// subcommand (exit 0, stdout), --version, and usage errors (exit 2, one line and a hint on stderr).
// The binary is run with an empty environment: nothing here may depend on BOXOFFICE_* settings.
#include <gtest/gtest.h>

#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include "support/program_run.hpp"

namespace {

using Run = boxoffice::testing::ProgramRun;

Run boxoffice(const std::string& args, const std::string& env = "") {
    return boxoffice::testing::runProgram(BOXOFFICE_BIN, args, env);
}

std::vector<std::string> lines(const std::string& text) {
    std::vector<std::string> out;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);) out.push_back(line);
    return out;
}

TEST(CliUsage, TopLevelHelpListsEverySubcommandOnStdout) {
    for (const char* flag : {"--help", "-h", "help"}) {
        auto r = boxoffice(flag);
        EXPECT_EQ(r.exitCode, 0) << flag;
        EXPECT_EQ(r.err, "") << flag;
        EXPECT_NE(r.out.find("Usage: boxoffice [OPTIONS] [SUBCOMMAND]"), std::string::npos) << flag << "\n" << r.out;
        for (const char* sub : {"serve", "relay", "migrate", "seed", "token"})
            EXPECT_TRUE(std::regex_search(r.out, std::regex(std::string("\n  ") + sub + " +[a-z]"))) << sub << r.out;
        EXPECT_EQ(r.out.find("\n  help"), std::string::npos) << "the `help` command is not listed\n" << r.out;
    }
}

TEST(CliUsage, EverySubcommandHasItsOwnHelp) {
    struct Case {
        std::string command;
        std::string usage;
        std::vector<std::string> mentions;
    };
    const std::vector<Case> cases = {
        {"serve", "Usage: boxoffice serve [OPTIONS]\n", {"BOXOFFICE_SQS_QUEUE_URL"}},
        {"relay", "Usage: boxoffice relay [OPTIONS]\n", {"BOXOFFICE_METRICS_PORT"}},
        {"migrate", "Usage: boxoffice migrate [OPTIONS] [SUBCOMMAND]\n", {"up", "down", "status"}},
        {"migrate up", "Usage: boxoffice migrate up [OPTIONS]\n", {}},
        {"migrate down", "Usage: boxoffice migrate down [OPTIONS] N\n", {"at least 1", "REQUIRED"}},
        {"migrate status", "Usage: boxoffice migrate status [OPTIONS]\n", {}},
        {"seed", "Usage: boxoffice seed [OPTIONS]\n", {"--demo REQUIRED", "--seats", "=20000"}},
        {"token", "Usage: boxoffice token [OPTIONS]\n", {"--user", "--role", "--ttl", "--count"}},
    };
    for (const auto& c : cases) {
        for (const char* flag : {" --help", " -h"}) {
            auto r = boxoffice(c.command + flag);
            EXPECT_EQ(r.exitCode, 0) << c.command << flag;
            EXPECT_EQ(r.err, "") << c.command << flag;
            EXPECT_NE(r.out.find(c.usage), std::string::npos) << c.command << flag << "\n" << r.out;
            for (const auto& word : c.mentions) EXPECT_NE(r.out.find(word), std::string::npos) << word << "\n" << r.out;
        }
    }
}

TEST(CliUsage, VersionNamesTheVersionAndCommit) {
    auto r = boxoffice("--version");
    EXPECT_EQ(r.exitCode, 0);
    EXPECT_EQ(r.err, "");
    const std::regex format("boxoffice " + std::regex_replace(BOXOFFICE_VERSION, std::regex("\\."), "\\.") +
                            " \\(commit ([0-9a-f]{12}|unknown)\\)\n");
    EXPECT_TRUE(std::regex_match(r.out, format)) << r.out;
}

TEST(CliUsage, UsageErrorsExitTwoWithOneLineAndAHint) {
    struct Case {
        std::string args;
        std::string message;  // part of the first line
        std::string hintFor;  // the command whose --help is suggested
    };
    const std::vector<Case> cases = {
        {"frobnicate", "frobnicate", "boxoffice"},
        {"--bogus", "--bogus", "boxoffice"},
        {"serve extra", "extra", "boxoffice serve"},
        {"serve relay", "relay", "boxoffice serve"},
        {"relay --port 1", "--port", "boxoffice relay"},
        {"migrate sideways", "sideways", "boxoffice migrate"},
        {"migrate up 3", "3", "boxoffice migrate up"},
        {"migrate down", "N is required", "boxoffice migrate down"},
        {"migrate down 5x", "N: must be a whole number, not '5x'", "boxoffice migrate down"},
        {"migrate down 0", "N: Value 0 not in range", "boxoffice migrate down"},
        {"migrate down -1", "N: must be a whole number", "boxoffice migrate down"},
        {"migrate down 99999999999", "N: Value 99999999999 not in range", "boxoffice migrate down"},
        {"seed", "--demo is required", "boxoffice seed"},
        {"seed --demo --seats 200001", "--seats: Value 200001 not in range 1 to 200000", "boxoffice seed"},
        {"seed --demo --seats 0x10", "--seats: must be a whole number", "boxoffice seed"},
        {"seed --demo --seats", "--seats", "boxoffice seed"},
        {"token", "--user is required", "boxoffice token"},
        {"token --user ''", "--user: 1 to 128 characters", "boxoffice token"},
        {"token --user " + std::string(129, 'u'), "--user: 1 to 128 characters", "boxoffice token"},
        {"token --user a --role root", "--role: must be user, staff or admin", "boxoffice token"},
        {"token --user a --ttl 500ms", "--ttl: must be a duration of at least 1s", "boxoffice token"},
        {"token --user a --count 1x", "--count: must be a whole number", "boxoffice token"},
    };
    for (const auto& c : cases) {
        auto r = boxoffice(c.args);
        EXPECT_EQ(r.exitCode, 2) << c.args;
        EXPECT_EQ(r.out, "") << c.args;
        const auto err = lines(r.err);
        ASSERT_EQ(err.size(), 2u) << c.args << "\n" << r.err;
        EXPECT_EQ(err[0].rfind("boxoffice: ", 0), 0u) << c.args << "\n" << r.err;
        EXPECT_NE(err[0].find(c.message), std::string::npos) << c.args << "\n" << r.err;
        EXPECT_EQ(err[1], "Run '" + c.hintFor + " --help' for usage.") << c.args;
    }
}

TEST(CliUsage, NoSubcommandPrintsTheUsageAsAnError) {
    auto r = boxoffice("");
    EXPECT_EQ(r.exitCode, 2);
    EXPECT_EQ(r.out, "");
    EXPECT_NE(r.err.find("Usage: boxoffice [OPTIONS] [SUBCOMMAND]"), std::string::npos) << r.err;
}

TEST(CliUsage, ArgumentsAreCheckedBeforeTheConfiguration) {
    // A usage error is reported as such even when the configuration is wrong too.
    auto r = boxoffice("migrate down 5x", "BOXOFFICE_PORT=eighty");
    EXPECT_EQ(r.exitCode, 2);
    EXPECT_NE(r.err.find("must be a whole number"), std::string::npos) << r.err;
    EXPECT_EQ(r.err.find("BOXOFFICE_PORT"), std::string::npos) << r.err;
    // And a valid command line still reads it.
    auto bad = boxoffice("migrate status", "BOXOFFICE_PORT=eighty");
    EXPECT_EQ(bad.exitCode, 2);
    EXPECT_NE(bad.err.find("BOXOFFICE_PORT"), std::string::npos) << bad.err;
}

}  // namespace
