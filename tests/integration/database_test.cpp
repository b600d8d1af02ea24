// Database::run and ::transact on both dialects: commits, rollbacks, the pool and its bound wait.
// The fixture and its dialects: database_fixture.hpp, instantiated here for all files.
#include "database_fixture.hpp"

namespace {

using namespace boxoffice::testing::database;

TEST_P(DatabaseTest, RunWritesAndReadsBack) {
    auto db = open();
    EXPECT_EQ(db->dialect(), GetParam());
    createKv(*db);
    ASSERT_TRUE(db->run([](soci::session& s) { s << "INSERT INTO kv (k, v) VALUES ('a', 41)"; }).ok());
    long long v = 0;
    ASSERT_TRUE(db->run([&](soci::session& s) { s << "SELECT v + 1 FROM kv WHERE k = 'a'", soci::into(v); }).ok());
    EXPECT_EQ(v, 42);
    EXPECT_TRUE(db->ping().ok());
    EXPECT_EQ(db->poolSize(), 4);
    EXPECT_EQ(db->inUse(), 0);
}

TEST_P(DatabaseTest, TransactCommitsWhenOk) {
    auto db = open();
    createKv(*db);
    const auto r = db->transact([](soci::session& s) -> Result<void> {
        s << "INSERT INTO kv (k, v) VALUES ('a', 1)";
        s << "INSERT INTO kv (k, v) VALUES ('b', 2)";
        return {};
    });
    ASSERT_TRUE(r.ok()) << r.error().internal;
    EXPECT_EQ(countKv(*db), 2);
}

TEST_P(DatabaseTest, TransactRollsBackOnErrorResult) {
    auto db = open();
    createKv(*db);
    const auto r = db->transact([](soci::session& s) -> Result<void> {
        s << "INSERT INTO kv (k, v) VALUES ('a', 1)";
        return boxoffice::Error{ErrorCode::SeatsUnavailable, "seats taken", {}, {"A1"}, {}, {}};
    });
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code, ErrorCode::SeatsUnavailable);  // the caller's error comes back untouched
    EXPECT_EQ(r.error().subjects, std::vector<std::string>{"A1"});
    EXPECT_EQ(countKv(*db), 0);
}

TEST_P(DatabaseTest, TransactRollsBackWhenFnThrows) {
    auto db = open(1);
    createKv(*db);
    const auto r = db->transact([](soci::session& s) -> Result<void> {
        s << "INSERT INTO kv (k, v) VALUES ('a', 1)";
        throw std::runtime_error("bug in the callback");
    });
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code, ErrorCode::Internal);
    EXPECT_EQ(r.error().detail, "internal error");
    EXPECT_NE(r.error().internal.find("bug in the callback"), std::string::npos);
    EXPECT_EQ(countKv(*db), 0);
}

TEST_P(DatabaseTest, SessionNeverReturnsToPoolInsideATransaction) {
    auto db = open(1);  // one session: the next call gets the very same connection
    createKv(*db);
    const auto r = db->run([](soci::session& s) {
        s << "BEGIN";
        s << "INSERT INTO kv (k, v) VALUES ('a', 1)";
        throw std::runtime_error("left the transaction open");
    });
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(countKv(*db), 0);
    // A transaction can start again, so the previous one really ended.
    EXPECT_TRUE(db->transact([](soci::session& s) -> Result<void> {
                      s << "INSERT INTO kv (k, v) VALUES ('b', 2)";
                      return {};
                  }).ok());
    EXPECT_EQ(countKv(*db), 1);
}

TEST_P(DatabaseTest, PoolExhaustionReturnsDependencyUnavailableAfterPoolWait) {
    auto db = open(1, 300ms);
    std::promise<void> holding;
    std::promise<void> letGo;
    auto letGoFuture = letGo.get_future().share();
    auto holder = std::async(std::launch::async, [&] {
        return db->run([&](soci::session&) {
            holding.set_value();
            letGoFuture.wait();
        });
    });
    holding.get_future().wait();
    EXPECT_EQ(db->inUse(), 1);

    const auto start = Clock::now();
    const auto r = db->run([](soci::session& s) { s << "SELECT 1"; });
    const auto waited = Clock::now() - start;
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code, ErrorCode::DependencyUnavailable);
    EXPECT_EQ(r.error().detail, "database unavailable");
    EXPECT_NE(r.error().internal.find("pool exhausted"), std::string::npos);
    EXPECT_GE(waited, 250ms);
    EXPECT_LT(waited, 3s);
    const auto tx = db->transact([](soci::session&) -> Result<void> { return {}; });
    ASSERT_FALSE(tx.ok());
    EXPECT_EQ(tx.error().code, ErrorCode::DependencyUnavailable);

    letGo.set_value();
    EXPECT_TRUE(holder.get().ok());
    EXPECT_EQ(db->inUse(), 0);
    EXPECT_TRUE(db->ping().ok());
}

TEST_P(DatabaseTest, WaitingCallerGetsTheSessionWhenItIsReleased) {
    auto db = open(1, 5000ms);
    std::promise<void> holding;
    auto holder = std::async(std::launch::async, [&] {
        return db->run([&](soci::session&) {
            holding.set_value();
            std::this_thread::sleep_for(200ms);
        });
    });
    holding.get_future().wait();
    const auto start = Clock::now();
    EXPECT_TRUE(db->ping().ok());
    EXPECT_LT(Clock::now() - start, 4s);
    EXPECT_TRUE(holder.get().ok());
}

TEST_P(DatabaseTest, ConcurrentWritersAllSucceed) {
    auto db = open(4);
    createKv(*db);
    std::vector<std::future<int>> workers;
    for (int t = 0; t < 4; ++t) {
        workers.push_back(std::async(std::launch::async, [&, t] {
            int ok = 0;
            for (int i = 0; i < 25; ++i) {
                const std::string key = std::to_string(t) + "-" + std::to_string(i);
                ok += db->transact([&](soci::session& s) -> Result<void> {
                            s << "INSERT INTO kv (k, v) VALUES (:k, 1)", soci::use(key);
                            return {};
                        }).ok();
            }
            return ok;
        }));
    }
    int total = 0;
    for (auto& w : workers) total += w.get();
    EXPECT_EQ(total, 100);
    EXPECT_EQ(countKv(*db), 100);
}

INSTANTIATE_TEST_SUITE_P(Dialects, DatabaseTest, ::testing::Values(Dialect::Postgres, Dialect::Sqlite), dialectName);

}  // namespace
