#include "messaging/outbox_relay.hpp"

#include "messaging/backoff.hpp"
#include "messaging/envelope.hpp"
#include "util/log.hpp"
#include "util/redact.hpp"

namespace boxoffice::messaging {
namespace {

double wallSeconds() {
    return std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
}

std::vector<std::string> idsOf(const std::vector<OutboxRow>& rows, std::size_t from = 0) {
    std::vector<std::string> ids;
    for (std::size_t i = from; i < rows.size(); ++i) ids.push_back(rows[i].id);
    return ids;
}

}  // namespace

OutboxRelay::OutboxRelay(OutboxStore& store, MessagePublisher& publisher, const Clock& clock,
                         const metrics::RelayMetrics& m, RelaySettings settings, std::string relayId,
                         std::function<void()> sample)
    : store_(store),
      publisher_(publisher),
      clock_(clock),
      m_(m),
      s_(settings),
      relayId_(std::move(relayId)),
      sample_(std::move(sample)),
      rng_(std::random_device{}()) {}

OutboxRelay::~OutboxRelay() {
    stop();
}

void OutboxRelay::start() {
    std::lock_guard lock(mu_);
    if (thread_.joinable()) return;
    stopping_ = false;
    thread_ = std::thread([this] { loop(); });
}

void OutboxRelay::stop() {
    {
        std::lock_guard lock(mu_);
        stopping_ = true;
    }
    cv_.notify_all();
    if (thread_.joinable()) thread_.join();
}

bool OutboxRelay::waitFor(std::chrono::milliseconds d) {
    std::unique_lock lock(mu_);
    cv_.wait_for(lock, d, [this] { return stopping_; });
    return !stopping_;
}

double OutboxRelay::random01() {
    return std::uniform_real_distribution<double>(0.0, 1.0)(rng_);
}

void OutboxRelay::loop() {
    using Steady = std::chrono::steady_clock;
    auto nextPrune = Steady::now();
    auto nextSample = Steady::now();
    for (;;) {
        {
            std::lock_guard lock(mu_);
            if (stopping_) return;
        }
        const RoundResult r = runOnce();
        const auto now = Steady::now();
        if (sample_ && s_.sampleInterval.count() > 0 && now >= nextSample) {
            sample_();
            nextSample = now + s_.sampleInterval;
        }
        if (now >= nextPrune) {
            pruneOnce();
            nextPrune = now + s_.pruneInterval;
        }
        std::chrono::milliseconds pause{0};
        if (r.callFailed)
            pause = backoffDelay(std::max(consecutiveFailures_, 1), s_.backoffBase, s_.backoffMax, random01());
        else if (r.claimed < s_.claimSize)
            pause = s_.pollInterval;
        if (pause.count() > 0 && !waitFor(pause)) return;
    }
}

RoundResult OutboxRelay::runOnce() {
    RoundResult round;
    const EpochMs now = clock_.nowMs();
    const std::string token = relayId_ + "-" + std::to_string(++claims_);
    auto claimed = store_.claim(token, s_.claimSize, now, now + s_.lease.count());
    if (!claimed) {
        ++consecutiveFailures_;
        log::warn("outbox claim failed",
                  {{"error", claimed.error().detail}, {"internal", util::redactSecrets(claimed.error().internal)}});
        round.callFailed = true;
        return round;
    }
    const std::vector<OutboxRow>& rows = *claimed;
    round.claimed = static_cast<int>(rows.size());

    std::vector<OutboxRow> sendable;
    std::vector<OutgoingMessage> messages;
    for (const auto& row : rows) {
        auto m = messageOf(row);
        if (!m) {
            failRow(token, row, FailureReason::Rejected, m.error().internal, round, true);  // never publishable
            continue;
        }
        if (MessagePublisher::messageBytes(*m) > publisher_.maxBatchBytes()) {
            failRow(token, row, FailureReason::TooLarge, "message of " + std::to_string(m->body.size()) + " bytes",
                    round, true);
            continue;
        }
        sendable.push_back(row);
        messages.push_back(std::move(m).value());
    }

    std::size_t i = 0;
    while (i < sendable.size()) {
        std::size_t j = i, bytes = 0;
        while (j < sendable.size() && j - i < publisher_.maxBatchEntries() &&
               bytes + MessagePublisher::messageBytes(messages[j]) <= publisher_.maxBatchBytes()) {
            bytes += MessagePublisher::messageBytes(messages[j]);
            ++j;
        }
        sendChunk(std::vector<OutboxRow>(sendable.begin() + static_cast<std::ptrdiff_t>(i),
                                         sendable.begin() + static_cast<std::ptrdiff_t>(j)),
                  std::vector<OutgoingMessage>(messages.begin() + static_cast<std::ptrdiff_t>(i),
                                               messages.begin() + static_cast<std::ptrdiff_t>(j)),
                  token, round, false);
        if (round.callFailed) {
            // The queue is unreachable: give the rest of the claim back now rather than at lease end.
            if (j < sendable.size()) (void)store_.release(token, idsOf(sendable, j), now, "not attempted");
            break;
        }
        i = j;
    }
    return round;
}

void OutboxRelay::sendChunk(const std::vector<OutboxRow>& rows, const std::vector<OutgoingMessage>& messages,
                            const std::string& token, RoundResult& round, bool single) {
    const auto started = std::chrono::steady_clock::now();
    const BatchOutcome outcome = publisher_.sendBatch(messages);
    m_.batchDuration->Observe(std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count());

    if (!outcome.answered) {
        if (outcome.reason == FailureReason::Rejected || outcome.reason == FailureReason::TooLarge) {
            if (!single && rows.size() > 1) {
                // One bad entry can make the queue refuse a whole batch: find it by sending alone.
                for (std::size_t k = 0; k < rows.size(); ++k) {
                    sendChunk({rows[k]}, {messages[k]}, token, round, true);
                    if (round.callFailed) {
                        std::vector<std::string> rest;
                        for (std::size_t r = k + 1; r < rows.size(); ++r) rest.push_back(rows[r].id);
                        (void)store_.release(token, rest, clock_.nowMs(), "not attempted");
                        return;
                    }
                }
                return;
            }
            failRow(token, rows.front(), outcome.reason, outcome.error, round);
            return;
        }
        ++consecutiveFailures_;
        m_.failures[static_cast<std::size_t>(outcome.reason)]->Increment(static_cast<double>(rows.size()));
        const auto delay = backoffDelay(consecutiveFailures_, s_.backoffBase, s_.backoffMax, random01());
        (void)store_.release(token, idsOf(rows), clock_.nowMs() + delay.count(), outcome.error);
        log::warn("outbox batch not sent", {{"reason", failureReasonName(outcome.reason)},
                                            {"error", util::redactSecrets(outcome.error)},
                                            {"messages", rows.size()},
                                            {"retryInMs", delay.count()}});
        round.callFailed = true;
        return;
    }
    consecutiveFailures_ = 0;
    std::vector<std::string> sent;
    for (std::size_t k = 0; k < rows.size(); ++k) {
        const EntryOutcome& e = outcome.entries[k];
        if (e.ok)
            sent.push_back(rows[k].id);
        else
            failRow(token, rows[k], e.reason, e.error, round);
    }
    if (sent.empty()) return;
    auto marked = store_.markSent(sent, clock_.nowMs());
    if (!marked) {
        // Sent but not recorded: the lease runs out and they go out again (consumers dedup by id).
        log::error("outbox rows sent but not marked",
                   {{"messages", sent.size()}, {"internal", util::redactSecrets(marked.error().internal)}});
    }
    m_.published->Increment(static_cast<double>(sent.size()));
    m_.lastSuccess->Set(wallSeconds());
    round.sent += static_cast<int>(sent.size());
}

void OutboxRelay::failRow(const std::string& token, const OutboxRow& row, FailureReason reason,
                          const std::string& error, RoundResult& round, bool forcePark) {
    const int attempts = row.attempts + 1;
    // Throttling and the queue's own faults say nothing about the row: only the queue refusing
    // the row itself leads to parking, and a row too large to ever fit is parked at once.
    const bool park =
        forcePark || reason == FailureReason::TooLarge ||
        (attempts >= s_.maxAttempts && (reason == FailureReason::Rejected || reason == FailureReason::BadResponse));
    const EpochMs now = clock_.nowMs();
    const auto delay = backoffDelay(attempts, s_.backoffBase, s_.backoffMax, random01());
    auto r = store_.markFailed(token, row.id, std::string(failureReasonName(reason)) + ": " + error,
                               now + delay.count(), park, now);
    if (!r) log::warn("outbox row failure not recorded", {{"internal", util::redactSecrets(r.error().internal)}});
    m_.failures[static_cast<std::size_t>(reason)]->Increment();
    ++round.failed;
    if (park) {
        m_.parked->Increment();
        ++round.parked;
        log::warn("outbox message parked", {{"outboxId", row.id},
                                            {"eventType", row.eventType},
                                            {"attempts", attempts},
                                            {"reason", failureReasonName(reason)}});
    }
}

void OutboxRelay::pruneOnce() {
    const EpochMs before = clock_.nowMs() - s_.retention.count();
    for (int round = 0; round < 20; ++round) {
        auto n = store_.prune(before, 1000);
        if (!n) {
            log::warn("outbox prune failed", {{"internal", util::redactSecrets(n.error().internal)}});
            return;
        }
        m_.pruned->Increment(static_cast<double>(*n));
        if (*n < 1000) return;
    }
}

}  // namespace boxoffice::messaging
