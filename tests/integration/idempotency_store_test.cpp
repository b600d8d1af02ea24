// storage/sql/sql_idempotency_store against real PostgreSQL and SQLite, schema from migrations/.
#include "storage/sql/sql_idempotency_store.hpp"

#include <gtest/gtest.h>
#include <soci/soci.h>

#include <chrono>
#include <latch>
#include <thread>

#include "storage/sql/migrator.hpp"
#include "support/test_env.hpp"

namespace {

using namespace boxoffice;
using boxoffice::sql::Database;
using boxoffice::sql::DatabaseOptions;
using boxoffice::sql::Dialect;
using Kind = IdempotencyClaim::Kind;
using namespace std::chrono_literals;

constexpr EpochMs kNow = 1'800'000'000'000;
constexpr EpochMs kTtl = 24 * 3600 * 1000;

std::string dialectName(const ::testing::TestParamInfo<Dialect>& info) {
    return info.param == Dialect::Postgres ? "Postgres" : "Sqlite";
}

class IdempotencyStoreTest : public ::testing::TestWithParam<Dialect> {
protected:
    void SetUp() override {
        DatabaseOptions o;
        o.url = GetParam() == Dialect::Postgres ? boxoffice::testing::createPgDatabase("idemtest")
                                                : boxoffice::testing::tempSqliteUrl("idemtest");
        o.poolSize = 8;
        o.poolWait = 10s;
        db_ = Database::open(o);
        auto applied = sql::Migrator(*db_, sql::embeddedMigrations()).up();
        ASSERT_TRUE(applied.ok()) << applied.error().internal;
        store_ = std::make_unique<sql::SqlIdempotencyStore>(*db_);
    }

    Kind claim(const std::string& user, const std::string& key, const std::string& hash, EpochMs now = kNow) {
        auto r = store_->claim(UserId{user}, key, hash, now, now + kTtl);
        EXPECT_TRUE(r.ok()) << r.error().internal;
        return r.ok() ? r->kind : Kind::Mismatch;
    }

    long long rows() {
        long long n = -1;
        auto r = db_->run([&](soci::session& s) { s << "SELECT COUNT(*) FROM idempotency_keys", soci::into(n); });
        EXPECT_TRUE(r.ok());
        return n;
    }

    std::unique_ptr<Database> db_;
    std::unique_ptr<sql::SqlIdempotencyStore> store_;
};

TEST_P(IdempotencyStoreTest, ClaimRunCompleteThenReplay) {
    EXPECT_EQ(claim("u1", "k1", "h1"), Kind::Claimed);
    EXPECT_EQ(claim("u1", "k1", "h1"), Kind::InProgress);
    ASSERT_TRUE(store_->complete(UserId{"u1"}, "k1", 201, R"({"id":"order-1"})").ok());

    auto replay = store_->claim(UserId{"u1"}, "k1", "h1", kNow + 1000, kNow + 1000 + kTtl);
    ASSERT_TRUE(replay.ok());
    EXPECT_EQ(replay->kind, Kind::Replay);
    EXPECT_EQ(replay->status, 201);
    EXPECT_EQ(replay->body, R"({"id":"order-1"})");

    // A stored response is final: a second completion does not overwrite it.
    ASSERT_TRUE(store_->complete(UserId{"u1"}, "k1", 500, "oops").ok());
    auto still = store_->claim(UserId{"u1"}, "k1", "h1", kNow, kNow + kTtl);
    ASSERT_TRUE(still.ok());
    EXPECT_EQ(still->status, 201);
    EXPECT_EQ(rows(), 1);
}

TEST_P(IdempotencyStoreTest, AnEmptyBodyReplaysAsEmpty) {
    EXPECT_EQ(claim("u1", "k1", "h1"), Kind::Claimed);
    ASSERT_TRUE(store_->complete(UserId{"u1"}, "k1", 204, "").ok());
    auto replay = store_->claim(UserId{"u1"}, "k1", "h1", kNow, kNow + kTtl);
    ASSERT_TRUE(replay.ok());
    EXPECT_EQ(replay->kind, Kind::Replay);
    EXPECT_EQ(replay->status, 204);
    EXPECT_EQ(replay->body, "");
}

TEST_P(IdempotencyStoreTest, SameKeyForADifferentRequestIsAMismatch) {
    EXPECT_EQ(claim("u1", "k1", "h1"), Kind::Claimed);
    EXPECT_EQ(claim("u1", "k1", "h2"), Kind::Mismatch);
    ASSERT_TRUE(store_->complete(UserId{"u1"}, "k1", 201, "{}").ok());
    EXPECT_EQ(claim("u1", "k1", "h2"), Kind::Mismatch);
    EXPECT_EQ(claim("u1", "k1", "h1"), Kind::Replay);
}

TEST_P(IdempotencyStoreTest, KeysAreScopedToTheUser) {
    EXPECT_EQ(claim("u1", "k1", "h1"), Kind::Claimed);
    EXPECT_EQ(claim("u2", "k1", "h2"), Kind::Claimed);
    EXPECT_EQ(rows(), 2);
}

TEST_P(IdempotencyStoreTest, AbandonedClaimCanBeClaimedAgainButACompletedOneStays) {
    EXPECT_EQ(claim("u1", "k1", "h1"), Kind::Claimed);
    ASSERT_TRUE(store_->abandon(UserId{"u1"}, "k1").ok());
    EXPECT_EQ(rows(), 0);
    EXPECT_EQ(claim("u1", "k1", "h1"), Kind::Claimed);

    ASSERT_TRUE(store_->complete(UserId{"u1"}, "k1", 201, "{}").ok());
    ASSERT_TRUE(store_->abandon(UserId{"u1"}, "k1").ok());
    EXPECT_EQ(claim("u1", "k1", "h1"), Kind::Replay);

    // Forgetting what was never claimed is harmless.
    EXPECT_TRUE(store_->abandon(UserId{"u1"}, "unknown").ok());
    EXPECT_TRUE(store_->complete(UserId{"u1"}, "unknown", 200, "{}").ok());
    EXPECT_EQ(rows(), 1);
}

TEST_P(IdempotencyStoreTest, ExpiredKeyIsReclaimedWhateverItHeld) {
    ASSERT_EQ(store_->claim(UserId{"u1"}, "k1", "h1", kNow, kNow + 1000)->kind, Kind::Claimed);
    ASSERT_TRUE(store_->complete(UserId{"u1"}, "k1", 201, "old").ok());
    ASSERT_EQ(store_->claim(UserId{"u1"}, "k2", "h1", kNow, kNow + 1000)->kind, Kind::Claimed);  // never completed

    // One millisecond before expiry the old answer still holds.
    EXPECT_EQ(claim("u1", "k1", "h2", kNow + 999), Kind::Mismatch);
    EXPECT_EQ(claim("u1", "k2", "h1", kNow + 999), Kind::InProgress);

    EXPECT_EQ(claim("u1", "k1", "h2", kNow + 1000), Kind::Claimed);
    EXPECT_EQ(claim("u1", "k2", "h1", kNow + 1000), Kind::Claimed);
    // The new claims replaced the old rows: fresh hash, no response, a new lifetime.
    EXPECT_EQ(claim("u1", "k1", "h2", kNow + 2000), Kind::InProgress);
    EXPECT_EQ(claim("u1", "k1", "h1", kNow + 2000), Kind::Mismatch);
    ASSERT_TRUE(store_->complete(UserId{"u1"}, "k1", 202, "new").ok());
    auto replay = store_->claim(UserId{"u1"}, "k1", "h2", kNow + 3000, kNow + 3000 + kTtl);
    ASSERT_TRUE(replay.ok());
    EXPECT_EQ(replay->kind, Kind::Replay);
    EXPECT_EQ(replay->status, 202);
    EXPECT_EQ(replay->body, "new");
    EXPECT_EQ(rows(), 2);
}

TEST_P(IdempotencyStoreTest, ConcurrentClaimsOfOneKeyLetExactlyOneRun) {
    constexpr int kThreads = 8;
    for (int round = 0; round < 5; ++round) {
        const std::string key = "key-" + std::to_string(round);
        std::latch start(kThreads);
        std::vector<Result<IdempotencyClaim>> results(kThreads, Error{});
        std::vector<std::thread> threads;
        for (int i = 0; i < kThreads; ++i) {
            threads.emplace_back([&, i] {
                start.arrive_and_wait();
                results[i] = store_->claim(UserId{"u1"}, key, "h1", kNow, kNow + kTtl);
            });
        }
        for (auto& t : threads) t.join();
        int claimed = 0, inProgress = 0;
        for (const auto& r : results) {
            ASSERT_TRUE(r.ok()) << r.error().detail << " / " << r.error().internal;
            if (r->kind == Kind::Claimed) ++claimed;
            if (r->kind == Kind::InProgress) ++inProgress;
        }
        EXPECT_EQ(claimed, 1) << key;
        EXPECT_EQ(inProgress, kThreads - 1) << key;
    }
    EXPECT_EQ(rows(), 5);
}

INSTANTIATE_TEST_SUITE_P(Dialects, IdempotencyStoreTest, ::testing::Values(Dialect::Postgres, Dialect::Sqlite),
                         dialectName);

}  // namespace
