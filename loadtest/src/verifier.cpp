#include "verifier.hpp"

namespace boxoffice::load {

Verification verify(const Ledger& ledger, const VerifyOptions& options) {
    (void)ledger;
    (void)options;
    Verification v;
    v.checks.push_back({"not-implemented", CheckResult::Outcome::Skipped, "the verifier is being written"});
    return v;
}

namespace {
const char* outcomeName(CheckResult::Outcome o) {
    switch (o) {
        case CheckResult::Outcome::Passed:
            return "passed";
        case CheckResult::Outcome::Failed:
            return "failed";
        case CheckResult::Outcome::Skipped:
            return "skipped";
    }
    return "skipped";
}
}  // namespace

nlohmann::json toJson(const Verification& v) {
    nlohmann::json checks = nlohmann::json::array();
    for (const auto& c : v.checks)
        checks.push_back({{"name", c.name}, {"outcome", outcomeName(c.outcome)}, {"detail", c.detail}});
    nlohmann::json violations = nlohmann::json::array();
    for (const auto& x : v.violations)
        violations.push_back({{"check", x.check}, {"message", x.message}, {"seats", x.seats}, {"orders", x.orders}});
    return {{"ok", v.ok()}, {"checks", checks}, {"violations", violations}};
}

}  // namespace boxoffice::load
