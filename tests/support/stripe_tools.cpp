#include "support/stripe_tools.hpp"

#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <atomic>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <stdexcept>

namespace boxoffice::testing {
namespace {

struct Run {
    int exitCode = -1;
    std::string out;
};

Run run(const std::string& command) {
    FILE* p = ::popen(command.c_str(), "r");
    if (!p) throw std::runtime_error("cannot run " + command);
    std::array<char, 4096> buf{};
    Run r;
    while (std::fgets(buf.data(), buf.size(), p)) r.out += buf.data();
    const int status = ::pclose(p);
    r.exitCode = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    return r;
}

const std::string& toolsDir() {
    static const std::string dir = [] {
        auto r = run(BOXOFFICE_SOURCE_DIR "/tests/payments/tools.sh");
        if (r.exitCode != 0)
            throw std::runtime_error("tests/payments/tools.sh failed (the npm Stripe tools are not installed)");
        while (!r.out.empty() && (r.out.back() == '\n' || r.out.back() == '\r')) r.out.pop_back();
        return r.out;
    }();
    return dir;
}

}  // namespace

std::string stripeSignatureHeader(const std::string& payload, const std::string& secret, long long unixSeconds) {
    const std::string& tools = toolsDir();
    static std::atomic<int> n{0};
    const auto file = std::filesystem::temp_directory_path() /
                      ("boxoffice-stripe-payload-" + std::to_string(::getpid()) + "-" + std::to_string(++n));
    std::ofstream(file, std::ios::binary) << payload;
    const auto r = run("node " + tools + "/sign-webhook.mjs '" + secret + "' " + std::to_string(unixSeconds) + " " +
                       file.string());
    std::filesystem::remove(file);
    if (r.exitCode != 0 || r.out.rfind("t=", 0) != 0) throw std::runtime_error("stripe signer failed: " + r.out);
    return r.out;
}

StripeApiCheck checkAgainstStripeApi(const std::string& recordingFile) {
    const auto r = run("node " + toolsDir() + "/check-stripe-api.mjs '" + recordingFile + "' 2>&1");
    return {r.exitCode, r.out};
}

}  // namespace boxoffice::testing
