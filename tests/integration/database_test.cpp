// storage/sql/database against real PostgreSQL (a fresh database per test) and SQLite (a fresh file).
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
using boxoffice::testing::TestEnv;
using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

std::string dialectName(const ::testing::TestParamInfo<Dialect>& info) {
    return info.param == Dialect::Postgres ? "Postgres" : "Sqlite";
}

std::string freshUrl(Dialect dialect, const std::string& prefix) {
    return dialect == Dialect::Postgres ? boxoffice::testing::createPgDatabase(prefix)
                                        : boxoffice::testing::tempSqliteUrl(prefix);
}

int pgPort() {
    const std::string& url = TestEnv::get().pgUrl;  // postgresql://app@127.0.0.1:PORT/postgres
    const auto colon = url.rfind(':');
    return std::stoi(url.substr(colon + 1, url.find('/', colon) - colon - 1));
}

// A closed loopback port: bind port 0, read it back, close it.
int closedPort() {
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = 0;
    ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
    socklen_t len = sizeof addr;
    ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
    ::close(fd);
    return ntohs(addr.sin_port);
}

// Forwards loopback TCP to PostgreSQL until stop(): then every connection drops and the port
// refuses new ones, which is what the pool sees when the database host goes away.
class TcpProxy {
public:
    explicit TcpProxy(int targetPort) : targetPort_(targetPort) {
        listenFd_ = ::socket(AF_INET, SOCK_STREAM, 0);
        sockaddr_in addr{};
        addr.sin_family = AF_INET;
        addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        if (::bind(listenFd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 || ::listen(listenFd_, 64) != 0) {
            throw std::runtime_error("proxy: cannot listen");
        }
        socklen_t len = sizeof addr;
        ::getsockname(listenFd_, reinterpret_cast<sockaddr*>(&addr), &len);
        port_ = ntohs(addr.sin_port);
        if (::pipe(wake_) != 0) throw std::runtime_error("proxy: pipe failed");
        thread_ = std::thread([this] { loop(); });
    }
    ~TcpProxy() {
        stop();
        ::close(wake_[0]);
        ::close(wake_[1]);
    }
    TcpProxy(const TcpProxy&) = delete;
    TcpProxy& operator=(const TcpProxy&) = delete;

    int port() const { return port_; }

    void stop() {
        if (!thread_.joinable()) return;
        const char byte = 'x';
        [[maybe_unused]] auto n = ::write(wake_[1], &byte, 1);
        thread_.join();
        ::close(listenFd_);
        for (const auto& [fd, peer] : peers_) ::close(fd);
        peers_.clear();
    }

private:
    void loop() {
        for (;;) {
            std::vector<pollfd> fds{{wake_[0], POLLIN, 0}, {listenFd_, POLLIN, 0}};
            for (const auto& [fd, peer] : peers_) fds.push_back({fd, POLLIN, 0});
            if (::poll(fds.data(), fds.size(), 1000) < 0) continue;
            if (fds[0].revents != 0) return;
            if ((fds[1].revents & POLLIN) != 0) accept();
            for (std::size_t i = 2; i < fds.size(); ++i) {
                if (fds[i].revents == 0 || peers_.count(fds[i].fd) == 0) continue;
                char buf[65536];
                const ssize_t n = ::read(fds[i].fd, buf, sizeof buf);
                const int peer = peers_[fds[i].fd];
                if (n <= 0 || !writeAll(peer, buf, static_cast<std::size_t>(n))) {
                    ::close(fds[i].fd);
                    ::close(peer);
                    peers_.erase(fds[i].fd);
                    peers_.erase(peer);
                }
            }
        }
    }
    void accept() {
        const int client = ::accept(listenFd_, nullptr, nullptr);
        if (client < 0) return;
        const int upstream = ::socket(AF_INET, SOCK_STREAM, 0);
        sockaddr_in addr{};
        addr.sin_family = AF_INET;
        addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        addr.sin_port = htons(static_cast<std::uint16_t>(targetPort_));
        if (::connect(upstream, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
            ::close(client);
            ::close(upstream);
            return;
        }
        peers_[client] = upstream;
        peers_[upstream] = client;
    }
    static bool writeAll(int fd, const char* data, std::size_t size) {
        while (size > 0) {
            const ssize_t n = ::write(fd, data, size);
            if (n <= 0) return false;
            data += n;
            size -= static_cast<std::size_t>(n);
        }
        return true;
    }

    int targetPort_;
    int listenFd_ = -1;
    int port_ = 0;
    int wake_[2] = {-1, -1};
    std::map<int, int> peers_;  // fd -> the fd it forwards to; touched by the loop thread only until stop()
    std::thread thread_;
};

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

// --- URLs and start-up --------------------------------------------------------------------------

void expectOpenFails(const std::string& url, const std::string& mention) {
    DatabaseOptions o;
    o.url = url;
    o.poolSize = 1;
    try {
        (void)Database::open(o);
        ADD_FAILURE() << "open(" << url << ") should throw";
    } catch (const std::runtime_error& e) {
        const std::string what = e.what();
        EXPECT_NE(what.find("BOXOFFICE_DATABASE_URL"), std::string::npos) << what;
        EXPECT_NE(what.find(mention), std::string::npos) << what;
    }
}

TEST(DatabaseOpen, RejectsBadUrlsWithAClearMessage) {
    expectOpenFails("mysql://root@localhost/db", "unsupported scheme 'mysql'");
    expectOpenFails("", "empty");
    expectOpenFails("app:pw@localhost:5432", "has no scheme");
    expectOpenFails("sqlite3://", "file path");
    expectOpenFails("sqlite3://:memory:", ":memory:");
}

TEST(DatabaseOpen, UnreachablePostgresThrowsAtStartUpWithoutThePassword) {
    const std::string url = "postgresql://app:s3cret@127.0.0.1:" + std::to_string(closedPort()) + "/postgres";
    expectOpenFails(url, "cannot connect");
    DatabaseOptions o;
    o.url = url;
    try {
        (void)Database::open(o);
    } catch (const std::runtime_error& e) {
        EXPECT_EQ(std::string(e.what()).find("s3cret"), std::string::npos) << e.what();
    }
}

TEST(DatabaseOpen, RejectsTimeoutsThatMeanForever) {
    DatabaseOptions o;
    o.url = boxoffice::testing::tempSqliteUrl("zero");
    o.poolWait = 0ms;
    EXPECT_THROW((void)Database::open(o), std::runtime_error);
}

TEST(DatabaseOpen, PostgresDeadlinesMergeWithExistingUrlParameters) {
    const std::string base = boxoffice::testing::createPgDatabase("dburl");
    DatabaseOptions o;
    o.url = base + "?application_name=box%20office&options=-c%20search_path%3Dpublic";
    o.poolSize = 1;
    o.statementTimeout = 1234ms;
    auto db = Database::open(o);
    std::string appName, timeout, searchPath;
    ASSERT_TRUE(db->run([&](soci::session& s) {
                      s << "SHOW application_name", soci::into(appName);
                      s << "SHOW statement_timeout", soci::into(timeout);
                      s << "SHOW search_path", soci::into(searchPath);
                  }).ok());
    EXPECT_EQ(appName, "box office");
    EXPECT_EQ(timeout, "1234ms");
    EXPECT_EQ(searchPath, "public");

    // postgres:// works too, and without any parameters of its own.
    o.url = "postgres://" + base.substr(std::string("postgresql://").size());
    auto db2 = Database::open(o);
    ASSERT_TRUE(db2->run([&](soci::session& s) { s << "SHOW statement_timeout", soci::into(timeout); }).ok());
    EXPECT_EQ(timeout, "1234ms");
}

TEST(DatabaseOpen, SqliteConnectionsAreConfiguredAndTheDirectoryIsCreated) {
    std::string url = boxoffice::testing::tempSqliteUrl("pragmas");
    url.insert(url.rfind('/'), "/nested/dir");
    DatabaseOptions o;
    o.url = url;
    o.poolSize = 2;
    o.statementTimeout = 1500ms;
    auto db = Database::open(o);
    struct Pragmas {
        std::string journal;
        int foreignKeys = -1;
        int busy = -1;
        int synchronous = -1;
    };
    // Both sessions leased at once (the latch), so every pooled connection is checked.
    std::latch bothLeased(2);
    auto check = [&] {
        Pragmas p;
        const auto r = db->run([&](soci::session& s) {
            bothLeased.arrive_and_wait();
            s << "PRAGMA journal_mode", soci::into(p.journal);
            s << "PRAGMA foreign_keys", soci::into(p.foreignKeys);
            s << "PRAGMA busy_timeout", soci::into(p.busy);
            s << "PRAGMA synchronous", soci::into(p.synchronous);
        });
        EXPECT_TRUE(r.ok()) << r.error().internal;
        return p;
    };
    auto first = std::async(std::launch::async, check);
    auto second = std::async(std::launch::async, check);
    for (const Pragmas& p : {first.get(), second.get()}) {
        EXPECT_EQ(p.journal, "wal");
        EXPECT_EQ(p.foreignKeys, 1);
        EXPECT_EQ(p.busy, 1500);
        EXPECT_EQ(p.synchronous, 1);  // NORMAL
    }
}

// --- lost connections (PostgreSQL) --------------------------------------------------------------

// Kills one server backend from another connection, as a failover or an idle-timeout would.
void terminateBackend(int pid) {
    DatabaseOptions o;
    o.url = TestEnv::get().pgUrl;
    o.poolSize = 1;
    auto admin = Database::open(o);
    int terminated = 0;
    ASSERT_TRUE(admin
                    ->run([&](soci::session& s) {
                        s << "SELECT CAST(pg_terminate_backend(:p) AS INTEGER)", soci::use(pid), soci::into(terminated);
                    })
                    .ok());
    ASSERT_EQ(terminated, 1);
    for (int i = 0; i < 100; ++i) {  // the backend exits asynchronously
        long long alive = 0;
        ASSERT_TRUE(admin
                        ->run([&](soci::session& s) {
                            s << "SELECT count(*) FROM pg_stat_activity WHERE pid = :p", soci::use(pid),
                                soci::into(alive);
                        })
                        .ok());
        if (alive == 0) return;
        std::this_thread::sleep_for(20ms);
    }
    FAIL() << "backend " << pid << " still alive";
}

TEST(DatabasePostgres, TerminatedBackendIsReconnectedAndRunRetried) {
    const std::string url = boxoffice::testing::createPgDatabase("dbreconnect");
    DatabaseOptions o;
    o.url = url;
    o.poolSize = 1;
    auto db = Database::open(o);
    int before = 0;
    ASSERT_TRUE(db->run([&](soci::session& s) { s << "SELECT pg_backend_pid()", soci::into(before); }).ok());

    terminateBackend(before);

    int after = 0;
    int calls = 0;
    const auto r = db->run([&](soci::session& s) {
        ++calls;
        s << "SELECT pg_backend_pid()", soci::into(after);
    });
    ASSERT_TRUE(r.ok()) << r.error().internal;
    EXPECT_EQ(calls, 2);  // failed on the dead connection, succeeded on the new one
    EXPECT_NE(after, before);
    EXPECT_NE(after, 0);
}

TEST(DatabasePostgres, TransactIsNotRetriedOnceStarted) {
    const std::string url = boxoffice::testing::createPgDatabase("dbtxlost");
    DatabaseOptions o;
    o.url = url;
    o.poolSize = 1;
    auto db = Database::open(o);
    int calls = 0;
    const auto r = db->transact([&](soci::session& s) -> Result<void> {
        ++calls;
        int pid = 0;
        s << "SELECT pg_backend_pid()", soci::into(pid);
        terminateBackend(pid);
        s << "SELECT 1";
        return {};
    });
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code, ErrorCode::DependencyUnavailable) << r.error().internal;
    EXPECT_EQ(calls, 1);
    EXPECT_TRUE(db->ping().ok());  // and the pool heals on the next lease
}

TEST(DatabasePostgres, PingReportsUnavailableWhenTheServerGoesAway) {
    const std::string url = boxoffice::testing::createPgDatabase("dbgone");
    const std::string dbName = url.substr(url.rfind('/') + 1);
    auto proxy = std::make_unique<TcpProxy>(pgPort());
    DatabaseOptions o;
    o.url = "postgresql://app@127.0.0.1:" + std::to_string(proxy->port()) + "/" + dbName;
    o.poolSize = 2;
    o.connectTimeout = 1000ms;
    auto db = Database::open(o);
    ASSERT_TRUE(db->ping().ok());

    proxy->stop();  // connections drop, and the port now refuses
    const auto start = Clock::now();
    const auto ping = db->ping();
    ASSERT_FALSE(ping.ok());
    EXPECT_EQ(ping.error().code, ErrorCode::DependencyUnavailable) << ping.error().internal;
    EXPECT_EQ(ping.error().detail, "database unavailable");
    const auto run = db->run([](soci::session& s) { s << "SELECT 1"; });
    ASSERT_FALSE(run.ok());
    EXPECT_EQ(run.error().code, ErrorCode::DependencyUnavailable) << run.error().internal;
    const auto tx = db->transact([](soci::session&) -> Result<void> { return {}; });
    ASSERT_FALSE(tx.ok());
    EXPECT_EQ(tx.error().code, ErrorCode::DependencyUnavailable) << tx.error().internal;
    EXPECT_LT(Clock::now() - start, 10s);
    EXPECT_EQ(db->inUse(), 0);
}

}  // namespace
