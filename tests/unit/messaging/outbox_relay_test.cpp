// The outbox relay's bookkeeping against a fake store and a fake queue (batches, parking, an
// unreachable queue, a message too large), and the backoff between its attempts.
#include <gtest/gtest.h>

#include <chrono>
#include <set>
#include <string>
#include <vector>

#include "messaging/backoff.hpp"
#include "messaging/outbox_relay.hpp"
#include "messaging/publisher.hpp"
#include "unit/messaging/messaging_support.hpp"

namespace boxoffice::messaging {
namespace {

using std::chrono::milliseconds;

TEST(Backoff, GrowsExponentiallyWithBoundedJitterAndCap) {
    EXPECT_EQ(backoffDelay(1, milliseconds(100), milliseconds(10'000), 0.0), milliseconds(50));
    EXPECT_EQ(backoffDelay(1, milliseconds(100), milliseconds(10'000), 1.0), milliseconds(100));
    EXPECT_EQ(backoffDelay(4, milliseconds(100), milliseconds(10'000), 0.0), milliseconds(400));
    EXPECT_EQ(backoffDelay(4, milliseconds(100), milliseconds(10'000), 1.0), milliseconds(800));
    EXPECT_EQ(backoffDelay(60, milliseconds(100), milliseconds(10'000), 1.0), milliseconds(10'000));
    EXPECT_EQ(backoffDelay(60, milliseconds(100), milliseconds(10'000), 0.0), milliseconds(5'000));
    const auto mid = backoffDelay(3, milliseconds(100), milliseconds(10'000), 0.5);
    EXPECT_GT(mid, milliseconds(200));
    EXPECT_LT(mid, milliseconds(400));
}

// ---- the relay against fakes --------------------------------------------------------------

class FakeStore final : public OutboxStore {
public:
    struct Row {
        OutboxRow row;
        bool sent = false;
        bool parked = false;
        std::string claimedBy;
        EpochMs availableAt = 0;
        std::string lastError;
    };
    std::vector<Row> rows;
    Result<std::vector<OutboxRow>> claim(const std::string& token, int limit, EpochMs now, EpochMs) override {
        std::vector<OutboxRow> out;
        for (auto& r : rows) {
            if (static_cast<int>(out.size()) >= limit) break;
            if (r.sent || r.parked || !r.claimedBy.empty() || r.availableAt > now) continue;
            r.claimedBy = token;
            out.push_back(r.row);
        }
        return out;
    }
    Row* find(const std::string& id) {
        for (auto& r : rows)
            if (r.row.id == id) return &r;
        return nullptr;
    }
    Result<void> markSent(const std::vector<std::string>& ids, EpochMs) override {
        for (const auto& id : ids) {
            find(id)->sent = true;
            find(id)->claimedBy.clear();
        }
        return {};
    }
    Result<void> markFailed(const std::string&, const std::string& id, const std::string& error, EpochMs retryAt,
                            bool park, EpochMs) override {
        Row* r = find(id);
        r->row.attempts++;
        r->parked = park;
        r->availableAt = retryAt;
        r->lastError = error;
        r->claimedBy.clear();
        return {};
    }
    Result<void> release(const std::string&, const std::vector<std::string>& ids, EpochMs retryAt,
                         const std::string&) override {
        for (const auto& id : ids) {
            find(id)->claimedBy.clear();
            find(id)->availableAt = retryAt;
        }
        return {};
    }
    Result<long long> prune(EpochMs, int) override { return 0LL; }
};

class FakeQueue final : public MessagePublisher {
public:
    std::vector<std::vector<OutgoingMessage>> batches;
    bool down = false;
    std::set<std::string> refuse;  // outbox ids the queue refuses (SenderFault)
    BatchOutcome sendBatch(const std::vector<OutgoingMessage>& messages) override {
        batches.push_back(messages);
        BatchOutcome out;
        if (down) {
            out.reason = FailureReason::Transport;
            out.error = "connection refused";
            return out;
        }
        out.answered = true;
        for (const auto& m : messages)
            out.entries.push_back(refuse.count(m.id) ? EntryOutcome{false, FailureReason::Rejected, "bad"}
                                                     : EntryOutcome{true, FailureReason::ServerError, {}});
        return out;
    }
};

struct RelayFixture : ::testing::Test {
    ManualClock clock;
    FakeStore store;
    FakeQueue queue;
    metrics::Metrics metrics{"test", "test"};
    RelaySettings settings;
    void addRows(int n) {
        for (int i = 0; i < n; ++i) {
            OutboxRow r = sampleRow();
            r.id = "row-" + std::to_string(i);
            r.aggregateId = "order-" + std::to_string(i);
            FakeStore::Row row;
            row.row = r;
            store.rows.push_back(row);
        }
    }
    int sentCount() const {
        int n = 0;
        for (const auto& r : store.rows) n += r.sent ? 1 : 0;
        return n;
    }
};

TEST_F(RelayFixture, SendsInBatchesOfTenAndMarksOnlyAcknowledgedRows) {
    addRows(25);
    queue.refuse = {"row-3"};
    settings.claimSize = 50;
    OutboxRelay relay(store, queue, clock, metrics.relay(), settings, "r1");
    auto round = relay.runOnce();
    EXPECT_EQ(round.claimed, 25);
    EXPECT_EQ(round.sent, 24);
    EXPECT_EQ(round.failed, 1);
    ASSERT_EQ(queue.batches.size(), 3u);
    EXPECT_EQ(queue.batches[0].size(), 10u);
    EXPECT_EQ(queue.batches[2].size(), 5u);
    EXPECT_FALSE(store.find("row-3")->sent);
    EXPECT_EQ(store.find("row-3")->row.attempts, 1);
    EXPECT_GT(store.find("row-3")->availableAt, clock.now);  // backed off
    EXPECT_EQ(metrics.relay().published->Value(), 24);
}

TEST_F(RelayFixture, ParksARowAfterMaxAttemptsWithoutBlockingOthers) {
    addRows(3);
    queue.refuse = {"row-0"};
    settings.maxAttempts = 3;
    OutboxRelay relay(store, queue, clock, metrics.relay(), settings, "r1");
    for (int i = 0; i < 3; ++i) {
        clock.now += 10 * 60'000;  // past any backoff
        relay.runOnce();
    }
    EXPECT_TRUE(store.find("row-0")->parked);
    EXPECT_EQ(store.find("row-0")->row.attempts, 3);
    EXPECT_EQ(sentCount(), 2);
    EXPECT_EQ(metrics.relay().parked->Value(), 1);
    clock.now += 10 * 60'000;
    EXPECT_EQ(relay.runOnce().claimed, 0);  // parked rows are never claimed again
}

TEST_F(RelayFixture, UnreachableQueueReleasesTheClaimWithoutCountingAttempts) {
    addRows(15);
    queue.down = true;
    OutboxRelay relay(store, queue, clock, metrics.relay(), settings, "r1");
    auto round = relay.runOnce();
    EXPECT_TRUE(round.callFailed);
    EXPECT_EQ(queue.batches.size(), 1u);  // the second batch is not tried against a dead queue
    for (const auto& r : store.rows) {
        EXPECT_FALSE(r.sent);
        EXPECT_FALSE(r.parked);
        EXPECT_EQ(r.row.attempts, 0);
        EXPECT_TRUE(r.claimedBy.empty());
    }
    queue.down = false;
    clock.now += 10 * 60'000;
    relay.runOnce();
    EXPECT_EQ(sentCount(), 15);
}

TEST_F(RelayFixture, TooLargeMessageIsParkedAtOnce) {
    addRows(2);
    store.rows[0].row.payload = R"({"orderId":"o","big":")" + std::string(300 * 1024, 'x') + "\"}";
    OutboxRelay relay(store, queue, clock, metrics.relay(), settings, "r1");
    auto round = relay.runOnce();
    EXPECT_EQ(round.parked, 1);
    EXPECT_TRUE(store.find("row-0")->parked);
    EXPECT_TRUE(store.find("row-1")->sent);
}

}  // namespace
}  // namespace boxoffice::messaging
