#pragma once
// A flash-sale scenario: who arrives when, what they want, and how they behave. Built from a named
// preset, then a `key = value` config file, then command-line flags (later ones win; the command
// line is read in harness/command_line). Pure: no I/O beyond what the caller hands in.

#include <chrono>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "harness/queue_settings.hpp"

namespace boxoffice::load {

enum class Arrival { Instant, Ramp, Rate, Closed };
// BestAvailable: the user asks the server for `group` adjacent seats (POST /v1/holds with
// `quantity`) instead of choosing from the seat map; the response names the seats held.
enum class SeatChoice { Best, Random, Front, Same, BestAvailable };
// How a buyer pays. Provider: POST /v1/orders/{id}/payment, then the dev provider's signed callback
// (the harness holds its webhook secret), as a real client and provider do. ConfirmPayment: the
// client says it paid (POST /v1/orders/{id}/confirm-payment), for a stack whose dev webhook secret
// the harness is not given (a deployed chart's sale test). Auto: Provider when the secret is known.
enum class PayVia { Auto, Provider, ConfirmPayment };

struct ChoiceWeight {
    SeatChoice choice = SeatChoice::Random;
    double weight = 1.0;
};

struct Scenario {
    std::string preset;                             // the preset it started from ("" = defaults)
    std::string baseUrl = "http://127.0.0.1:8080";  // or https://
    std::string caFile;                             // https: trust this PEM bundle instead of the system CA store
    bool insecure = false;   // https: skip certificate and host name verification (a warning is printed)
    std::string showId;      // sell an existing show; empty = create one with `seats` seats
    long long seats = 1000;  // seats of the show the harness creates
    long long users = 2000;
    Arrival arrival = Arrival::Instant;
    std::chrono::milliseconds window{1000};  // Instant: everyone arrives within this opening window
    std::chrono::milliseconds ramp{10000};   // Ramp: the arrival rate grows linearly over this time
    double rate = 1000;                      // Rate: arrivals per second
    long long concurrency = 256;             // Closed: users active at once, each starts when one ends
    int groupMin = 1, groupMax = 4;          // seats per user, uniform in [min, max] (1-6)
    std::vector<ChoiceWeight> choices{{SeatChoice::Random, 1.0}};
    int frontRows = 2;              // Front: how many of the best rows everyone wants
    int retries = 3;                // further attempts after a conflict, then the user gives up
    bool refetchOnConflict = true;  // re-read availability before retrying (else the last view seen)
    bool liveMap = false;           // follow the live seat map (SSE) instead of re-reading the availability
    double abandonHold = 0.0;       // share of users who hold and walk away (the hold expires)
    double abandonOrder = 0.0;      // share who order and never pay (the order expires)
    double cancel = 0.0;            // share who order and cancel
    PayVia payVia = PayVia::Auto;
    std::string devWebhookSecret;  // Provider: signs the callbacks (BOXOFFICE_PAYMENTS_DEV_WEBHOOK_SECRET)
    double payFail = 0.0;          // share of payers whose payment the callback fails (none with ConfirmPayment)
    double refund = 0.0;           // share of paying buyers who then refund every seat
    QueueSettings queue;           // the waiting room: off, the show's own, or one the harness sets
    std::chrono::milliseconds payDelayMin{0}, payDelayMax{200};
    int connections = 1000;
    int threads = 2;
    std::chrono::milliseconds timeout{30000};  // per request
    // Before the capacity checks: the longest wait for the last expiry the crowd was told of.
    std::chrono::milliseconds expiryWait{120000};
    std::chrono::milliseconds pendingGrace{5000};
    std::string secret;
    std::string tokensFile;
    std::string postgresUrl;
    std::string metricsUrl;
    std::string sqsQueue;     // check that the outbox reached this queue (needs postgresUrl)
    std::string sqsEndpoint;  // its endpoint, when not the queue URL's origin
    std::string sqsRegion;
    std::string reportPath;
    std::string chartPath;
    std::chrono::milliseconds healthz{0};  // > 0: benchmark GET /healthz for this long instead of a sale
    bool progress = true;
    int servicePid = 0;           // > 0: sample the service's CPU and memory (same machine)
    unsigned long long seed = 0;  // 0 = random
};

struct ParseError {
    std::string message;
};

/// Applies one setting (`users`, `arrival`, `group`, ...; the flag name without `--`). Returns an
/// error naming the key and what was wrong.
std::optional<ParseError> applySetting(Scenario& s, const std::string& key, const std::string& value);

/// `key = value` lines, `#` comments, blank lines ignored.
std::optional<ParseError> applyConfig(Scenario& s, const std::string& text);

/// Cross-field checks (shares sum to <= 1, group within 1-6, a secret or tokens, ...).
std::optional<ParseError> validate(const Scenario& s);

/// "250ms", "2s", "1.5m", "1h"; a bare number is milliseconds.
std::optional<std::chrono::milliseconds> parseDuration(const std::string& text);

/// What PayVia::Auto comes to: Provider with a dev webhook secret, else ConfirmPayment.
PayVia effectivePayVia(const Scenario& s);

std::string arrivalName(Arrival a);
std::string choiceName(SeatChoice c);
std::string describe(const Scenario& s);  // one line for the report

}  // namespace boxoffice::load
