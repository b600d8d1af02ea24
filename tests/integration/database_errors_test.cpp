// The one error translation (sql_errors.cpp) met through a real database: constraints, typed by
// code and never by message, bad statements and deadlines.
#include "database_fixture.hpp"

namespace {

using namespace boxoffice::testing::database;

TEST_P(DatabaseTest, UniqueViolationIsConflict) {
    auto db = open();
    createKv(*db);
    ASSERT_TRUE(db->run([](soci::session& s) { s << "INSERT INTO kv (k, v) VALUES ('a', 1)"; }).ok());

    const auto viaRun = db->run([](soci::session& s) { s << "INSERT INTO kv (k, v) VALUES ('a', 2)"; });
    ASSERT_FALSE(viaRun.ok());
    EXPECT_EQ(viaRun.error().code, ErrorCode::Conflict);
    EXPECT_TRUE(isUniqueViolation(viaRun.error())) << viaRun.error().internal;
    EXPECT_NE(viaRun.error().detail, "refers to missing data or is still referenced");
    // The database's own words stay in `internal`, out of what a client sees.
    EXPECT_EQ(viaRun.error().detail.find("kv"), std::string::npos);
    EXPECT_EQ(viaRun.error().detail.find("UNIQUE"), std::string::npos);
    EXPECT_EQ(viaRun.error().detail.find("duplicate"), std::string::npos);

    const auto viaTransact = db->transact([](soci::session& s) -> Result<void> {
        s << "INSERT INTO kv (k, v) VALUES ('b', 1)";
        s << "INSERT INTO kv (k, v) VALUES ('a', 3)";
        return {};
    });
    ASSERT_FALSE(viaTransact.ok());
    EXPECT_TRUE(isUniqueViolation(viaTransact.error())) << viaTransact.error().internal;
    EXPECT_EQ(countKv(*db), 1);  // 'b' rolled back with the rest
}

TEST_P(DatabaseTest, UniqueViolationIsTypedFromTheCodeNotFromTheMessage) {
    auto db = open();
    createKv(*db);
    ASSERT_TRUE(db->run([](soci::session& s) {
                      s << "CREATE UNIQUE INDEX kv_v ON kv (v)";
                      s << "INSERT INTO kv (k, v) VALUES ('a', 1)";
                  }).ok());
    // The primary key and a unique index (SQLite: SQLITE_CONSTRAINT_PRIMARYKEY and _UNIQUE).
    const auto key = db->run([](soci::session& s) { s << "INSERT INTO kv (k, v) VALUES ('a', 2)"; });
    ASSERT_FALSE(key.ok());
    EXPECT_TRUE(isUniqueViolation(key.error())) << key.error().internal;
    const auto index = db->run([](soci::session& s) { s << "INSERT INTO kv (k, v) VALUES ('b', 1)"; });
    ASSERT_FALSE(index.ok());
    EXPECT_TRUE(isUniqueViolation(index.error())) << index.error().internal;

    // A failure whose words read like a unique violation is not one.
    Result<void> lookalike;
    if (GetParam() == Dialect::Postgres) {
        lookalike = db->run([](soci::session& s) {
            s << "DO $$ BEGIN RAISE EXCEPTION 'unique_violation: UNIQUE constraint failed: kv.k'; END $$";
        });
    } else {
        ASSERT_TRUE(db->run([](soci::session& s) {
                          s << "CREATE TRIGGER kv_guard BEFORE INSERT ON kv WHEN NEW.k = 'fake' BEGIN "
                               "SELECT RAISE(ABORT, 'unique_violation: UNIQUE constraint failed: kv.k'); END";
                      }).ok());
        lookalike = db->run([](soci::session& s) { s << "INSERT INTO kv (k, v) VALUES ('fake', 9)"; });
    }
    ASSERT_FALSE(lookalike.ok());
    EXPECT_EQ(lookalike.error().fault, boxoffice::StoreFault::None) << lookalike.error().internal;
    EXPECT_EQ(lookalike.error().code, ErrorCode::Internal) << lookalike.error().internal;
}

TEST(DatabasePostgres, LibpqStatementsTypeUniqueViolationsTheSameWay) {
    DatabaseOptions o;
    o.url = freshUrl(Dialect::Postgres, "dbtest");
    o.poolSize = 1;
    auto db = Database::open(o);
    ASSERT_TRUE(db->run([](soci::session& s) {
                      s << "CREATE TABLE kv (k TEXT PRIMARY KEY, v BIGINT NOT NULL)";
                      s << "INSERT INTO kv (k, v) VALUES ('a', 1)";
                  }).ok());
    for (const bool prepared : {true, false}) {
        const boxoffice::sql::PgStatement insert{"test_kv_insert", "INSERT INTO kv (k, v) VALUES ($1, $2)"};
        const auto r = db->call([&](soci::session& s) -> Result<void> {
            auto out = boxoffice::sql::pgExec(s, insert, {std::string("a"), std::string("2")}, prepared);
            if (out.ok()) return {};
            return out.status().error;
        });
        ASSERT_FALSE(r.ok()) << prepared;
        EXPECT_TRUE(isUniqueViolation(r.error())) << prepared << ": " << r.error().internal;
        const auto raised = db->call([&](soci::session& s) -> Result<void> {
            const boxoffice::sql::PgStatement raise{
                "test_raise", "DO $$ BEGIN RAISE EXCEPTION 'unique_violation: duplicate key value'; END $$"};
            auto out = boxoffice::sql::pgExec(s, raise, {}, prepared);
            if (out.ok()) return {};
            return out.status().error;
        });
        ASSERT_FALSE(raised.ok()) << prepared;
        EXPECT_EQ(raised.error().fault, boxoffice::StoreFault::None) << prepared << ": " << raised.error().internal;
    }
}

TEST_P(DatabaseTest, ForeignKeyAndCheckViolationsAreTranslated) {
    auto db = open();
    ASSERT_TRUE(db->run([](soci::session& s) {
                      s << "CREATE TABLE parent (id TEXT PRIMARY KEY)";
                      s << "CREATE TABLE child (id TEXT PRIMARY KEY, parent_id TEXT NOT NULL REFERENCES parent (id),"
                           " n INTEGER NOT NULL CHECK (n >= 0))";
                  }).ok());
    const auto fk =
        db->run([](soci::session& s) { s << "INSERT INTO child (id, parent_id, n) VALUES ('c', 'nope', 1)"; });
    ASSERT_FALSE(fk.ok());
    EXPECT_EQ(fk.error().code, ErrorCode::Conflict);
    EXPECT_EQ(fk.error().detail, "refers to missing data or is still referenced") << fk.error().internal;
    EXPECT_FALSE(isUniqueViolation(fk.error()));
    EXPECT_TRUE(fk.error().is(boxoffice::StoreFault::ForeignKeyViolation)) << fk.error().internal;

    ASSERT_TRUE(db->run([](soci::session& s) { s << "INSERT INTO parent (id) VALUES ('p')"; }).ok());
    const auto check =
        db->run([](soci::session& s) { s << "INSERT INTO child (id, parent_id, n) VALUES ('c', 'p', -1)"; });
    ASSERT_FALSE(check.ok());
    EXPECT_EQ(check.error().code, ErrorCode::ValidationFailed);
    EXPECT_TRUE(check.error().is(boxoffice::StoreFault::CheckViolation)) << check.error().internal;

    const auto syntax = db->run([](soci::session& s) { s << "SELEKT 1"; });
    ASSERT_FALSE(syntax.ok());
    EXPECT_EQ(syntax.error().code, ErrorCode::Internal);
    EXPECT_EQ(syntax.error().detail, "internal error");
    EXPECT_NE(syntax.error().internal.find("SELEKT"), std::string::npos) << syntax.error().internal;
}

TEST_P(DatabaseTest, StatementDeadlineIsDependencyTimeout) {
    auto db = open(2, 2000ms, 300ms);
    createKv(*db);
    if (GetParam() == Dialect::Postgres) {
        const auto start = Clock::now();
        const auto r = db->run([](soci::session& s) { s << "SELECT pg_sleep(5)"; });
        ASSERT_FALSE(r.ok());
        EXPECT_EQ(r.error().code, ErrorCode::DependencyTimeout) << r.error().internal;
        EXPECT_EQ(r.error().detail, "database timed out");
        EXPECT_LT(Clock::now() - start, 3s);
    } else {
        // SQLite: another connection holds the write lock longer than busy_timeout.
        std::promise<void> locked;
        std::promise<void> letGo;
        auto letGoFuture = letGo.get_future().share();
        auto holder = std::async(std::launch::async, [&] {
            return db->run([&](soci::session& s) {
                s << "BEGIN IMMEDIATE";
                s << "INSERT INTO kv (k, v) VALUES ('held', 1)";
                locked.set_value();
                letGoFuture.wait();
                s << "COMMIT";
            });
        });
        locked.get_future().wait();
        const auto start = Clock::now();
        const auto r = db->transact([](soci::session& s) -> Result<void> {
            s << "INSERT INTO kv (k, v) VALUES ('late', 1)";
            return {};
        });
        const auto waited = Clock::now() - start;
        letGo.set_value();
        ASSERT_TRUE(holder.get().ok());
        ASSERT_FALSE(r.ok());
        EXPECT_EQ(r.error().code, ErrorCode::DependencyTimeout) << r.error().internal;
        EXPECT_GE(waited, 250ms);
        EXPECT_LT(waited, 3s);
    }
    EXPECT_TRUE(db->ping().ok());  // the session is usable afterwards
}

}  // namespace
