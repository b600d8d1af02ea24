// storage/sql/migrator with the real migrations/ files, on PostgreSQL and SQLite.
#include "storage/sql/migrator.hpp"

#include <gtest/gtest.h>
#include <soci/soci.h>

#include <future>
#include <latch>
#include <regex>

#include "storage/sql/sql_errors.hpp"
#include "support/test_env.hpp"

namespace {

// A unique violation as the one translation (sql_errors.cpp) types it.
bool isUniqueViolation(const boxoffice::Error& e) {
    return e.code == boxoffice::ErrorCode::Conflict && e.is(boxoffice::StoreFault::UniqueViolation);
}

using boxoffice::ErrorCode;
using boxoffice::Result;
using boxoffice::sql::Database;
using boxoffice::sql::DatabaseOptions;
using boxoffice::sql::Dialect;
using boxoffice::sql::embeddedMigrations;
using boxoffice::sql::Migration;
using boxoffice::sql::Migrator;

std::string dialectName(const ::testing::TestParamInfo<Dialect>& info) {
    return info.param == Dialect::Postgres ? "Postgres" : "Sqlite";
}

std::unique_ptr<Database> openDb(const std::string& url, int poolSize = 2) {
    DatabaseOptions o;
    o.url = url;
    o.poolSize = poolSize;
    return Database::open(o);
}

long long countRows(Database& db, const std::string& table) {
    long long n = -1;
    const auto r = db.run([&](soci::session& s) { s << "SELECT count(*) FROM " + table, soci::into(n); });
    EXPECT_TRUE(r.ok()) << r.error().internal;
    return n;
}

bool tableExists(Database& db, const std::string& table) {
    return db
        .run([&](soci::session& s) {
            long long n = 0;
            s << "SELECT count(*) FROM " + table, soci::into(n);
        })
        .ok();
}

class MigratorTest : public ::testing::TestWithParam<Dialect> {
protected:
    void SetUp() override {
        url_ = GetParam() == Dialect::Postgres ? boxoffice::testing::createPgDatabase("migtest")
                                               : boxoffice::testing::tempSqliteUrl("migtest");
        db_ = openDb(url_);
    }

    std::string url_;
    std::unique_ptr<Database> db_;
};

TEST(EmbeddedMigrations, AreParsedFromTheMigrationsDirectory) {
    const auto& migrations = embeddedMigrations();
    ASSERT_FALSE(migrations.empty());
    EXPECT_EQ(migrations.front().version, 1);
    EXPECT_EQ(migrations.front().name, "init");
    EXPECT_NE(migrations.front().up.find("order_seats_one_active_per_seat"), std::string::npos);
    EXPECT_NE(migrations.front().down.find("DROP TABLE IF EXISTS venues"), std::string::npos);
    for (std::size_t i = 1; i < migrations.size(); ++i) EXPECT_LT(migrations[i - 1].version, migrations[i].version);
    // Never this near a migration (STYLE.md).
    for (const auto& m : migrations) {
        EXPECT_EQ(m.down.find("CASCADE"), std::string::npos) << m.name;
        EXPECT_EQ(m.down.find("DROP SCHEMA"), std::string::npos) << m.name;
    }
}

TEST_P(MigratorTest, UpAppliesEverythingOnceAndStatusShowsChecksums) {
    Migrator migrator(*db_, embeddedMigrations());
    const int total = static_cast<int>(embeddedMigrations().size());

    auto pendingBefore = migrator.pending();
    ASSERT_TRUE(pendingBefore.ok()) << pendingBefore.error().internal;
    EXPECT_EQ(*pendingBefore, total);

    auto applied = migrator.up();
    ASSERT_TRUE(applied.ok()) << applied.error().internal;
    EXPECT_EQ(*applied, total);

    auto status = migrator.status();
    ASSERT_TRUE(status.ok()) << status.error().internal;
    ASSERT_EQ(status->size(), embeddedMigrations().size());
    for (const auto& st : *status) {
        EXPECT_TRUE(st.applied) << st.version;
        EXPECT_FALSE(st.checksumMismatch) << st.version;
        EXPECT_TRUE(std::regex_match(st.checksum, std::regex("[0-9a-f]{64}"))) << st.checksum;
        EXPECT_GT(st.appliedAtMs, 1'600'000'000'000);
    }
    EXPECT_EQ(countRows(*db_, "schema_migrations"), total);
    for (const char* table : {"venues", "events", "shows", "show_prices", "orders", "order_seats", "tickets", "outbox",
                              "idempotency_keys", "checkins"}) {
        EXPECT_EQ(countRows(*db_, table), 0) << table;
    }

    auto again = migrator.up();
    ASSERT_TRUE(again.ok()) << again.error().internal;
    EXPECT_EQ(*again, 0);
    auto pendingAfter = migrator.pending();
    ASSERT_TRUE(pendingAfter.ok());
    EXPECT_EQ(*pendingAfter, 0);
}

TEST_P(MigratorTest, DownOneThenUpAgain) {
    Migrator migrator(*db_, embeddedMigrations());
    ASSERT_TRUE(migrator.up().ok());
    const auto last = embeddedMigrations().back();

    auto reverted = migrator.down(1);
    ASSERT_TRUE(reverted.ok()) << reverted.error().internal;
    EXPECT_EQ(*reverted, 1);
    auto status = migrator.status();
    ASSERT_TRUE(status.ok());
    EXPECT_FALSE(status->back().applied);
    EXPECT_EQ(status->back().version, last.version);
    EXPECT_EQ(*migrator.pending(), 1);
    if (last.version == 1) {
        EXPECT_FALSE(tableExists(*db_, "venues"));
        EXPECT_FALSE(tableExists(*db_, "order_seats"));
    }

    auto reapplied = migrator.up();
    ASSERT_TRUE(reapplied.ok()) << reapplied.error().internal;
    EXPECT_EQ(*reapplied, 1);
    EXPECT_TRUE(tableExists(*db_, "venues"));
    EXPECT_EQ(*migrator.pending(), 0);

    auto none = migrator.down(0);
    ASSERT_TRUE(none.ok());
    EXPECT_EQ(*none, 0);
    auto all = migrator.down(1000);
    ASSERT_TRUE(all.ok());
    EXPECT_EQ(*all, static_cast<int>(embeddedMigrations().size()));
    EXPECT_FALSE(tableExists(*db_, "venues"));
}

TEST_P(MigratorTest, ChangedChecksumIsRefusedNamingTheVersion) {
    Migrator migrator(*db_, embeddedMigrations());
    ASSERT_TRUE(migrator.up().ok());
    ASSERT_TRUE(
        db_->run([](soci::session& s) { s << "UPDATE schema_migrations SET checksum = 'tampered' WHERE version = 1"; })
            .ok());

    auto refused = migrator.up();
    ASSERT_FALSE(refused.ok());
    EXPECT_EQ(refused.error().code, ErrorCode::ValidationFailed);
    EXPECT_NE(refused.error().detail.find("000001_init"), std::string::npos) << refused.error().detail;
    EXPECT_NE(refused.error().detail.find("changed since it was applied"), std::string::npos) << refused.error().detail;

    auto status = migrator.status();
    ASSERT_TRUE(status.ok());
    EXPECT_TRUE(status->front().checksumMismatch);
    EXPECT_TRUE(status->front().applied);

    // The same happens when the file, not the row, changed.
    auto edited = embeddedMigrations();
    edited.front().up += "\n-- edited after release\n";
    const std::string original = migrator.status()->front().checksum;
    ASSERT_TRUE(db_->run([&](soci::session& s) {
                       s << "UPDATE schema_migrations SET checksum = :c WHERE version = 1", soci::use(original);
                   })
                    .ok());
    ASSERT_TRUE(migrator.up().ok());
    Migrator editedMigrator(*db_, edited);
    auto refusedToo = editedMigrator.up();
    ASSERT_FALSE(refusedToo.ok());
    EXPECT_EQ(refusedToo.error().code, ErrorCode::ValidationFailed);
}

TEST_P(MigratorTest, PartialUniqueIndexIsTheFinalGuardAgainstOverselling) {
    Migrator migrator(*db_, embeddedMigrations());
    ASSERT_TRUE(migrator.up().ok());
    ASSERT_TRUE(
        db_->run([](soci::session& s) {
               s << "INSERT INTO venues (id, name, address, timezone, layout, seat_count, created_at)"
                    " VALUES ('v1', 'Hall', 'Main St 1', 'Europe/Berlin', '{\"sections\":[]}', 10, 1)";
               s << "INSERT INTO events (id, title, kind, created_at, updated_at)"
                    " VALUES ('e1', 'Gig', 'concert', 1, 1)";
               s << "INSERT INTO shows (id, event_id, venue_id, starts_at, local_date, sale_opens_at,"
                    " sale_closes_at, currency, created_at, updated_at)"
                    " VALUES ('s1', 'e1', 'v1', 100, '2026-12-01', 10, 90, 'EUR', 1, 1)";
               for (const char* order : {"o1", "o2", "o3"}) {
                   const std::string id = order;
                   const std::string hold = std::string("h-") + order;
                   s << "INSERT INTO orders (id, show_id, user_id, hold_id, status, amount_minor, currency,"
                        " customer_name, customer_email, expires_at, created_at, updated_at)"
                        " VALUES (:id, 's1', 'u1', :hold, 'PAYMENT_PENDING', 1000, 'EUR', 'Ann', 'a@x.org', 5, 1, 1)",
                       soci::use(id), soci::use(hold);
               }
           })
            .ok());
    auto insertSeat = [&](const std::string& order, int active) {
        return db_->run([&](soci::session& s) {
            s << "INSERT INTO order_seats (order_id, show_id, seat_id, tier, price_minor, active)"
                 " VALUES (:o, 's1', 'A-1', 'standard', 1000, :a)",
                soci::use(order), soci::use(active);
        });
    };

    ASSERT_TRUE(insertSeat("o1", 1).ok());
    const auto oversold = insertSeat("o2", 1);
    ASSERT_FALSE(oversold.ok());
    EXPECT_EQ(oversold.error().code, ErrorCode::Conflict);
    EXPECT_TRUE(isUniqueViolation(oversold.error())) << oversold.error().internal;

    // An expired order frees its seats by deactivating them; then the seat can be sold again.
    ASSERT_TRUE(
        db_->run([](soci::session& s) { s << "UPDATE order_seats SET active = 0 WHERE order_id = 'o1'"; }).ok());
    EXPECT_TRUE(insertSeat("o2", 1).ok());
    EXPECT_FALSE(insertSeat("o3", 1).ok());
    EXPECT_TRUE(insertSeat("o3", 0).ok());  // inactive rows never collide

    // Other guards from the same schema.
    const auto badStatus = db_->run([](soci::session& s) { s << "UPDATE orders SET status = 'PAID' WHERE id = 'o1'"; });
    ASSERT_FALSE(badStatus.ok());
    EXPECT_EQ(badStatus.error().code, ErrorCode::ValidationFailed) << badStatus.error().internal;
    const auto sameHold = db_->run([](soci::session& s) {
        s << "INSERT INTO orders (id, show_id, user_id, hold_id, status, amount_minor, currency,"
             " customer_name, customer_email, expires_at, created_at, updated_at)"
             " VALUES ('o4', 's1', 'u1', 'h-o1', 'PAYMENT_PENDING', 1000, 'EUR', 'Ann', 'a@x.org', 5, 1, 1)";
    });
    ASSERT_FALSE(sameHold.ok());
    EXPECT_TRUE(isUniqueViolation(sameHold.error())) << sameHold.error().internal;
    const auto orphan = db_->run([](soci::session& s) {
        s << "INSERT INTO tickets (code, order_id, show_id, seat_id, user_id, issued_at) VALUES ('T1', 'nope', 's1', "
             "'A-1', 'u1', 1)";
    });
    ASSERT_FALSE(orphan.ok());
    EXPECT_EQ(orphan.error().detail, "refers to missing data or is still referenced") << orphan.error().internal;
    const auto firstTicket = db_->run([](soci::session& s) {
        s << "INSERT INTO tickets (code, order_id, show_id, seat_id, user_id, issued_at) VALUES ('T1', 'o2', 's1', "
             "'A-1', 'u1', 1)";
    });
    ASSERT_TRUE(firstTicket.ok()) << firstTicket.error().internal;
    const auto secondTicket = db_->run([](soci::session& s) {
        s << "INSERT INTO tickets (code, order_id, show_id, seat_id, user_id, issued_at) VALUES ('T2', 'o2', 's1', "
             "'A-1', 'u1', 1)";
    });
    ASSERT_FALSE(secondTicket.ok());
    EXPECT_TRUE(isUniqueViolation(secondTicket.error()));
}

TEST_P(MigratorTest, ScriptsAreSplitOutsideQuotesAndComments) {
    std::vector<Migration> custom{{1, "tricky",
                                   "-- a comment; with a semicolon: and a colon\n"
                                   "CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT NOT NULL);\n"
                                   "/* block; comment\n spanning lines; */\n"
                                   "INSERT INTO notes (id, body) VALUES (1, 'semi;\n-- not a comment;\nend');\n"
                                   "INSERT INTO notes (id, body) VALUES (2, 'it''s; fine'); -- trailing; comment\n"
                                   "INSERT INTO notes (id, body)\n  VALUES (3, 'x');",
                                   "DROP TABLE IF EXISTS notes;\n"}};
    Migrator migrator(*db_, custom);
    auto applied = migrator.up();
    ASSERT_TRUE(applied.ok()) << applied.error().internal;
    EXPECT_EQ(*applied, 1);
    std::string body1;
    std::string body2;
    ASSERT_TRUE(db_->run([&](soci::session& s) {
                       s << "SELECT body FROM notes WHERE id = 1", soci::into(body1);
                       s << "SELECT body FROM notes WHERE id = 2", soci::into(body2);
                   })
                    .ok());
    EXPECT_EQ(body1, "semi;\n-- not a comment;\nend");
    EXPECT_EQ(body2, "it's; fine");
    EXPECT_EQ(countRows(*db_, "notes"), 3);
}

TEST_P(MigratorTest, FailedMigrationLeavesNoTrace) {
    std::vector<Migration> custom{
        {1, "good", "CREATE TABLE a (id INTEGER PRIMARY KEY);\n", "DROP TABLE IF EXISTS a;\n"},
        {2, "bad", "CREATE TABLE b (id INTEGER PRIMARY KEY);\nINSERT INTO no_such_table VALUES (1);\n",
         "DROP TABLE IF EXISTS b;\n"},
    };
    Migrator migrator(*db_, custom);
    auto applied = migrator.up();
    ASSERT_FALSE(applied.ok());
    EXPECT_EQ(applied.error().code, ErrorCode::Internal);
    EXPECT_TRUE(tableExists(*db_, "a"));   // 1 committed on its own
    EXPECT_FALSE(tableExists(*db_, "b"));  // 2's DDL rolled back with it
    EXPECT_EQ(countRows(*db_, "schema_migrations"), 1);
    auto pending = migrator.pending();
    ASSERT_TRUE(pending.ok());
    EXPECT_EQ(*pending, 1);
}

INSTANTIATE_TEST_SUITE_P(Dialects, MigratorTest, ::testing::Values(Dialect::Postgres, Dialect::Sqlite), dialectName);

TEST(MigratorPostgres, ConcurrentUpAppliesEachMigrationExactlyOnce) {
    const std::string url = boxoffice::testing::createPgDatabase("migrace");
    constexpr int kReplicas = 8;
    std::vector<std::unique_ptr<Database>> replicas;
    for (int i = 0; i < kReplicas; ++i) replicas.push_back(openDb(url, 1));

    std::latch start(kReplicas);
    std::vector<std::future<Result<int>>> runs;
    for (int i = 0; i < kReplicas; ++i) {
        runs.push_back(std::async(std::launch::async, [&, i] {
            Migrator migrator(*replicas[static_cast<std::size_t>(i)], embeddedMigrations());
            start.arrive_and_wait();
            return migrator.up();
        }));
    }
    int appliedTotal = 0;
    for (auto& run : runs) {
        auto r = run.get();
        ASSERT_TRUE(r.ok()) << r.error().internal;
        appliedTotal += *r;
    }
    const long long total = static_cast<long long>(embeddedMigrations().size());
    EXPECT_EQ(appliedTotal, total);
    auto& db = *replicas.front();
    EXPECT_EQ(countRows(db, "schema_migrations"), total);
    long long distinctVersions = 0;
    long long advisoryLocks = -1;
    ASSERT_TRUE(db.run([&](soci::session& s) {
                      s << "SELECT count(DISTINCT version) FROM schema_migrations", soci::into(distinctVersions);
                      s << "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND database = (SELECT oid FROM "
                           "pg_database WHERE datname = current_database())",
                          soci::into(advisoryLocks);
                  }).ok());
    EXPECT_EQ(distinctVersions, total);
    EXPECT_EQ(advisoryLocks, 0);  // every run let go of the lock, though the sessions stay pooled
}

TEST(MigratorPostgres, RefusalReleasesTheAdvisoryLock) {
    const std::string url = boxoffice::testing::createPgDatabase("miglock");
    auto db = openDb(url, 1);
    Migrator migrator(*db, embeddedMigrations());
    ASSERT_TRUE(migrator.up().ok());
    ASSERT_TRUE(db->run([](soci::session& s) { s << "UPDATE schema_migrations SET checksum = 'x'"; }).ok());
    ASSERT_FALSE(migrator.up().ok());

    auto other = openDb(url, 1);
    long long locks = -1;
    ASSERT_TRUE(other
                    ->run([&](soci::session& s) {
                        s << "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND database = (SELECT oid "
                             "FROM pg_database WHERE datname = current_database())",
                            soci::into(locks);
                    })
                    .ok());
    EXPECT_EQ(locks, 0);
    auto reverted = Migrator(*other, embeddedMigrations()).down(1);  // not blocked by the first replica
    ASSERT_TRUE(reverted.ok()) << reverted.error().internal;
    EXPECT_EQ(*reverted, 1);
}

}  // namespace
