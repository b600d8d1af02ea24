// The `boxoffice` executable as an operator runs it: configuration errors, migrate, seed, token,
// serve on the embedded default, and a graceful stop on SIGTERM.
#include <gtest/gtest.h>

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <thread>

#include "support/http_client.hpp"
#include "support/test_env.hpp"

namespace boxoffice::testing {
namespace {

struct Run {
    int exitCode = -1;
    std::string out;
};

Run run(const std::string& command) {
    Run r;
    FILE* p = ::popen((command + " 2>&1").c_str(), "r");
    if (!p) return r;
    std::array<char, 4096> buf{};
    while (std::fgets(buf.data(), buf.size(), p)) r.out += buf.data();
    int status = ::pclose(p);
    r.exitCode = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    return r;
}

const std::string kBin = BOXOFFICE_BIN;

TEST(Cli, BadConfigurationExitsNonZeroWithAClearMessage) {
    auto r = run("env BOXOFFICE_PORT=eighty BOXOFFICE_DB_POOL_WAIT=0 " + kBin + " serve");
    EXPECT_EQ(r.exitCode, 2);
    EXPECT_NE(r.out.find("BOXOFFICE_PORT"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("BOXOFFICE_DB_POOL_WAIT"), std::string::npos) << r.out;
    auto noSecret = run("env BOXOFFICE_DATABASE_URL=postgresql://x@127.0.0.1:1/db " + kBin + " serve");
    EXPECT_EQ(noSecret.exitCode, 2);
    EXPECT_NE(noSecret.out.find("BOXOFFICE_JWT_SECRET"), std::string::npos) << noSecret.out;
    auto unreachable =
        run("env BOXOFFICE_DATABASE_URL=postgresql://x@127.0.0.1:1/db "
            "BOXOFFICE_JWT_SECRET=0123456789012345678901234567890123 " +
            kBin + " serve");
    EXPECT_EQ(unreachable.exitCode, 1) << unreachable.out;
}

TEST(Cli, AMisspeltSettingIsNamedAndSecretFilesAreRead) {
    // The warning comes before the configuration error it explains.
    auto typo =
        run("env BOXOFFICE_DATABASE_URL=postgresql://x@127.0.0.1:1/db BOXOFFICE_JWT_SECRT=x " + kBin + " serve");
    EXPECT_EQ(typo.exitCode, 2) << typo.out;
    const auto warning =
        typo.out.find("BOXOFFICE_JWT_SECRT is not a known setting; did you mean BOXOFFICE_JWT_SECRET?");
    EXPECT_NE(warning, std::string::npos) << typo.out;
    EXPECT_LT(warning, typo.out.find("invalid configuration")) << typo.out;
    auto missing = run("env BOXOFFICE_JWT_SECRET_FILE=/nonexistent/jwt " + kBin + " serve");
    EXPECT_EQ(missing.exitCode, 2) << missing.out;
    EXPECT_NE(missing.out.find("BOXOFFICE_JWT_SECRET_FILE: cannot read the file '/nonexistent/jwt'"), std::string::npos)
        << missing.out;
}

TEST(Cli, MigrateSeedAndTokenOnPostgres) {
    const std::string url = createPgDatabase("cli");
    const std::string env =
        "env BOXOFFICE_DATABASE_URL='" + url + "' BOXOFFICE_JWT_SECRET=0123456789012345678901234567890123 ";
    auto pending = run(env + kBin + " migrate status");
    EXPECT_EQ(pending.exitCode, 0) << pending.out;
    EXPECT_NE(pending.out.find("pending 1 init"), std::string::npos) << pending.out;
    auto up = run(env + kBin + " migrate up");
    EXPECT_EQ(up.exitCode, 0) << up.out;
    EXPECT_NE(run(env + kBin + " migrate status").out.find("applied 1 init"), std::string::npos);
    auto bare = run(env + kBin + " migrate");
    EXPECT_EQ(bare.exitCode, 0) << bare.out;
    EXPECT_NE(bare.out.find("applied 0 migration(s)"), std::string::npos) << "`migrate` alone is `migrate up`\n"
                                                                          << bare.out;
    auto seed = run(env + kBin + " seed --demo");
    EXPECT_EQ(seed.exitCode, 0) << seed.out;
    EXPECT_NE(seed.out.find("00000000-0000-4000-8000-00000000d003"), std::string::npos) << seed.out;
    EXPECT_EQ(run(env + kBin + " seed --demo").exitCode, 0) << "seeding twice reopens the demo";
    auto token = run(env + kBin + " token --user alice --role admin --ttl 2h");
    EXPECT_EQ(token.exitCode, 0);
    EXPECT_EQ(std::count(token.out.begin(), token.out.end(), '.'), 2) << token.out;
    EXPECT_EQ(run(env + kBin + " token --user alice --role root").exitCode, 2);
    auto many = run(env + kBin + " token --user load --count 3 --ttl 90s");
    EXPECT_EQ(many.exitCode, 0) << many.out;
    EXPECT_EQ(std::count(many.out.begin(), many.out.end(), '\n'), 3) << many.out;
    // Every migration reverted, whatever their number.
    EXPECT_EQ(run(env + kBin + " migrate down 1000").exitCode, 0);
    EXPECT_NE(run(env + kBin + " migrate status").out.find("pending 1 init"), std::string::npos);
}

TEST(Cli, ServesTheEmbeddedDefaultAndStopsGracefullyOnSigterm) {
    const auto dir = std::filesystem::temp_directory_path() / ("boxoffice-cli-" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir);
    const int port = freeLoopbackPort();
    const std::string db = (dir / "demo.db").string();
    ASSERT_EQ(run("env BOXOFFICE_SQLITE_PATH=" + db + " " + kBin + " seed --demo").exitCode, 0);

    pid_t pid = ::fork();
    if (pid == 0) {
        ::setenv("BOXOFFICE_SQLITE_PATH", db.c_str(), 1);
        ::setenv("BOXOFFICE_PORT", std::to_string(port).c_str(), 1);
        ::setenv("BOXOFFICE_LISTEN_ADDRESS", "127.0.0.1", 1);
        ::setenv("BOXOFFICE_METRICS_ADDRESS", "127.0.0.1", 1);
        ::setenv("BOXOFFICE_METRICS_PORT", "0", 1);  // tests run in parallel: never the fixed default
        ::setenv("BOXOFFICE_SHUTDOWN_GRACE", "300ms", 1);
        std::freopen((dir / "serve.log").c_str(), "w", stderr);
        ::execl(kBin.c_str(), kBin.c_str(), "serve", static_cast<char*>(nullptr));
        ::_exit(127);
    }
    HttpClient c(port);
    int status = 0;
    for (int i = 0; i < 100 && status != 200; ++i) {
        try {
            status = c.get("/readyz").status;
        } catch (const std::exception&) {
            c.close();
            std::this_thread::sleep_for(std::chrono::milliseconds(50));
        }
    }
    ASSERT_EQ(status, 200);
    auto seatmap = c.get("/v1/shows/00000000-0000-4000-8000-00000000d003/seatmap/availability");
    EXPECT_EQ(seatmap.status, 200);
    EXPECT_EQ(seatmap.json()["counts"]["AVAILABLE"], 20000);

    ::kill(pid, SIGTERM);
    int wstatus = 0;
    pid_t done = 0;
    for (int i = 0; i < 100 && done == 0; ++i) {
        done = ::waitpid(pid, &wstatus, WNOHANG);
        if (done == 0) std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    if (done == 0) ::kill(pid, SIGKILL);
    ASSERT_EQ(done, pid) << "serve did not stop within 10 s of SIGTERM";
    EXPECT_TRUE(WIFEXITED(wstatus) && WEXITSTATUS(wstatus) == 0);
    std::ifstream log(dir / "serve.log");
    std::string text((std::istreambuf_iterator<char>(log)), std::istreambuf_iterator<char>());
    EXPECT_NE(text.find("\"msg\":\"draining\""), std::string::npos) << text;
    EXPECT_NE(text.find("\"msg\":\"stopped\""), std::string::npos) << text;
    std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace boxoffice::testing
