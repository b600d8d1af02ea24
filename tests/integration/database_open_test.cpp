// Database::open: URLs, deadlines in the connect string, start-up failures, SQLite set-up.
#include "database_fixture.hpp"

namespace {

using namespace boxoffice::testing::database;

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

}  // namespace
