// Recording a check, and the checks of the run itself: 5xx and transport errors, what could be read.
#include "verifier/checks.hpp"

#include <sstream>

#include "verifier/check_helpers.hpp"

namespace boxoffice::load {

using namespace check_helpers;

void record(Verification& v, const std::string& name, CheckOutput out) {
    CheckResult r;
    r.name = name;
    if (out.skipped) {
        r.outcome = CheckResult::Outcome::Skipped;
    } else if (out.violations.empty()) {
        r.outcome = CheckResult::Outcome::Passed;
    } else {
        r.outcome = CheckResult::Outcome::Failed;
        if (out.detail.empty()) out.detail = std::to_string(out.violations.size()) + " violation(s)";
    }
    r.detail = out.detail;
    v.checks.push_back(std::move(r));
    for (auto& x : out.violations) {
        x.check = name;
        v.violations.push_back(std::move(x));
    }
}

CheckOutput checkServerErrors(const Ledger& ledger) {
    CheckOutput out;
    std::vector<std::string> listed;
    for (const auto& [key, count] : ledger.responses) {
        const auto space = key.rfind(' ');
        if (space != std::string::npos && key.size() - space == 4 && key[space + 1] == '5')
            listed.push_back(key + " x" + std::to_string(count));
    }
    std::ostringstream d;
    d << ledger.http5xx << " 5xx, " << ledger.transportErrors << " transport errors";
    if (!listed.empty()) d << " (" << sample(listed) << ")";
    if (ledger.faultsInjected) d << "; faults were injected, so they are only counted";
    out.detail = d.str();
    if (!ledger.faultsInjected && (ledger.http5xx > 0 || ledger.transportErrors > 0)) {
        out.violations.push_back({"", "the service answered " + out.detail + " while no fault was injected", {}, {}});
    }
    return out;
}

CheckOutput checkReadable(const ServerState& state) {
    CheckOutput out;
    out.detail = std::to_string(state.orders.size()) + " orders and " + std::to_string(state.tickets.size()) +
                 " tickets of the show read, listing " + std::to_string(state.usersRead) + " users";
    if (!state.readErrors.empty())
        out.violations.push_back({"",
                                  std::to_string(state.readErrors.size()) +
                                      " reads failed, so the other checks are incomplete: " + sample(state.readErrors),
                                  {},
                                  {}});
    return out;
}

}  // namespace boxoffice::load
