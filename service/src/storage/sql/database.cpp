#include "storage/sql/database.hpp"

#include <soci/postgresql/soci-postgresql.h>
#include <soci/soci.h>
#include <soci/sqlite3/soci-sqlite3.h>

#include <algorithm>
#include <exception>
#include <filesystem>
#include <stdexcept>
#include <string_view>
#include <utility>

#include "storage/sql/native_handles.hpp"
#include "storage/sql/sql_errors.hpp"
#include "util/hex.hpp"

namespace boxoffice::sql {

struct Database::Slot {
    soci::session session;
    // Set when the connection was found dead or a reconnect failed: the next lease reconnects
    // before handing the session out, so one outage does not poison the pool for good.
    bool broken = false;
};

namespace {

constexpr std::string_view kPgScheme = "postgresql://";
constexpr std::string_view kPgShortScheme = "postgres://";
constexpr std::string_view kSqliteScheme = "sqlite3://";

bool startsWith(std::string_view s, std::string_view prefix) {
    return s.substr(0, prefix.size()) == prefix;
}

[[noreturn]] void badUrl(const std::string& why) {
    throw std::runtime_error("BOXOFFICE_DATABASE_URL: " + why);
}

// For messages: hides the password of `scheme://user:password@host`.
std::string redact(const std::string& url) {
    const auto schemeEnd = url.find("://");
    if (schemeEnd == std::string::npos) return url;
    const auto authorityStart = schemeEnd + 3;
    const auto at = url.find('@', authorityStart);
    const auto slash = url.find('/', authorityStart);
    if (at == std::string::npos || (slash != std::string::npos && slash < at)) return url;
    const auto colon = url.find(':', authorityStart);
    if (colon == std::string::npos || colon > at) return url;
    return url.substr(0, colon + 1) + "***" + url.substr(at);
}

// The URL is handed to libpq as a URI. Deadlines are added as query parameters so they hold for
// every connection the pool (re)opens; an explicit connect_timeout in the URL wins, and an
// explicit `options` keeps its flags with statement_timeout appended.
// Trap: SOCI 4.0.3 re-assembles the connect string as `key=value` pairs split at '=' and ' ',
// which turns a bare `postgresql://host/db` into `.../db=`. A URI that ends in a query
// parameter (always the case here) passes through unchanged.
std::string postgresUri(const std::string& url, const DatabaseOptions& o) {
    std::string base = url;
    std::string query;
    if (const auto q = base.find('?'); q != std::string::npos) {
        query = base.substr(q + 1);
        base.resize(q);
    }

    std::vector<std::string> params;
    for (std::size_t start = 0; start <= query.size();) {
        auto end = query.find('&', start);
        if (end == std::string::npos) end = query.size();
        if (end > start) params.push_back(query.substr(start, end - start));
        start = end + 1;
    }

    const auto connectSeconds = std::max<long long>(1, (o.connectTimeout.count() + 999) / 1000);
    const std::string statementFlag = "-c statement_timeout=" + std::to_string(o.statementTimeout.count());
    bool haveConnectTimeout = false;
    bool haveOptions = false;
    for (auto& p : params) {
        if (startsWith(p, "connect_timeout=")) haveConnectTimeout = true;
        if (startsWith(p, "options=")) {
            haveOptions = true;
            p += util::percentEncode(" " + statementFlag);
        }
    }
    if (!haveConnectTimeout) params.push_back("connect_timeout=" + std::to_string(connectSeconds));
    if (!haveOptions) params.push_back("options=" + util::percentEncode(statementFlag));

    std::string out = base + "?";
    for (std::size_t i = 0; i < params.size(); ++i) {
        if (i > 0) out += '&';
        out += params[i];
    }
    return out;
}

std::string sqlitePath(const std::string& url) {
    const std::string path = url.substr(kSqliteScheme.size());
    if (path.empty()) badUrl("sqlite3:// needs a file path, e.g. sqlite3:///var/lib/boxoffice/boxoffice.db");
    if (path == ":memory:" || startsWith(path, "file::memory:")) {
        badUrl("sqlite3://:memory: is not supported (each pooled connection would see its own database)");
    }
    // SOCI's sqlite3 connect-string parser splits on blanks and its quoting is unreliable.
    if (path.find_first_of(" \t\r\n\"'") != std::string::npos) {
        badUrl("the SQLite path must not contain blanks or quotes: " + path);
    }
    return path;
}

void configureSqlite(soci::session& s, std::chrono::milliseconds statementTimeout) {
    // Without extended codes a unique violation and a foreign-key violation are both just
    // SQLITE_CONSTRAINT; sql_errors.cpp needs to tell them apart.
    sqlite_api::sqlite3_extended_result_codes(sqliteConnectionOf(s), 1);
    s << "PRAGMA journal_mode=WAL";
    s << "PRAGMA foreign_keys=ON";
    s << "PRAGMA synchronous=NORMAL";
    s << "PRAGMA busy_timeout=" + std::to_string(statementTimeout.count());
}

// A failed query does not always say the connection is gone (a terminated backend reports
// 57P01 or nothing at all), but libpq's status does.
bool pgConnectionBad(soci::session& s) {
    PGconn* conn = pgConnectionOf(s);
    return conn == nullptr || PQstatus(conn) != CONNECTION_OK;
}

// True when the session sits inside an open (or failed) transaction.
bool inTransaction(soci::session& s, Dialect dialect) {
    if (dialect == Dialect::Postgres) {
        PGconn* conn = pgConnectionOf(s);
        if (conn == nullptr) return false;
        const auto status = PQtransactionStatus(conn);
        return status == PQTRANS_INTRANS || status == PQTRANS_INERROR || status == PQTRANS_ACTIVE;
    }
    auto* conn = sqliteConnectionOf(s);
    return conn != nullptr && sqlite_api::sqlite3_get_autocommit(conn) == 0;
}

class ScopeExit {
public:
    explicit ScopeExit(std::function<void()> f) : f_(std::move(f)) {}
    ~ScopeExit() { f_(); }
    ScopeExit(const ScopeExit&) = delete;
    ScopeExit& operator=(const ScopeExit&) = delete;

private:
    std::function<void()> f_;
};

}  // namespace

std::unique_ptr<Database> Database::open(const DatabaseOptions& options) {
    if (options.poolSize < 1) throw std::runtime_error("database pool size must be at least 1");
    // Zero would mean "wait forever" to the layers below; every call here has a deadline.
    if (options.poolWait.count() <= 0 || options.connectTimeout.count() <= 0 || options.statementTimeout.count() <= 0) {
        throw std::runtime_error("database timeouts (pool wait, connect, statement) must be positive");
    }
    const std::string& url = options.url;
    if (url.empty()) badUrl("is empty; expected postgresql://... or sqlite3://PATH");

    Dialect dialect;
    const soci::backend_factory* factory = nullptr;
    std::string connectString;
    if (startsWith(url, kPgScheme) || startsWith(url, kPgShortScheme)) {
        dialect = Dialect::Postgres;
        factory = &soci::postgresql;
        connectString = postgresUri(url, options);
    } else if (startsWith(url, kSqliteScheme)) {
        dialect = Dialect::Sqlite;
        factory = &soci::sqlite3;
        const std::string path = sqlitePath(url);
        const auto parent = std::filesystem::path(path).parent_path();
        if (!parent.empty()) {
            std::error_code ec;
            std::filesystem::create_directories(parent, ec);
            if (ec) badUrl("cannot create directory " + parent.string() + ": " + ec.message());
        }
        const auto timeoutSeconds = std::max<long long>(1, (options.statementTimeout.count() + 999) / 1000);
        connectString = "db=" + path + " timeout=" + std::to_string(timeoutSeconds);
    } else {
        // Never echo the whole URL here: without a scheme, redact() cannot find a password.
        const auto schemeEnd = url.find("://");
        badUrl(schemeEnd == std::string::npos
                   ? std::string("has no scheme; expected postgresql://, postgres:// or sqlite3://")
                   : "unsupported scheme '" + url.substr(0, schemeEnd) +
                         "'; expected postgresql://, postgres:// or sqlite3://");
    }

    std::unique_ptr<Database> db(new Database(dialect, options));
    // release() runs in destructors: its push_back must never need to allocate.
    db->free_.reserve(static_cast<std::size_t>(options.poolSize));
    for (int i = 0; i < options.poolSize; ++i) {
        auto slot = std::make_unique<Slot>();
        try {
            slot->session.open(*factory, connectString);
            if (dialect == Dialect::Sqlite) configureSqlite(slot->session, options.statementTimeout);
        } catch (const std::exception& e) {
            throw std::runtime_error("BOXOFFICE_DATABASE_URL: cannot connect to " + redact(url) + ": " + e.what());
        }
        db->free_.push_back(slot.get());
        db->slots_.push_back(std::move(slot));
    }
    return db;
}

Database::Database(Dialect dialect, DatabaseOptions options) : dialect_(dialect), options_(std::move(options)) {}

Database::~Database() = default;

int Database::poolSize() const {
    return static_cast<int>(slots_.size());
}

int Database::inUse() const {
    std::lock_guard lock(mu_);
    return static_cast<int>(slots_.size() - free_.size());
}

Database::PoolStats Database::poolStats() const {
    return {acquired_.load(std::memory_order_relaxed), exhausted_.load(std::memory_order_relaxed),
            static_cast<double>(waitNanos_.load(std::memory_order_relaxed)) / 1e9,
            reconnects_.load(std::memory_order_relaxed)};
}

Result<Database::Slot*> Database::acquire() {
    const auto started = std::chrono::steady_clock::now();
    std::unique_lock lock(mu_);
    const bool got = cv_.wait_for(lock, options_.poolWait, [this] { return !free_.empty(); });
    waitNanos_.fetch_add(
        static_cast<std::uint64_t>(
            std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now() - started).count()),
        std::memory_order_relaxed);
    if (!got) {
        exhausted_.fetch_add(1, std::memory_order_relaxed);
        return poolExhausted(options_.poolWait);
    }
    acquired_.fetch_add(1, std::memory_order_relaxed);
    Slot* slot = free_.back();
    free_.pop_back();
    return slot;
}

void Database::release(Slot* slot) {
    // Never hand the next caller a session stuck inside somebody else's transaction.
    if (!slot->broken && inTransaction(slot->session, dialect_)) {
        try {
            slot->session << "ROLLBACK";
        } catch (...) {
            slot->broken = true;
        }
    }
    {
        std::lock_guard lock(mu_);
        free_.push_back(slot);
    }
    cv_.notify_one();
}

namespace {

// Reconnects a session marked broken; DependencyUnavailable when the server is still away.
Result<void> repair(soci::session& session, bool& broken, Dialect dialect, std::chrono::milliseconds statementTimeout) {
    if (!broken) return {};
    try {
        session.reconnect();
        if (dialect == Dialect::Sqlite) configureSqlite(session, statementTimeout);
        broken = false;
        return {};
    } catch (...) {
        Error e = translateException(std::current_exception());
        // Whatever the reconnect said, the session is not usable.
        if (e.code != ErrorCode::DependencyUnavailable && e.code != ErrorCode::DependencyTimeout) {
            return databaseUnavailable("reconnect failed: " + e.internal);
        }
        return e;
    }
}

// A failure on a connection found lost is DependencyUnavailable whatever it looked like.
Error asConnectionLost(Error error) {
    if (error.code == ErrorCode::DependencyUnavailable) return error;
    return databaseUnavailable("connection lost: " + error.internal);
}

}  // namespace

Result<void> Database::reconnectIfBroken(Slot& slot) {
    const bool wasBroken = slot.broken;
    auto repaired = repair(slot.session, slot.broken, dialect_, options_.statementTimeout);
    if (repaired.ok() && wasBroken) reconnects_.fetch_add(1, std::memory_order_relaxed);
    return repaired;
}

Result<void> Database::run(const std::function<void(soci::session&)>& fn) {
    return call([&fn](soci::session& session) -> Result<void> {
        fn(session);
        return {};
    });
}

Result<void> Database::call(const std::function<Result<void>(soci::session&)>& fn) {
    auto leased = acquire();
    if (!leased.ok()) return std::move(leased).error();
    Slot* slot = leased.value();
    ScopeExit releaseOnExit([this, slot] { release(slot); });

    for (int attempt = 0;; ++attempt) {
        if (auto repaired = reconnectIfBroken(*slot); !repaired.ok()) return repaired;
        try {
            Result<void> done = fn(slot->session);
            if (done.ok() || dialect_ != Dialect::Postgres || !pgConnectionBad(slot->session)) return done;
            slot->broken = true;
            Error error = asConnectionLost(std::move(done).error());
            if (attempt >= 1) return error;
        } catch (...) {
            const auto ep = std::current_exception();
            Error error = translateException(ep);
            const bool lost = isConnectionLoss(ep) || (dialect_ == Dialect::Postgres && pgConnectionBad(slot->session));
            if (!lost) return error;
            slot->broken = true;
            if (attempt >= 1) return asConnectionLost(std::move(error));
        }
    }
}

Result<void> Database::transact(const std::function<Result<void>(soci::session&)>& fn) {
    auto leased = acquire();
    if (!leased.ok()) return std::move(leased).error();
    Slot* slot = leased.value();
    ScopeExit releaseOnExit([this, slot] { release(slot); });

    auto lostOrBad = [&](const std::exception_ptr& ep) {
        return isConnectionLoss(ep) || (dialect_ == Dialect::Postgres && pgConnectionBad(slot->session));
    };
    auto failed = [&](const std::exception_ptr& ep) {
        Error error = translateException(ep);
        if (!lostOrBad(ep)) return error;
        slot->broken = true;
        return asConnectionLost(std::move(error));
    };
    auto rollback = [&] {
        if (slot->broken) return;
        try {
            slot->session << "ROLLBACK";
        } catch (...) {
            if (lostOrBad(std::current_exception())) slot->broken = true;
        }
    };

    // Retrying BEGIN on a stale pooled connection is safe: nothing of `fn` has run yet.
    // SQLite takes the write lock up front (IMMEDIATE): a deferred transaction that reads and
    // then writes can fail with SQLITE_BUSY on the upgrade, which busy_timeout does not wait out.
    const char* begin = dialect_ == Dialect::Sqlite ? "BEGIN IMMEDIATE" : "BEGIN";
    for (int attempt = 0;; ++attempt) {
        if (auto repaired = reconnectIfBroken(*slot); !repaired.ok()) return repaired;
        try {
            slot->session << begin;
            break;
        } catch (...) {
            const auto ep = std::current_exception();
            Error error = failed(ep);
            if (!slot->broken || attempt >= 1) return error;
        }
    }

    Result<void> outcome;
    try {
        outcome = fn(slot->session);
    } catch (...) {
        Error error = failed(std::current_exception());
        rollback();
        return error;
    }
    if (!outcome.ok()) {
        rollback();
        return outcome;
    }
    try {
        slot->session << "COMMIT";
    } catch (...) {
        Error error = failed(std::current_exception());
        if (slot->broken) error.internal = "commit outcome unknown: " + error.internal;
        rollback();
        return error;
    }
    return {};
}

Result<void> Database::ping() {
    return run([](soci::session& s) {
        int one = 0;
        s << "SELECT 1", soci::into(one);
    });
}

}  // namespace boxoffice::sql
