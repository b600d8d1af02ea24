#pragma once
// The fixture of the database tests (database_*_test.cpp): storage/sql/database against real
// PostgreSQL (a fresh database per test) and SQLite (a fresh file).
#include "storage/sql/database.hpp"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <soci/postgresql/soci-postgresql.h>
#include <soci/soci.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <future>
#include <latch>
#include <map>
#include <stdexcept>
#include <thread>

#include "storage/sql/pg_statements.hpp"
#include "storage/sql/sql_errors.hpp"
#include "support/test_env.hpp"

namespace boxoffice::testing::database {

// A unique violation as the one translation (sql_errors.cpp) types it.
inline bool isUniqueViolation(const boxoffice::Error& e) {
    return e.code == boxoffice::ErrorCode::Conflict && e.is(boxoffice::StoreFault::UniqueViolation);
}

using boxoffice::ErrorCode;
using boxoffice::Result;
using boxoffice::sql::Database;
using boxoffice::sql::DatabaseOptions;
using boxoffice::sql::Dialect;
using boxoffice::testing::TestEnv;
using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

inline std::string dialectName(const ::testing::TestParamInfo<Dialect>& info) {
    return info.param == Dialect::Postgres ? "Postgres" : "Sqlite";
}

inline std::string freshUrl(Dialect dialect, const std::string& prefix) {
    return dialect == Dialect::Postgres ? boxoffice::testing::createPgDatabase(prefix)
                                        : boxoffice::testing::tempSqliteUrl(prefix);
}

class DatabaseTest : public ::testing::TestWithParam<Dialect> {
protected:
    void SetUp() override { url_ = freshUrl(GetParam(), "dbtest"); }

    std::unique_ptr<Database> open(int poolSize = 4, std::chrono::milliseconds poolWait = 2000ms,
                                   std::chrono::milliseconds statementTimeout = 5000ms) {
        DatabaseOptions o;
        o.url = url_;
        o.poolSize = poolSize;
        o.poolWait = poolWait;
        o.statementTimeout = statementTimeout;
        return Database::open(o);
    }

    static void createKv(Database& db) {
        const auto r = db.run([](soci::session& s) { s << "CREATE TABLE kv (k TEXT PRIMARY KEY, v BIGINT NOT NULL)"; });
        ASSERT_TRUE(r.ok()) << r.error().internal;
    }

    static long long countKv(Database& db) {
        long long n = -1;
        const auto r = db.run([&](soci::session& s) { s << "SELECT count(*) FROM kv", soci::into(n); });
        EXPECT_TRUE(r.ok()) << r.error().internal;
        return n;
    }

    std::string url_;
};

}  // namespace boxoffice::testing::database
