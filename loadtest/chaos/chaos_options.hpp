#pragma once
// boxoffice-chaos's flags: the fault, the service it breaks, the sale and what the checks assume of
// the service's configuration.

#include <chrono>
#include <optional>
#include <string>
#include <vector>

namespace boxoffice::load::chaos {

struct Options {
    std::string fault = "none";
    std::string faultCmd;
    std::chrono::milliseconds faultAt{2500};
    std::string baseUrl, postgresUrl, secret;
    long long seats = 1000, users = 600;
    std::chrono::milliseconds arriveOver{8000};
    int groupMin = 1, groupMax = 2;
    double holdKeyShare = 0.3;
    int connections = 128;
    // Above the service's 3 s wait for a key in progress, so a retry sees its 409 rather than a timeout.
    std::chrono::milliseconds timeout{5000};
    std::chrono::milliseconds retryBudget{15000};
    std::chrono::milliseconds grace{2000};
    std::chrono::milliseconds holdTtl{4000}, paymentWindow{4000}, sweep{250}, seatmapTtl{250};
    bool holdsWithoutPostgres = false;      // the fault leaves Redis alone: holds must not fail
    bool storeLosesHolds = false;           // the fault loses Redis data: holds granted before it may be gone
    std::chrono::milliseconds failFast{0};  // > 0: p99 of holds and seat-map reads during the fault
    unsigned long long seed = 0;
};

/// Reads the command line (without argv[0]) into o, with CLI11. nullopt: run; otherwise exit with
/// the value returned, after --help / --version on stdout (0) or a usage error on stderr (2).
std::optional<int> parseCommandLine(Options& o, const std::vector<std::string>& args);

}  // namespace boxoffice::load::chaos
