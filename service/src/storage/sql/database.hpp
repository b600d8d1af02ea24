#pragma once
// SOCI adapter core: a bounded pool of sessions on PostgreSQL or SQLite, every call with a deadline.
#include <atomic>
#include <chrono>
#include <cstdint>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "domain/result.hpp"

namespace soci {
class session;
}

namespace boxoffice::sql {

enum class Dialect { Postgres, Sqlite };

struct DatabaseOptions {
    /// `postgresql://user:pass@host:port/db?sslmode=...` (or `postgres://`), or `sqlite3://PATH`
    /// (`sqlite3://:memory:` is not supported: each pooled connection would see its own database).
    std::string url;
    int poolSize = 8;
    std::chrono::milliseconds poolWait{2000};  // bounded wait for a free connection
    std::chrono::milliseconds connectTimeout{3000};
    std::chrono::milliseconds statementTimeout{5000};  // PostgreSQL statement_timeout; SQLite busy_timeout
    /// PostgreSQL: the order repository's statements are prepared once per connection (false for
    /// PgBouncer in transaction mode or RDS Proxy); every other statement is a one-time query
    /// either way. The one stance on statements and poolers: pg_statements.hpp.
    bool preparedStatements = true;
};

/// A pool of SOCI sessions. Thread-safe. Errors from SOCI are translated in exactly one place
/// (sql_errors.cpp): a lost connection -> DependencyUnavailable, a deadline -> DependencyTimeout,
/// a unique violation -> Conflict with Error::fault StoreFault::UniqueViolation.
class Database {
public:
    /// Connects `poolSize` sessions. Throws std::runtime_error with a clear message at start-up
    /// when the URL is malformed or the database cannot be reached.
    static std::unique_ptr<Database> open(const DatabaseOptions& options);
    ~Database();
    Database(const Database&) = delete;
    Database& operator=(const Database&) = delete;

    Dialect dialect() const { return dialect_; }
    bool preparedStatements() const { return options_.preparedStatements; }

    /// Runs `fn` on a leased session. If the connection turns out to be dead, the session is
    /// reconnected and `fn` retried once. Waits at most `poolWait` for a session
    /// (DependencyUnavailable "database pool exhausted" otherwise).
    Result<void> run(const std::function<void(soci::session&)>& fn);
    /// run() for work that returns its failures instead of throwing them (libpq statements): an
    /// error on a PostgreSQL connection that is gone counts as a lost connection, with the same
    /// reconnect and one retry.
    Result<void> call(const std::function<Result<void>(soci::session&)>& fn);

    /// Runs `fn` inside one transaction; commits when it returns ok, rolls back when it returns an
    /// error or throws. Not retried after a lost connection once started.
    Result<void> transact(const std::function<Result<void>(soci::session&)>& fn);

    /// `SELECT 1` with the usual deadlines; used by /readyz.
    Result<void> ping();

    /// Pool figures, for metrics.
    int poolSize() const;
    int inUse() const;
    /// Counters since start, for metrics: leases handed out, leases refused after poolWait, time
    /// spent waiting for a lease, and broken sessions reconnected.
    struct PoolStats {
        std::uint64_t acquired = 0;
        std::uint64_t exhausted = 0;
        double waitSeconds = 0;
        std::uint64_t reconnects = 0;
    };
    PoolStats poolStats() const;

private:
    struct Slot;
    Database(Dialect dialect, DatabaseOptions options);
    Result<Slot*> acquire();
    void release(Slot* slot);
    /// Reconnects the slot's session when it is marked broken, counting the reconnect.
    Result<void> reconnectIfBroken(Slot& slot);

    Dialect dialect_;
    DatabaseOptions options_;
    std::vector<std::unique_ptr<Slot>> slots_;
    std::vector<Slot*> free_;
    mutable std::mutex mu_;
    std::condition_variable cv_;
    std::atomic<std::uint64_t> acquired_{0};
    std::atomic<std::uint64_t> exhausted_{0};
    std::atomic<std::uint64_t> waitNanos_{0};
    std::atomic<std::uint64_t> reconnects_{0};
};

}  // namespace boxoffice::sql
