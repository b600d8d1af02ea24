// One contract for every IdempotencyStore: storage/sql/sql_idempotency_store against real PostgreSQL
// and SQLite (schema from migrations/), storage/redis/redis_idempotency_store against a real Redis.
#include "storage/sql/sql_idempotency_store.hpp"

#include <gtest/gtest.h>
#include <soci/soci.h>

#include <chrono>
#include <latch>
#include <thread>

#include "storage/redis/redis_idempotency_store.hpp"
#include "storage/sql/migrator.hpp"
#include "support/test_env.hpp"
#include "util/random_id.hpp"

namespace {

using namespace boxoffice;
using boxoffice::sql::Database;
using boxoffice::sql::DatabaseOptions;
using Kind = IdempotencyClaim::Kind;
using namespace std::chrono_literals;

constexpr EpochMs kNow = 1'800'000'000'000;
constexpr EpochMs kTtl = 24 * 3600 * 1000;

enum class Backend { Postgres, Sqlite, Redis };

std::string backendName(const ::testing::TestParamInfo<Backend>& info) {
    switch (info.param) {
        case Backend::Postgres:
            return "Postgres";
        case Backend::Sqlite:
            return "Sqlite";
        case Backend::Redis:
            return "Redis";
    }
    return "?";
}

class IdempotencyStoreTest : public ::testing::TestWithParam<Backend> {
protected:
    void SetUp() override {
        // Users are tagged per test so a shared Redis (and its key count) sees only this test's keys.
        tag_ = util::RandomIdGenerator().next().substr(0, 8) + "-";
        if (GetParam() == Backend::Redis) {
            std::string err;
            redis::RedisOptions ro;
            ro.endpoint = *redis::parseRedisUrl(boxoffice::testing::TestEnv::get().redisUrl, err);
            pool_ = std::make_unique<redis::RedisPool>(ro, 8, 2s);
            store_ = std::make_unique<redis::RedisIdempotencyStore>(*pool_);
            return;
        }
        DatabaseOptions o;
        o.url = GetParam() == Backend::Postgres ? boxoffice::testing::createPgDatabase("idemtest")
                                                : boxoffice::testing::tempSqliteUrl("idemtest");
        o.poolSize = 8;
        o.poolWait = 10s;
        db_ = Database::open(o);
        auto applied = sql::Migrator(*db_, sql::embeddedMigrations()).up();
        ASSERT_TRUE(applied.ok()) << applied.error().internal;
        store_ = std::make_unique<sql::SqlIdempotencyStore>(*db_);
    }

    UserId U(const std::string& user) const { return UserId{tag_ + user}; }
    static IdempotencyLease lease(EpochMs until = kNow + 10'000, const std::string& owner = "o1") {
        return {owner, until};
    }

    // `owner` names the request; another request claiming the same key passes another owner.
    Kind claim(const std::string& user, const std::string& key, const std::string& hash, EpochMs now = kNow,
               const std::string& owner = "o1") {
        auto r = store_->claim(U(user), key, hash, now, now + kTtl, lease(now + 10'000, owner));
        EXPECT_TRUE(r.ok()) << r.error().internal;
        return r.ok() ? r->kind : Kind::Mismatch;
    }

    long long rows() {
        long long n = -1;
        if (GetParam() == Backend::Redis) {
            auto r = pool_->call({"KEYS", "bx:idem:*" + tag_ + "*"});
            EXPECT_TRUE(r.ok());
            return r.ok() ? static_cast<long long>(r->elements.size()) : -1;
        }
        auto r = db_->run([&](soci::session& s) {
            s << "SELECT COUNT(*) FROM idempotency_keys WHERE user_id LIKE :tag", soci::use(tag_ + "%"), soci::into(n);
        });
        EXPECT_TRUE(r.ok());
        return n;
    }

    std::string tag_;
    std::unique_ptr<Database> db_;
    std::unique_ptr<redis::RedisPool> pool_;
    std::unique_ptr<IdempotencyStore> store_;
};

TEST_P(IdempotencyStoreTest, ClaimRunCompleteThenReplay) {
    EXPECT_EQ(claim("u1", "k1", "h1"), Kind::Claimed);
    EXPECT_EQ(claim("u1", "k1", "h1", kNow, "o2"), Kind::InProgress);
    // The same claim sent again (a resend after a dead connection) is still its owner's.
    EXPECT_EQ(claim("u1", "k1", "h1"), Kind::Claimed);
    ASSERT_TRUE(store_->complete(U("u1"), "k1", "o1", 201, R"({"id":"order-1"})").ok());

    auto replay = store_->claim(U("u1"), "k1", "h1", kNow + 1000, kNow + 1000 + kTtl, lease());
    ASSERT_TRUE(replay.ok());
    EXPECT_EQ(replay->kind, Kind::Replay);
    EXPECT_EQ(replay->status, 201);
    EXPECT_EQ(replay->body, R"({"id":"order-1"})");

    // A stored response is final: a second completion does not overwrite it.
    ASSERT_TRUE(store_->complete(U("u1"), "k1", "o1", 500, "oops").ok());
    auto still = store_->claim(U("u1"), "k1", "h1", kNow, kNow + kTtl, lease());
    ASSERT_TRUE(still.ok());
    EXPECT_EQ(still->status, 201);
    EXPECT_EQ(rows(), 1);
}

TEST_P(IdempotencyStoreTest, AnEmptyBodyReplaysAsEmpty) {
    EXPECT_EQ(claim("u1", "k1", "h1"), Kind::Claimed);
    ASSERT_TRUE(store_->complete(U("u1"), "k1", "o1", 204, "").ok());
    auto replay = store_->claim(U("u1"), "k1", "h1", kNow, kNow + kTtl, lease());
    ASSERT_TRUE(replay.ok());
    EXPECT_EQ(replay->kind, Kind::Replay);
    EXPECT_EQ(replay->status, 204);
    EXPECT_EQ(replay->body, "");
}

TEST_P(IdempotencyStoreTest, SameKeyForADifferentRequestIsAMismatch) {
    EXPECT_EQ(claim("u1", "k1", "h1"), Kind::Claimed);
    EXPECT_EQ(claim("u1", "k1", "h2"), Kind::Mismatch);
    ASSERT_TRUE(store_->complete(U("u1"), "k1", "o1", 201, "{}").ok());
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
    ASSERT_TRUE(store_->abandon(U("u1"), "k1", "o1").ok());
    EXPECT_EQ(rows(), 0);
    EXPECT_EQ(claim("u1", "k1", "h1"), Kind::Claimed);

    ASSERT_TRUE(store_->complete(U("u1"), "k1", "o1", 201, "{}").ok());
    ASSERT_TRUE(store_->abandon(U("u1"), "k1", "o1").ok());
    EXPECT_EQ(claim("u1", "k1", "h1"), Kind::Replay);

    // Forgetting what was never claimed is harmless.
    EXPECT_TRUE(store_->abandon(U("u1"), "unknown", "o1").ok());
    EXPECT_TRUE(store_->complete(U("u1"), "unknown", "o1", 200, "{}").ok());
    EXPECT_EQ(rows(), 1);
}

TEST_P(IdempotencyStoreTest, ExpiredKeyIsReclaimedWhateverItHeld) {
    ASSERT_EQ(store_->claim(U("u1"), "k1", "h1", kNow, kNow + 1000, lease())->kind, Kind::Claimed);
    ASSERT_TRUE(store_->complete(U("u1"), "k1", "o1", 201, "old").ok());
    ASSERT_EQ(store_->claim(U("u1"), "k2", "h1", kNow, kNow + 1000, lease())->kind, Kind::Claimed);  // never completed

    // One millisecond before expiry the old answer still holds.
    EXPECT_EQ(claim("u1", "k1", "h2", kNow + 999), Kind::Mismatch);
    EXPECT_EQ(claim("u1", "k2", "h1", kNow + 999, "o2"), Kind::InProgress);

    EXPECT_EQ(claim("u1", "k1", "h2", kNow + 1000), Kind::Claimed);
    EXPECT_EQ(claim("u1", "k2", "h1", kNow + 1000), Kind::Claimed);
    // The new claims replaced the old rows: fresh hash, no response, a new lifetime.
    EXPECT_EQ(claim("u1", "k1", "h2", kNow + 2000, "o2"), Kind::InProgress);
    EXPECT_EQ(claim("u1", "k1", "h1", kNow + 2000), Kind::Mismatch);
    ASSERT_TRUE(store_->complete(U("u1"), "k1", "o1", 202, "new").ok());
    auto replay = store_->claim(U("u1"), "k1", "h2", kNow + 3000, kNow + 3000 + kTtl, lease());
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
                results[i] =
                    store_->claim(U("u1"), key, "h1", kNow, kNow + kTtl, lease(kNow + 10'000, "o" + std::to_string(i)));
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

// A process that died between claiming a key and storing its answer: before the lease passes a
// retry is told to wait; after it, the retry takes the key over, and only the new owner's answer
// counts (the dead request, if it was only slow, cannot overwrite or forget it).
TEST_P(IdempotencyStoreTest, ADeadClaimIsTakenOverOnceItsLeasePasses) {
    ASSERT_EQ(store_->claim(U("u1"), "k1", "h1", kNow, kNow + kTtl, lease(kNow + 1000, "dead"))->kind, Kind::Claimed);
    EXPECT_EQ(claim("u1", "k1", "h1", kNow + 999, "retry"), Kind::InProgress);
    EXPECT_EQ(claim("u1", "k1", "h2", kNow + 1000, "other"), Kind::Mismatch) << "another request never takes it over";
    EXPECT_EQ(claim("u1", "k1", "h1", kNow + 1000, "retry"), Kind::Claimed);
    ASSERT_TRUE(store_->complete(U("u1"), "k1", "dead", 500, "late").ok());
    ASSERT_TRUE(store_->abandon(U("u1"), "k1", "dead").ok());
    EXPECT_EQ(claim("u1", "k1", "h1", kNow + 1001, "third"), Kind::InProgress) << "the retry's claim survived";
    ASSERT_TRUE(store_->complete(U("u1"), "k1", "retry", 201, "real").ok());
    auto replay = store_->claim(U("u1"), "k1", "h1", kNow + 2000, kNow + kTtl, lease(kNow + 12'000, "fourth"));
    ASSERT_TRUE(replay.ok());
    EXPECT_EQ(replay->kind, Kind::Replay);
    EXPECT_EQ(replay->status, 201);
    EXPECT_EQ(replay->body, "real");
    EXPECT_EQ(rows(), 1);
}

INSTANTIATE_TEST_SUITE_P(Stores, IdempotencyStoreTest,
                         ::testing::Values(Backend::Postgres, Backend::Sqlite, Backend::Redis), backendName);

// The SQL store alone keeps unanswered claims as rows the sweeper must clear (purgeDeadClaims).
class SqlIdempotencyStoreTest : public IdempotencyStoreTest {
protected:
    sql::SqlIdempotencyStore& sqlStore() { return static_cast<sql::SqlIdempotencyStore&>(*store_); }
    long long openClaims() {
        long long n = -1;
        auto r = db_->run([&](soci::session& s) {
            s << "SELECT COUNT(*) FROM idempotency_keys WHERE status_code IS NULL AND user_id LIKE :tag",
                soci::use(tag_ + "%"), soci::into(n);
        });
        EXPECT_TRUE(r.ok());
        return n;
    }
};

// A request that answered while the database went away (its own commit landed, then the
// connection died) could neither store its answer nor abandon its claim: the row read "in
// progress" until the key expired a day later (issue 9, fault pg-restart). Once its lease has
// passed the purge forgets it; a claim within its lease and a stored answer stay, and the key of
// the forgotten claim runs again for its retry.
TEST_P(SqlIdempotencyStoreTest, APurgeForgetsOnlyClaimsWhoseLeasePassedUnanswered) {
    const auto at = [&](const std::string& key, EpochMs leaseUntil, const std::string& owner) {
        auto r = store_->claim(U("u1"), key, "h-" + key, kNow, kNow + kTtl, lease(leaseUntil, owner));
        ASSERT_TRUE(r.ok()) << r.error().internal;
        ASSERT_EQ(r->kind, Kind::Claimed) << key;
    };
    at("answered-lost", kNow + 1000, "lost");
    at("live", kNow + 10'000, "running");
    at("answered", kNow + 1000, "done");
    ASSERT_TRUE(store_->complete(U("u1"), "answered", "done", 201, "kept").ok());
    ASSERT_EQ(openClaims(), 2);

    auto early = sqlStore().purgeDeadClaims(kNow + 999);
    ASSERT_TRUE(early.ok()) << early.error().internal;
    EXPECT_EQ(*early, 0) << "a claim within its lease is never forgotten";
    auto purged = sqlStore().purgeDeadClaims(kNow + 1000);
    ASSERT_TRUE(purged.ok()) << purged.error().internal;
    EXPECT_EQ(*purged, 1);
    EXPECT_EQ(openClaims(), 1) << "only the live claim is still open";
    EXPECT_EQ(rows(), 2);

    EXPECT_EQ(claim("u1", "live", "h-live", kNow + 1001, "retry"), Kind::InProgress);
    auto replay = store_->claim(U("u1"), "answered", "h-answered", kNow + 1001, kNow + kTtl, lease(kNow + 11'001, "r"));
    ASSERT_TRUE(replay.ok());
    EXPECT_EQ(replay->kind, Kind::Replay);
    EXPECT_EQ(replay->body, "kept");
    EXPECT_EQ(claim("u1", "answered-lost", "h-answered-lost", kNow + 1001, "retry"), Kind::Claimed);
    // The forgotten claim's owner, if it was only slow, cannot answer for the retry.
    ASSERT_TRUE(store_->complete(U("u1"), "answered-lost", "lost", 200, "late").ok());
    EXPECT_EQ(claim("u1", "answered-lost", "h-answered-lost", kNow + 1002, "third"), Kind::InProgress);
}

INSTANTIATE_TEST_SUITE_P(SqlStores, SqlIdempotencyStoreTest, ::testing::Values(Backend::Postgres, Backend::Sqlite),
                         backendName);

}  // namespace
