// The outbox relay against moto_server with SigV4 signature checking on (scripts/test-servers.sh):
// orders made through the API arrive as documented, on standard and FIFO queues; a wrong secret is
// refused; two relays race on one database; a relay killed with SIGKILL mid-batch loses nothing;
// an unreachable queue leaves bookings alone and the backlog drains when it comes back; and the
// relay's SQL alone (pruning, parked rows). The other credential sources: sqs_credentials_test.cpp.
#include "integration/sqs/sqs_relay_support.hpp"

namespace boxoffice::testing {
namespace {

using nlohmann::json;
using namespace std::chrono_literals;

struct Flavour {
    Backend backend;
    bool fifo;
};

class SqsRelay : public ::testing::TestWithParam<Flavour> {};

TEST_P(SqsRelay, OrdersThroughTheApiArriveAsDocumented) {
    SqsTestClient sqs;
    const std::string queue = sqs.createQueue("orders", GetParam().fifo);
    TestApp app(GetParam().backend, [&](app::Config& c) { useQueue(c, queue); });
    ASSERT_NE(app.app().outbox(), nullptr);
    Booker booker(app);
    booker.bookMany(12);  // 12 created, 6 confirmed, 2 cancelled
    auto rows = outboxRows(app.app().database());
    ASSERT_EQ(rows.size(), 20u);
    auto messages = sqs.drain(queue, rows.size());
    ASSERT_EQ(messages.size(), rows.size());
    expectDocumented(messages, rows, GetParam().fifo);
    auto n = countById(messages);
    EXPECT_EQ(n.size(), rows.size()) << "every outbox row, each once";
    ASSERT_TRUE(waitUntil([&] { return unpublished(app.app().database()) == 0; }, 5s));
    EXPECT_GE(app.app().metrics().relay().published->Value(), 20);
    EXPECT_EQ(checkAgainstAsyncApi(
                  messages, std::string(GetParam().fifo ? "fifo-" : "standard-") + backendName(GetParam().backend)),
              0)
        << "every message validates against its schema in service/asyncapi.yaml";

    if (GetParam().fifo) {
        // Per order, created comes before confirmed/cancelled.
        std::map<std::string, std::vector<std::string>> perOrder;
        for (const auto& m : messages) {
            auto env = json::parse(m.body);
            perOrder[env["orderId"]].push_back(env["type"]);
        }
        for (const auto& [order, types] : perOrder) EXPECT_EQ(types.front(), "order.created") << order;
    }
}

INSTANTIATE_TEST_SUITE_P(Queues, SqsRelay,
                         ::testing::Values(Flavour{Backend::Sqlite, false}, Flavour{Backend::Postgres, true},
                                           Flavour{Backend::Postgres, false}, Flavour{Backend::Sqlite, true}),
                         [](const auto& p) {
                             return backendName(p.param.backend) + (p.param.fifo ? "Fifo" : "Standard");
                         });

TEST(SqsRelayAuth, WrongSecretIsRefusedAndNothingIsMarkedSent) {
    SqsTestClient sqs;
    const std::string queue = sqs.createQueue("refused", false);
    TestApp app(Backend::Sqlite, [&](app::Config& c) {
        useQueue(c, queue);
        c.outbox.aws.secretAccessKey += "x";
    });
    Booker booker(app);
    booker.bookMany(2);
    const auto& failures = app.app().metrics().relay().failures;
    ASSERT_TRUE(waitUntil(
        [&] { return failures[static_cast<std::size_t>(messaging::FailureReason::Auth)]->Value() > 0; }, 10s));
    EXPECT_EQ(unpublished(app.app().database()), 4);  // 2 created, 1 confirmed, 1 cancelled
    EXPECT_EQ(sqs.drain(queue, 1, 500ms).size(), 0u);
    EXPECT_EQ(app.app().metrics().relay().published->Value(), 0);
}

// Outbox rows made directly (fast): `n` orders' worth of order.created rows.
void insertRows(sql::Database& db, int n, const std::string& prefix) {
    auto r = db.transact([&](soci::session& s) -> Result<void> {
        std::string id, agg, payload;
        long long at = SystemClock().nowMs();
        soci::statement st =
            (s.prepare << "INSERT INTO outbox (id, aggregate_type, aggregate_id, event_type, payload, headers, "
                          "created_at, available_at) VALUES (:id, 'order', :agg, 'order.created', :p, '{}', :c, :a)",
             soci::use(id), soci::use(agg), soci::use(payload), soci::use(at), soci::use(at));
        for (int i = 0; i < n; ++i) {
            id = prefix + "-" + std::to_string(i);
            agg = "order-" + id;
            payload = json{{"orderId", agg},
                           {"showId", "show-1"},
                           {"status", "PAYMENT_PENDING"},
                           {"seatIds", {"A-1-1"}},
                           {"amount", 100},
                           {"currency", "EUR"},
                           {"userId", "u"},
                           {"expiresAt", "2026-12-01T00:00:00.000Z"}}
                          .dump();
            st.execute(true);
        }
        return {};
    });
    if (!r) throw std::runtime_error(r.error().internal);
}

app::Config relayConfig(const std::string& dbUrl, const std::string& queue) {
    auto c = app::Config::fromEnv([](const char*) -> const char* { return nullptr; }).value();
    c.database.url = dbUrl;
    useQueue(c, queue);
    return c;
}

std::unique_ptr<sql::Database> migratedDatabase(const std::string& url) {
    sql::DatabaseOptions o;
    o.url = url;
    o.poolSize = 2;
    auto db = sql::Database::open(o);
    auto up = sql::Migrator(*db, sql::embeddedMigrations()).up();
    if (!up) throw std::runtime_error(up.error().internal);
    return db;
}

// Messages in batches the relay sent but got no answer for (timeout, reset, unreadable answer):
// they may have arrived, and they go out again.
int unansweredMessages(metrics::Metrics& m) {
    double n = 0;
    for (auto reason : {messaging::FailureReason::Timeout, messaging::FailureReason::Transport,
                        messaging::FailureReason::BadResponse})
        n += m.relay().failures[static_cast<std::size_t>(reason)]->Value();
    return static_cast<int>(n);
}

// The same count from relay processes' log, with the rows sent but not marked sent (they go out
// again when their lease runs out).
int unansweredMessagesLogged(const std::string& log) {
    std::ifstream in(log);
    int n = 0;
    for (std::string line; std::getline(in, line);) {
        auto j = json::parse(line, nullptr, false);
        if (j.is_discarded() || !j.is_object()) continue;
        const std::string msg = j.value("msg", ""), reason = j.value("reason", "");
        const bool unanswered = msg == "outbox batch not sent" &&
                                (reason == "timeout" || reason == "transport" || reason == "bad_response");
        if (unanswered || msg == "outbox rows sent but not marked") n += j.value("messages", 0);
    }
    return n;
}

TEST(SqsRelayRace, TwoRelaysOnOneDatabaseDeliverEveryRowAndNeverTheSameRowTwice) {
    SqsTestClient sqs;
    const std::string queue = sqs.createQueue("race", false);
    const std::string url = createPgDatabase("race");
    auto db = migratedDatabase(url);
    constexpr int kRows = 600;
    insertRows(*db, kRows, "race");
    auto config = relayConfig(url, queue);
    config.outbox.relay.claimSize = 20;
    SystemClock clock;
    metrics::Metrics m1("t", "t"), m2("t", "t");
    app::OutboxPublishing a(config, m1, clock), b(config, m2, clock);
    const auto started = std::chrono::steady_clock::now();
    a.start();
    b.start();
    ASSERT_TRUE(waitUntil([&] { return unpublished(*db) == 0; }, 60s));
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    a.stop();
    b.stop();
    // A batch whose answer never came may have reached the queue: the relay sends it again, as it
    // must (at least once). Those are the only duplicates allowed; a live lease taken by the other
    // relay would add more.
    const int ambiguous = unansweredMessages(m1) + unansweredMessages(m2);
    auto messages = sqs.drain(queue, kRows + ambiguous);
    auto n = countById(messages);
    EXPECT_EQ(n.size(), static_cast<std::size_t>(kRows));
    int duplicates = 0;
    for (const auto& [id, count] : n) duplicates += count - 1;
    EXPECT_LE(duplicates, ambiguous) << "a live lease is never claimed by the other relay";
    EXPECT_EQ(m1.relay().published->Value() + m2.relay().published->Value(), kRows);
    std::cout << "[ figures  ] two relays: " << m1.relay().published->Value() << " + " << m2.relay().published->Value()
              << " messages in " << seconds << " s (" << kRows / seconds << " msg/s into moto); " << duplicates
              << " duplicates, " << ambiguous << " messages in batches with no answer\n";
}

pid_t spawnRelay(const std::string& dbUrl, const std::string& queue, const std::string& log) {
    const TestEnv& env = TestEnv::get();
    const pid_t pid = ::fork();
    if (pid == 0) {
        const std::string bin = BOXOFFICE_BIN;
        std::freopen(log.c_str(), "a", stderr);
        ::setenv("BOXOFFICE_DATABASE_URL", dbUrl.c_str(), 1);
        ::setenv("BOXOFFICE_JWT_SECRET", TestApp::secret(), 1);
        ::setenv("BOXOFFICE_SQS_QUEUE_URL", queue.c_str(), 1);
        ::setenv("BOXOFFICE_SQS_REGION", "us-east-1", 1);
        ::setenv("AWS_ACCESS_KEY_ID", env.motoAccessKeyId.c_str(), 1);
        ::setenv("AWS_SECRET_ACCESS_KEY", env.motoSecretAccessKey.c_str(), 1);
        ::setenv("BOXOFFICE_METRICS_PORT", "0", 1);
        ::setenv("BOXOFFICE_METRICS_ADDRESS", "127.0.0.1", 1);
        ::setenv("BOXOFFICE_OUTBOX_CLAIM_SIZE", "10", 1);
        ::setenv("BOXOFFICE_OUTBOX_LEASE", "4s", 1);
        ::setenv("BOXOFFICE_SQS_CONNECT_TIMEOUT", "500ms", 1);
        ::setenv("BOXOFFICE_SQS_REQUEST_TIMEOUT", "2s", 1);
        ::setenv("BOXOFFICE_OUTBOX_POLL_INTERVAL", "20ms", 1);
        ::execl(bin.c_str(), bin.c_str(), "relay", static_cast<char*>(nullptr));
        std::_Exit(127);
    }
    return pid;
}

TEST(SqsRelayCrash, KilledMidBatchThenRestartedLosesNothingAndDuplicatesAtMostOneClaim) {
    SqsTestClient sqs;
    const std::string queue = sqs.createQueue("crash", false);
    const std::string url = createPgDatabase("crash");
    auto db = migratedDatabase(url);
    constexpr int kRows = 400;
    insertRows(*db, kRows, "crash");
    const std::string log =
        std::filesystem::temp_directory_path() / ("relay-crash-" + std::to_string(::getpid()) + ".log");
    std::filesystem::remove(log);
    pid_t relay = spawnRelay(url, queue, log);
    ASSERT_TRUE(waitUntil([&] { return unpublished(*db) < kRows - 50; }, 30s)) << "the relay never got going";
    // Mid-batch: the relay holds a claim (sent or not, not yet marked).
    ASSERT_TRUE(waitUntil(
        [&] {
            long long claimed = 0;
            (void)db->run([&](soci::session& s) {
                s << "SELECT COUNT(*) FROM outbox WHERE published_at IS NULL AND claimed_by IS NOT NULL",
                    soci::into(claimed);
            });
            return claimed > 0;
        },
        10s));
    ::kill(relay, SIGKILL);
    ::waitpid(relay, nullptr, 0);
    const long long leftAtKill = unpublished(*db);
    ASSERT_GT(leftAtKill, 0) << "killed too late to prove anything";
    long long claimedAtKill = 0;
    ASSERT_TRUE(db->run([&](soci::session& s) {
                      s << "SELECT COUNT(*) FROM outbox WHERE published_at IS NULL AND claimed_by IS NOT NULL",
                          soci::into(claimedAtKill);
                  }).ok());
    relay = spawnRelay(url, queue, log);
    const bool drained = waitUntil([&] { return unpublished(*db) == 0; }, 60s);
    ::kill(relay, SIGTERM);
    int status = 0;
    ::waitpid(relay, &status, 0);
    ASSERT_TRUE(drained);
    EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << "SIGTERM stops the relay cleanly";
    // The dead relay's claim may go out twice; so may any batch either relay got no answer for or
    // could not mark sent.
    const int ambiguous = unansweredMessagesLogged(log);
    auto messages = sqs.drain(queue, kRows + 10 + ambiguous);
    auto n = countById(messages);
    EXPECT_EQ(n.size(), static_cast<std::size_t>(kRows)) << "no row lost";
    int duplicates = 0;
    for (const auto& [id, count] : n) duplicates += count - 1;
    EXPECT_LE(duplicates, 10 + ambiguous)
        << "at most one claim (BOXOFFICE_OUTBOX_CLAIM_SIZE=10) goes out twice, besides batches with no answer";
    EXPECT_LE(claimedAtKill, 10);
    for (const auto& m : messages) EXPECT_EQ(m.attributes.at("outboxId"), json::parse(m.body)["id"]);
    std::cout << "[ figures  ] killed with " << leftAtKill << " rows left (" << claimedAtKill
              << " claimed by the dead relay); " << duplicates << " duplicates after the restart, " << ambiguous
              << " messages in batches with no answer\n";
}

double percentile(std::vector<double> v, double p) {
    std::sort(v.begin(), v.end());
    return v.empty() ? 0 : v[std::min(v.size() - 1, static_cast<std::size_t>(p * static_cast<double>(v.size())))];
}

TEST(SqsRelayOutage, BookingsUnaffectedWhileTheQueueIsUnreachableAndTheBacklogDrains) {
    SqsTestClient sqs;
    const std::string queue = sqs.createQueue("outage", true);
    const std::string motoPort = TestEnv::get().motoUrl.substr(TestEnv::get().motoUrl.rfind(':') + 1);
    TcpForwarder forwarder(std::stoi(motoPort));
    TestApp app(Backend::Postgres, [&](app::Config& c) {
        useQueue(c, queue, "http://127.0.0.1:" + std::to_string(forwarder.port()));
        c.metrics.sampleInterval = 100ms;
    });
    Booker booker(app);
    booker.bookMany(2);
    ASSERT_TRUE(waitUntil([&] { return unpublished(app.app().database()) == 0; }, 10s));

    forwarder.down();
    std::vector<double> during, holds;
    for (int i = 0; i < 20; ++i) {
        auto t = booker.book("out" + std::to_string(i), true, false);
        during.push_back(t.confirmMs);
        holds.push_back(t.holdMs);
    }
    app.app().metricsSampler().sampleOnce();
    EXPECT_GE(unpublished(app.app().database()), 40) << "the outbox grows while the queue is away";
    EXPECT_GT(app.app().metrics().outboxDepth().Value(), 0);
    ASSERT_TRUE(waitUntil(
        [&] {
            app.app().metricsSampler().sampleOnce();
            return app.app().metrics().outboxOldestAge().Value() > 0.5;
        },
        10s))
        << "the lag metric rises";
    const auto& failures = app.app().metrics().relay().failures;
    EXPECT_GT(failures[static_cast<std::size_t>(messaging::FailureReason::Transport)]->Value(), 0);

    forwarder.up();
    ASSERT_TRUE(waitUntil([&] { return unpublished(app.app().database()) == 0; }, 20s)) << "the backlog drains";
    app.app().metricsSampler().sampleOnce();
    EXPECT_EQ(app.app().metrics().outboxDepth().Value(), 0);
    EXPECT_EQ(app.app().metrics().outboxOldestAge().Value(), 0) << "and the lag falls back";
    const auto rows = outboxRows(app.app().database());
    EXPECT_EQ(rows.size(), 44u);  // 2 orders before, 20 during: each created and confirmed
    auto messages = sqs.drain(queue, rows.size());
    EXPECT_EQ(countById(messages).size(), rows.size());
    std::vector<double> after;
    for (int i = 0; i < 20; ++i) after.push_back(booker.book("back" + std::to_string(i), true, false).confirmMs);
    // Bookings never wait for the queue: a confirm during the outage is nowhere near the relay's
    // 3 s request deadline.
    EXPECT_LT(percentile(during, 0.99), 1000.0);
    std::cout << "[ figures  ] confirm p50/p99 during the outage " << percentile(during, 0.5) << "/"
              << percentile(during, 0.99) << " ms, after " << percentile(after, 0.5) << "/" << percentile(after, 0.99)
              << " ms; hold p99 during " << percentile(holds, 0.99) << " ms\n";
}

// The relay's SQL without a queue: pruning deletes only sent rows past the retention, and a
// parked row is never claimed again. On both dialects.
class OutboxStoreSql : public ::testing::TestWithParam<Backend> {};

TEST_P(OutboxStoreSql, PrunesOnlyOldSentRowsAndNeverClaimsParkedOnes) {
    const std::string url = GetParam() == Backend::Sqlite ? tempSqliteUrl("outbox") : createPgDatabase("outbox");
    auto db = migratedDatabase(url);
    insertRows(*db, 6, "p");
    sql::SqlOutboxStore store(*db);
    const EpochMs now = SystemClock().nowMs();
    auto claimed = store.claim("t1", 10, now, now + 60'000);
    ASSERT_TRUE(claimed.ok());
    ASSERT_EQ(claimed->size(), 6u);
    EXPECT_EQ(store.claim("t2", 10, now, now + 60'000)->size(), 0u) << "a live lease is not claimed twice";
    ASSERT_TRUE(store.markSent({"p-0", "p-1"}, now - 10 * 86'400'000LL).ok());         // sent 10 days ago
    ASSERT_TRUE(store.markSent({"p-2"}, now).ok());                                    // sent just now
    ASSERT_TRUE(store.markFailed("t1", "p-3", "rejected: bad", now, true, now).ok());  // parked
    ASSERT_TRUE(store.release("t1", {"p-4", "p-5"}, now, "not attempted").ok());
    ASSERT_TRUE(store.markFailed("t-other", "p-4", "x", now, true, now).ok());  // another relay's token: no effect
    auto again = store.claim("t3", 10, now + 1, now + 60'000);
    ASSERT_TRUE(again.ok());
    std::set<std::string> ids;
    for (const auto& r : *again) ids.insert(r.id);
    EXPECT_EQ(ids, (std::set<std::string>{"p-4", "p-5"})) << "released rows come back, parked and sent ones do not";
    auto pruned = store.prune(now - 7 * 86'400'000LL, 1000);
    ASSERT_TRUE(pruned.ok());
    EXPECT_EQ(*pruned, 2);
    auto rows = outboxRows(*db);
    EXPECT_EQ(rows.size(), 4u);
    long long parked = 0;
    ASSERT_TRUE(
        db->run([&](soci::session& s) {
              s << "SELECT COUNT(*) FROM outbox WHERE parked_at IS NOT NULL AND attempts = 1 AND last_error LIKE "
                   "'rejected%'",
                  soci::into(parked);
          }).ok());
    EXPECT_EQ(parked, 1);
}

INSTANTIATE_TEST_SUITE_P(Dialects, OutboxStoreSql, ::testing::Values(Backend::Sqlite, Backend::Postgres),
                         [](const auto& p) { return backendName(p.param); });

}  // namespace
}  // namespace boxoffice::testing