#pragma once
// The outbox relay: claims due rows (a lease, so many relays share one database), sends them in
// batches, and marks a row sent only after the queue acknowledged that entry. At-least-once:
// a relay killed mid-batch leaves its rows claimed until the lease runs out, then they go out
// again - at most one claim's worth of duplicates, each carrying its outbox id.
#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <random>
#include <string>
#include <thread>

#include "domain/clock.hpp"
#include "messaging/outbox_store.hpp"
#include "messaging/publisher.hpp"
#include "metrics/metrics.hpp"

namespace boxoffice::messaging {

struct RelaySettings {
    int claimSize = 50;                            // rows per claim (sent in batches of 10)
    std::chrono::milliseconds pollInterval{200};   // pause when nothing is due
    std::chrono::milliseconds lease{60'000};       // a claim's lifetime: longer than a claim takes to send
    int maxAttempts = 10;                          // failed attempts of one row before it is parked
    std::chrono::milliseconds backoffBase{200};    // first retry delay (rows and the relay itself)
    std::chrono::milliseconds backoffMax{60'000};  // the longest delay
    std::chrono::milliseconds retention{7LL * 24 * 3600 * 1000};  // sent rows are pruned after this
    std::chrono::milliseconds pruneInterval{60'000};
    std::chrono::milliseconds sampleInterval{0};  // 0: no sampling hook
};

/// What one round did (tests drive rounds directly).
struct RoundResult {
    int claimed = 0;
    int sent = 0;
    int failed = 0;
    int parked = 0;
    bool callFailed = false;  // the store or the queue could not be reached: the relay backs off
};

class OutboxRelay {
public:
    /// `sample`, when set, runs every sampleInterval on the relay's thread (the outbox gauges
    /// in `boxoffice relay`, where no state sampler runs).
    OutboxRelay(OutboxStore& store, MessagePublisher& publisher, const Clock& clock, const metrics::RelayMetrics& m,
                RelaySettings settings, std::string relayId, std::function<void()> sample = {});
    ~OutboxRelay();
    OutboxRelay(const OutboxRelay&) = delete;
    OutboxRelay& operator=(const OutboxRelay&) = delete;

    void start();
    /// Returns within one call deadline: a batch in flight finishes (and is recorded) first.
    void stop();
    RoundResult runOnce();
    /// Deletes sent rows older than the retention period (bounded per call).
    void pruneOnce();

private:
    void loop();
    void sendChunk(const std::vector<OutboxRow>& rows, const std::vector<OutgoingMessage>& messages,
                   const std::string& token, RoundResult& round, bool single);
    void failRow(const std::string& token, const OutboxRow& row, FailureReason reason, const std::string& error,
                 RoundResult& round, bool forcePark = false);
    double random01();
    bool waitFor(std::chrono::milliseconds d);  // false when stopping

    OutboxStore& store_;
    MessagePublisher& publisher_;
    const Clock& clock_;
    const metrics::RelayMetrics& m_;
    RelaySettings s_;
    std::string relayId_;
    std::function<void()> sample_;
    std::mt19937_64 rng_;
    unsigned long long claims_ = 0;
    int consecutiveFailures_ = 0;
    std::mutex mu_;
    std::condition_variable cv_;
    bool stopping_ = false;
    std::thread thread_;
};

}  // namespace boxoffice::messaging
