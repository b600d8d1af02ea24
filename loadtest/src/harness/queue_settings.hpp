#pragma once
// How the crowd meets a show's waiting room (issue 16): off, the show's own room (`--queue`), or a
// room the harness turns on itself as admin (`--waiting-room rate:N|active:N`), and how a queued
// user polls its place. Pure: the settings and their parsing, no I/O.

#include <chrono>
#include <optional>
#include <string>

namespace boxoffice::load {

enum class QueueMode {
    Off,        // no queue: users hold straight away (a show with a room on answers them 403)
    Existing,   // the show already has a room on: join it, as it is
    Configure,  // turn the show's room on (PUT /v1/shows/{id}/waiting-room), opening after the crowd joined
};

struct QueueSettings {
    QueueMode mode = QueueMode::Off;
    long long admitRate = 0;  // Configure: people per second, or
    long long maxActive = 0;  // admitted shoppers inside their window at most (exactly one is set)
    std::chrono::milliseconds shoppingWindow{60'000};  // Configure: admission to the last hold allowed
    std::chrono::milliseconds admissionTtl{30'000};    // Configure: lifetime of one admission token
    // Configure: the room opens this long after the last planned arrival, so every user joins the
    // pre-queue and is shuffled at the opening.
    std::chrono::milliseconds lead{1'000};
    // Polling GET .../queue/me: half the service's estimated wait, within [pollMin, pollMax]; the
    // pre-queue polls just after the opening (when the harness knows it), else every pollMin.
    std::chrono::milliseconds pollMin{1'000}, pollMax{5'000};
    // A user still not admitted this long after joining leaves (outcome never_admitted).
    std::chrono::milliseconds giveUp{600'000};
    // Testing the verifier: this share of queued users send their first hold without the admission
    // header (the service must refuse it; the verifier must report it).
    double plantTokenless = 0.0;
};

/// True for the settings applyQueueSetting reads: waiting-room, queue, queue-*.
bool isQueueSetting(const std::string& key);

/// Applies one of them (`value` trimmed). Returns why the value is wrong (the caller names the flag).
std::optional<std::string> applyQueueSetting(QueueSettings& q, const std::string& key, const std::string& value);

/// Cross-field checks: poll bounds in order, the room's limits as the service accepts them.
std::optional<std::string> validateQueue(const QueueSettings& q);

/// ", waiting room rate 500/s (window 60 s, tokens 30 s, opens 1 s after the last arrival)", or "".
std::string describeQueue(const QueueSettings& q);

}  // namespace boxoffice::load
