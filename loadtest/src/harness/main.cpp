// boxoffice-load: a flash sale against a running boxoffice, then a verification that nothing was
// oversold, lost or stranded. Composition root: parse the scenario, run, exit with the verdict.
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <sstream>

#include <sys/resource.h>

#include "harness/command_line.hpp"
#include "harness/flash_sale.hpp"
#include "harness/healthz_bench.hpp"
#include "harness/report.hpp"
#include "harness/scenario.hpp"

namespace {

std::optional<std::string> readFile(const std::string& path) {
    std::ifstream in(path);
    if (!in) return std::nullopt;
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

// Thousands of sockets: lift the soft descriptor limit to the hard one.
void raiseFileLimit() {
    rlimit rl{};
    if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
        rl.rlim_cur = rl.rlim_max;
        setrlimit(RLIMIT_NOFILE, &rl);
    }
}

}  // namespace

int main(int argc, char** argv) {
    using namespace boxoffice::load;
    Scenario s;
    if (const char* secret = std::getenv("BOXOFFICE_JWT_SECRET")) s.secret = secret;
    if (const char* secret = std::getenv("BOXOFFICE_PAYMENTS_DEV_WEBHOOK_SECRET")) s.devWebhookSecret = secret;
    if (auto exit = parseCommandLine(s, {argv + 1, argv + argc}, readFile, std::cout, std::cerr)) return *exit;
    if (s.secret.empty())
        if (const char* secret = std::getenv("BOXOFFICE_JWT_SECRET")) s.secret = secret;
    if (s.devWebhookSecret.empty())
        if (const char* secret = std::getenv("BOXOFFICE_PAYMENTS_DEV_WEBHOOK_SECRET")) s.devWebhookSecret = secret;
    if (s.healthz.count() == 0)
        if (auto e = validate(s)) {
            std::fprintf(stderr, "boxoffice-load: %s\n", e->message.c_str());
            return 2;
        }
    std::signal(SIGPIPE, SIG_IGN);
    raiseFileLimit();
    try {
        if (s.healthz.count() > 0) {
            const RunSummary r = runHealthzBench(s);
            std::printf("%s", reportText(r).c_str());
            if (!s.reportPath.empty()) std::ofstream(s.reportPath) << reportJson(r).dump(2) << "\n";
            if (!s.chartPath.empty()) std::ofstream(s.chartPath) << reportSvg(r);
            return 0;
        }
        return runFlashSale(s);
    } catch (const std::exception& e) {
        std::fprintf(stderr, "boxoffice-load: %s\n", e.what());
        return 2;
    }
}
