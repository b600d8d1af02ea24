#pragma once
// Checks the final state of a flash sale against what the crowd was told (the Ledger), through the
// API and, when given a PostgreSQL URL, directly in the database (read-only).

#include <chrono>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/base_url.hpp"
#include "verifier/ledger.hpp"

namespace boxoffice::load {

struct VerifyOptions {
    std::string baseUrl;      // the service, e.g. http://127.0.0.1:8080
    std::string postgresUrl;  // optional: direct read-only checks in the database
    std::string metricsUrl;   // optional: the service's /metrics, compared with the Ledger's counts
    TlsOptions tls;           // for https:// base and metrics URLs
    // Longest wait for abandoned holds and pending orders to expire before the capacity checks
    // (0: do not wait; the capacity checks then only report).
    std::chrono::milliseconds expiryWait{0};
    // How long past its window an order may still show PAYMENT_PENDING (sweeper interval + slack).
    std::chrono::milliseconds pendingGrace{5000};
    // Optional: a scrape of metricsUrl taken just before the sale, so the check compares what the
    // sale added (empty: the counters are compared as they are, i.e. on a fresh service).
    std::string metricsBefore;
    // Concurrent keep-alive connections for reading every user's orders and tickets.
    int connections = 32;
    // With postgresUrl, the API lists only the owners of ledger orders (the database sees every
    // other order and ticket of the show); true lists every user of tokenOf anyway. Without
    // postgresUrl every user is always listed.
    bool listEveryUser = false;
    // Admins' bearer tokens: the payment records (GET /v1/orders/{id}/payments) are read with them,
    // in turn, since each admin's reads are rate-limited like any user's (50/s by default); none:
    // the payment checks are skipped.
    std::vector<std::string> adminTokens;
};

/// A broken invariant, naming what is involved so a human can look.
struct Violation {
    std::string check;  // the check's name, e.g. "no-seat-in-two-active-orders"
    std::string message;
    std::vector<std::string> seats;
    std::vector<std::string> orders;
};

struct CheckResult {
    std::string name;
    enum class Outcome { Passed, Failed, Skipped } outcome = Outcome::Skipped;
    std::string detail;  // figures or the reason it was skipped
};

struct Verification {
    std::vector<CheckResult> checks;
    std::vector<Violation> violations;
    bool ok() const { return violations.empty(); }
};

/// Runs every check that the options allow; never throws for a broken invariant (it is a Violation),
/// only for a service or database that cannot be read at all.
Verification verify(const Ledger& ledger, const VerifyOptions& options);

nlohmann::json toJson(const Verification& v);

}  // namespace boxoffice::load
