// Pure parts of publishing: backoff, the envelope, SendMessageBatch's request and answer, the
// credential documents, and the relay's bookkeeping against a fake store and a fake queue.
#include <gtest/gtest.h>

#include <map>
#include <set>
#include <nlohmann/json.hpp>

#include "app/config.hpp"
#include "messaging/aws_credentials.hpp"
#include "messaging/backoff.hpp"
#include "messaging/envelope.hpp"
#include "messaging/outbox_relay.hpp"
#include "messaging/sqs_publisher.hpp"

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

OutboxRow sampleRow() {
    OutboxRow r;
    r.id = "11111111-1111-4111-8111-111111111111";
    r.aggregateType = "order";
    r.aggregateId = "22222222-2222-4222-8222-222222222222";
    r.eventType = "order.confirmed";
    r.payload = R"({"orderId":"22222222-2222-4222-8222-222222222222","showId":"s-1","userId":"u-1",)"
                R"("status":"CONFIRMED","seatIds":["A-1-1"],"amount":4500,"currency":"EUR",)"
                R"("expiresAt":"2026-12-01T10:05:00.000Z","tickets":[{"ticketCode":"T1","seatId":"A-1-1"}]})";
    r.headers = R"({"traceparent":"00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"})";
    r.createdAt = 1'764'583'200'000;  // 2025-12-01T10:00:00Z
    r.customerName = "Bob";
    r.customerEmail = "bob@example.com";
    r.customerPhone = "";
    return r;
}

TEST(Envelope, CarriesIdTypeTimeRoutingKeysTraceAndData) {
    auto body = envelopeOf(sampleRow());
    ASSERT_TRUE(body.ok());
    auto j = nlohmann::json::parse(*body);
    EXPECT_EQ(j["id"], "11111111-1111-4111-8111-111111111111");
    EXPECT_EQ(j["type"], "order.confirmed");
    EXPECT_EQ(j["occurredAt"], "2025-12-01T10:00:00.000Z");
    EXPECT_EQ(j["showId"], "s-1");
    EXPECT_EQ(j["orderId"], "22222222-2222-4222-8222-222222222222");
    EXPECT_EQ(j["traceparent"], "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01");
    EXPECT_EQ(j["data"]["amount"], 4500);
    EXPECT_EQ(j["data"]["tickets"][0]["ticketCode"], "T1");
    EXPECT_EQ(j["data"]["customer"]["email"], "bob@example.com");
    EXPECT_FALSE(j["data"]["customer"].contains("phone"));  // empty phone is left out
    EXPECT_FALSE(j["data"].contains("orderId"));            // lifted into the envelope
}

TEST(Envelope, MessageHasOutboxIdAttributeAndOrderGroup) {
    auto m = messageOf(sampleRow());
    ASSERT_TRUE(m.ok());
    EXPECT_EQ(m->id, "11111111-1111-4111-8111-111111111111");
    EXPECT_EQ(m->groupId, "22222222-2222-4222-8222-222222222222");
    std::map<std::string, std::string> attrs(m->attributes.begin(), m->attributes.end());
    EXPECT_EQ(attrs["outboxId"], m->id);
    EXPECT_EQ(attrs["eventType"], "order.confirmed");
}

TEST(Envelope, PayloadThatIsNotAnObjectIsAnError) {
    OutboxRow r = sampleRow();
    r.payload = "[1,2";
    EXPECT_FALSE(envelopeOf(r).ok());
}

class NoCredentials final : public CredentialsFetcher {
public:
    Result<AwsCredentials> fetch() override { return AwsCredentials{"AKID", "secret", "", 0}; }
};

TEST(SqsPublisher, FifoRequestHasGroupAndDedupIds) {
    SystemClock clock;
    CredentialsCache creds(std::make_unique<NoCredentials>(), clock);
    SqsPublisher fifo({"http://127.0.0.1:1/123456789012/orders.fifo", "", "us-east-1"}, creds);
    SqsPublisher standard({"http://127.0.0.1:1/123456789012/orders", "", "us-east-1"}, creds);
    EXPECT_TRUE(fifo.fifo());
    EXPECT_FALSE(standard.fifo());
    auto m = messageOf(sampleRow());
    ASSERT_TRUE(m.ok());
    auto f = nlohmann::json::parse(fifo.requestBody({*m, *m}));
    EXPECT_EQ(f["QueueUrl"], "http://127.0.0.1:1/123456789012/orders.fifo");
    ASSERT_EQ(f["Entries"].size(), 2u);
    EXPECT_EQ(f["Entries"][1]["Id"], "m1");
    EXPECT_EQ(f["Entries"][0]["MessageGroupId"], m->groupId);
    EXPECT_EQ(f["Entries"][0]["MessageDeduplicationId"], m->id);
    EXPECT_EQ(f["Entries"][0]["MessageAttributes"]["outboxId"]["StringValue"], m->id);
    EXPECT_EQ(f["Entries"][0]["MessageAttributes"]["outboxId"]["DataType"], "String");
    auto s = nlohmann::json::parse(standard.requestBody({*m}));
    EXPECT_FALSE(s["Entries"][0].contains("MessageGroupId"));
    EXPECT_FALSE(s["Entries"][0].contains("MessageDeduplicationId"));
}

TEST(SqsPublisher, ReadsPartialFailuresEntryByEntry) {
    const std::string body =
        R"({"Successful":[{"Id":"m0","MessageId":"x"},{"Id":"m2","MessageId":"y"}],)"
        R"("Failed":[{"Id":"m1","SenderFault":true,"Code":"InvalidParameterValue","Message":"bad"},)"
        R"({"Id":"m3","SenderFault":false,"Code":"InternalError","Message":"oops"}]})";
    auto out = SqsPublisher::readResponse(200, body, 5);
    ASSERT_TRUE(out.answered);
    ASSERT_EQ(out.entries.size(), 5u);
    EXPECT_TRUE(out.entries[0].ok);
    EXPECT_FALSE(out.entries[1].ok);
    EXPECT_EQ(out.entries[1].reason, FailureReason::Rejected);
    EXPECT_TRUE(out.entries[2].ok);
    EXPECT_EQ(out.entries[3].reason, FailureReason::ServerError);
    EXPECT_FALSE(out.entries[4].ok);  // no verdict: not acknowledged
}

TEST(SqsPublisher, ClassifiesWholeCallErrors) {
    EXPECT_EQ(SqsPublisher::readResponse(400, R"({"__type":"com.amazonaws.sqs#ThrottlingException"})", 1).reason,
              FailureReason::Throttled);
    EXPECT_EQ(SqsPublisher::readResponse(400, R"({"__type":"com.amazonaws.sqs#QueueDoesNotExist"})", 1).reason,
              FailureReason::QueueMissing);
    EXPECT_EQ(SqsPublisher::readResponse(403, "<Error><Code>SignatureDoesNotMatch</Code></Error>", 1).reason,
              FailureReason::Auth);
    EXPECT_EQ(SqsPublisher::readResponse(503, "", 1).reason, FailureReason::ServerError);
    EXPECT_EQ(SqsPublisher::readResponse(400, R"({"__type":"com.amazonaws.sqs#BatchRequestTooLong"})", 1).reason,
              FailureReason::TooLarge);
    EXPECT_FALSE(SqsPublisher::readResponse(200, "not json", 1).answered);
}

TEST(SqsPublisher, RegionAndOriginFromQueueUrl) {
    EXPECT_EQ(regionFromQueueUrl("https://sqs.eu-west-1.amazonaws.com/123456789012/q"), "eu-west-1");
    EXPECT_EQ(regionFromQueueUrl("https://eu-central-1.queue.amazonaws.com/123456789012/q"), "eu-central-1");
    EXPECT_EQ(regionFromQueueUrl("http://127.0.0.1:4566/123456789012/q"), "");
    EXPECT_EQ(originOf("http://127.0.0.1:4566/123456789012/q"), "http://127.0.0.1:4566");
    EXPECT_EQ(originOf("ftp://x/y"), "");
}

TEST(Credentials, ParsesContainerAndStsDocuments) {
    auto c = parseContainerCredentials(
        R"({"AccessKeyId":"ASIA1","SecretAccessKey":"s","Token":"t","Expiration":"2026-12-01T12:00:00Z"})");
    ASSERT_TRUE(c.ok());
    EXPECT_EQ(c->accessKeyId, "ASIA1");
    EXPECT_EQ(c->sessionToken, "t");
    EXPECT_EQ(c->expiresAt, 1'796'126'400'000);
    EXPECT_FALSE(parseContainerCredentials(R"({"AccessKeyId":"x"})").ok());
    auto s = parseAssumeRoleResponse(
        "<AssumeRoleWithWebIdentityResponse><AssumeRoleWithWebIdentityResult><Credentials>"
        "<SessionToken>tok&amp;en</SessionToken><SecretAccessKey>sec</SecretAccessKey>"
        "<Expiration>2026-12-01T12:00:00Z</Expiration><AccessKeyId>ASIA2</AccessKeyId>"
        "</Credentials></AssumeRoleWithWebIdentityResult></AssumeRoleWithWebIdentityResponse>");
    ASSERT_TRUE(s.ok());
    EXPECT_EQ(s->accessKeyId, "ASIA2");
    EXPECT_EQ(s->sessionToken, "tok&en");
    EXPECT_FALSE(parseAssumeRoleResponse("<ErrorResponse><Code>AccessDenied</Code></ErrorResponse>").ok());
}

class ManualClock final : public Clock {
public:
    EpochMs now = 1'000'000;
    EpochMs nowMs() const override { return now; }
};

class CountingFetcher final : public CredentialsFetcher {
public:
    explicit CountingFetcher(const ManualClock& c) : clock(c) {}
    const ManualClock& clock;
    int calls = 0;
    bool fail = false;
    Result<AwsCredentials> fetch() override {
        ++calls;
        if (fail) return Error{ErrorCode::DependencyUnavailable, "down", {}, {}, "down", {}};
        return AwsCredentials{"K" + std::to_string(calls), "s", "t", clock.now + 3'600'000};
    }
};

TEST(Credentials, CacheRefreshesBeforeExpiryAndRidesOutAFailedRefresh) {
    ManualClock clock;
    auto fetcher = std::make_unique<CountingFetcher>(clock);
    CountingFetcher* f = fetcher.get();
    CredentialsCache cache(std::move(fetcher), clock, std::chrono::minutes(5));
    EXPECT_EQ(cache.get()->accessKeyId, "K1");
    clock.now += 50 * 60'000;  // 10 minutes left: still cached
    EXPECT_EQ(cache.get()->accessKeyId, "K1");
    clock.now += 6 * 60'000;  // 4 minutes left: refreshed
    EXPECT_EQ(cache.get()->accessKeyId, "K2");
    EXPECT_EQ(f->calls, 2);
    clock.now += 56 * 60'000;
    f->fail = true;  // refresh fails, old ones still valid for a few minutes
    EXPECT_EQ(cache.get()->accessKeyId, "K2");
    clock.now += 5 * 60'000;  // expired and no refresh: an error
    EXPECT_FALSE(cache.get().ok());
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

namespace boxoffice::app {
namespace {

Result<Config> load(std::map<std::string, std::string> env) {
    return Config::fromEnv([&](const char* name) -> const char* {
        auto it = env.find(name);
        return it == env.end() ? nullptr : it->second.c_str();
    });
}

bool failsOn(const Result<Config>& c, const std::string& field) {
    if (c.ok()) return false;
    for (const auto& f : c.error().fields)
        if (f.field == field) return true;
    return false;
}

TEST(OutboxConfig, OffWithoutAQueueAndValidatedWithOne) {
    auto off = load({});
    ASSERT_TRUE(off.ok());
    EXPECT_FALSE(off->outbox.enabled());

    const std::string url = "https://sqs.eu-west-1.amazonaws.com/123456789012/orders.fifo";
    auto ok = load({{"BOXOFFICE_SQS_QUEUE_URL", url}, {"AWS_ACCESS_KEY_ID", "AKID"}, {"AWS_SECRET_ACCESS_KEY", "s"}});
    ASSERT_TRUE(ok.ok());
    EXPECT_EQ(ok->outbox.region, "eu-west-1");

    EXPECT_TRUE(failsOn(load({{"BOXOFFICE_SQS_QUEUE_URL", url}}), "AWS_ACCESS_KEY_ID"));
    EXPECT_TRUE(
        failsOn(load({{"BOXOFFICE_SQS_QUEUE_URL", url}, {"AWS_ACCESS_KEY_ID", "AKID"}}), "AWS_SECRET_ACCESS_KEY"));
    EXPECT_TRUE(failsOn(load({{"BOXOFFICE_SQS_QUEUE_URL", "http://127.0.0.1:1/1/q"},
                              {"AWS_ACCESS_KEY_ID", "A"},
                              {"AWS_SECRET_ACCESS_KEY", "s"}}),
                        "BOXOFFICE_SQS_REGION"));
    EXPECT_TRUE(failsOn(load({{"BOXOFFICE_SQS_QUEUE_URL", "not a url"},
                              {"AWS_REGION", "us-east-1"},
                              {"AWS_ACCESS_KEY_ID", "A"},
                              {"AWS_SECRET_ACCESS_KEY", "s"}}),
                        "BOXOFFICE_SQS_QUEUE_URL"));
    EXPECT_TRUE(
        failsOn(load({{"BOXOFFICE_SQS_QUEUE_URL", url}, {"AWS_WEB_IDENTITY_TOKEN_FILE", "/t"}}), "AWS_ROLE_ARN"));
    EXPECT_TRUE(failsOn(
        load({{"BOXOFFICE_SQS_QUEUE_URL", url}, {"AWS_CONTAINER_CREDENTIALS_FULL_URI", "http://evil.example/c"}}),
        "AWS_CONTAINER_CREDENTIALS_FULL_URI"));
    EXPECT_TRUE(
        load({{"BOXOFFICE_SQS_QUEUE_URL", url}, {"AWS_CONTAINER_CREDENTIALS_FULL_URI", "http://127.0.0.1:9/c"}}).ok());
    EXPECT_TRUE(failsOn(load({{"BOXOFFICE_SQS_QUEUE_URL", url},
                              {"AWS_ACCESS_KEY_ID", "A"},
                              {"AWS_SECRET_ACCESS_KEY", "s"},
                              {"BOXOFFICE_OUTBOX_LEASE", "5s"}}),
                        "BOXOFFICE_OUTBOX_LEASE"));
    EXPECT_TRUE(failsOn(load({{"BOXOFFICE_OUTBOX_CLAIM_SIZE", "0"}}), "BOXOFFICE_OUTBOX_CLAIM_SIZE"));
    EXPECT_TRUE(failsOn(load({{"BOXOFFICE_SQS_REQUEST_TIMEOUT", "0"}}), "BOXOFFICE_SQS_REQUEST_TIMEOUT"));
}

}  // namespace
}  // namespace boxoffice::app
