#include "harness/presets.hpp"

namespace boxoffice::load {

std::vector<std::string> presetNames() {
    return {"demo", "ci", "stress", "race"};
}

std::optional<Scenario> preset(const std::string& name) {
    Scenario s;
    s.preset = name;
    using std::chrono::milliseconds;
    if (name == "demo") {
        // 4 users per seat, all in the opening second; some walk away so expiry is verified.
        s.seats = 5000;
        s.users = 20000;
        s.groupMin = 1, s.groupMax = 4;
        s.choices = {{SeatChoice::Random, 0.6}, {SeatChoice::Best, 0.2}, {SeatChoice::Front, 0.2}};
        s.abandonHold = 0.04, s.abandonOrder = 0.03, s.cancel = 0.02;
        // A few payments fail and a few buyers refund: their seats go back on sale at once, and the
        // buyers still arriving take them.
        s.payFail = 0.02, s.refund = 0.02;
        s.payDelayMin = milliseconds{200}, s.payDelayMax = milliseconds{1500};
        s.connections = 2000;
    } else if (name == "ci") {
        s.seats = 500;
        s.users = 2000;
        s.groupMin = 1, s.groupMax = 4;
        s.choices = {{SeatChoice::Random, 0.5}, {SeatChoice::Best, 0.25}, {SeatChoice::Front, 0.25}};
        s.abandonHold = 0.05, s.abandonOrder = 0.05, s.cancel = 0.05;
        s.payFail = 0.03, s.refund = 0.03;
        s.payDelayMin = milliseconds{0}, s.payDelayMax = milliseconds{300};
        s.connections = 500;
    } else if (name == "stress") {
        // The benchmark: 5 users per seat within the first second, nobody abandons, no think time.
        s.seats = 20000;
        s.users = 100000;
        s.groupMin = 1, s.groupMax = 4;
        s.choices = {{SeatChoice::Random, 1.0}};
        // Persistent buyers (nobody abandons): the verifier then expects a sell-out.
        s.retries = 10;
        s.refetchOnConflict = false;
        s.payDelayMin = milliseconds{0}, s.payDelayMax = milliseconds{0};
        s.connections = 4000;
    } else if (name == "race") {
        // Everyone wants the one seat: exactly one may get it.
        s.seats = 1;
        s.users = 500;
        s.groupMin = 1, s.groupMax = 1;
        s.choices = {{SeatChoice::Same, 1.0}};
        s.retries = 0;
        s.payDelayMin = milliseconds{0}, s.payDelayMax = milliseconds{0};
        s.connections = 500;
    } else {
        return std::nullopt;
    }
    return s;
}

}  // namespace boxoffice::load
