#include "storage/sql/migrator.hpp"
#include "storage/sql/one_shot.hpp"
#include "util/sha256.hpp"

#include <soci/soci.h>

#include <algorithm>
#include <chrono>
#include <map>
#include <optional>
#include <regex>
#include <stdexcept>
#include <string_view>
#include <utility>

namespace boxoffice::sql {

// Generated from migrations/*.sql by cmake/embed_files.cmake.
const std::vector<std::pair<std::string, std::string>>& embeddedMigrationFiles();

namespace {

// Every replica uses the same key, so concurrent `migrate` runs serialise on it. ("boxoffic")
constexpr std::int64_t kAdvisoryLockKey = 0x626f786f66666963;

std::vector<Migration> parseMigrationFiles(const std::vector<std::pair<std::string, std::string>>& files) {
    static const std::regex kName(R"(^(\d{6})_([A-Za-z0-9_-]+)\.(up|down)\.sql$)");
    struct Halves {
        std::string name;
        std::optional<std::string> up;
        std::optional<std::string> down;
    };
    std::map<std::int64_t, Halves> byVersion;
    for (const auto& [file, content] : files) {
        std::smatch m;
        if (!std::regex_match(file, m, kName)) {
            throw std::logic_error("migration file name '" + file + "' is not NNNNNN_title.(up|down).sql");
        }
        const std::int64_t version = std::stoll(m[1].str());
        auto& halves = byVersion[version];
        if (!halves.name.empty() && halves.name != m[2].str()) {
            throw std::logic_error("migration " + m[1].str() + " has two titles: " + halves.name + " and " +
                                   m[2].str());
        }
        halves.name = m[2].str();
        auto& slot = m[3].str() == "up" ? halves.up : halves.down;
        if (slot) throw std::logic_error("migration file '" + file + "' is embedded twice");
        slot = content;
    }
    std::vector<Migration> out;
    for (auto& [version, halves] : byVersion) {
        if (!halves.up || !halves.down) {
            throw std::logic_error("migration " + std::to_string(version) + "_" + halves.name + " lacks its " +
                                   (halves.up ? ".down.sql" : ".up.sql") + " file");
        }
        out.push_back({version, halves.name, std::move(*halves.up), std::move(*halves.down)});
    }
    return out;
}

// Splits a script at each ';' that ends a line outside quotes and comments. Comments are dropped:
// SOCI's PostgreSQL backend rewrites ':name' into bind parameters even inside comments.
std::vector<std::string> splitStatements(std::string_view sql) {
    enum class State { Code, SingleQuote, DoubleQuote, LineComment, BlockComment };
    std::vector<std::string> out;
    std::string current;
    bool hasCode = false;
    State state = State::Code;

    auto restOfLineIsBlank = [&](std::size_t from) {
        for (std::size_t j = from; j < sql.size(); ++j) {
            const char c = sql[j];
            if (c == '\n') return true;
            if (c == '-' && j + 1 < sql.size() && sql[j + 1] == '-') return true;
            if (c != ' ' && c != '\t' && c != '\r') return false;
        }
        return true;
    };
    auto flush = [&] {
        if (hasCode) {
            const auto first = current.find_first_not_of(" \t\r\n");
            const auto last = current.find_last_not_of(" \t\r\n");
            out.push_back(current.substr(first, last - first + 1));
        }
        current.clear();
        hasCode = false;
    };

    for (std::size_t i = 0; i < sql.size(); ++i) {
        const char c = sql[i];
        const char next = i + 1 < sql.size() ? sql[i + 1] : '\0';
        switch (state) {
            case State::Code:
                if (c == '-' && next == '-') {
                    state = State::LineComment;
                    ++i;
                } else if (c == '/' && next == '*') {
                    state = State::BlockComment;
                    current += ' ';
                    ++i;
                } else if (c == ';' && restOfLineIsBlank(i + 1)) {
                    flush();
                } else {
                    if (c == '\'') state = State::SingleQuote;
                    if (c == '"') state = State::DoubleQuote;
                    if (c != ' ' && c != '\t' && c != '\r' && c != '\n') hasCode = true;
                    current += c;
                }
                break;
            case State::SingleQuote:
            case State::DoubleQuote: {
                current += c;
                const char quote = state == State::SingleQuote ? '\'' : '"';
                if (c == quote) {
                    if (next == quote) {  // doubled quote is an escaped quote, still inside
                        current += next;
                        ++i;
                    } else {
                        state = State::Code;
                    }
                }
                break;
            }
            case State::LineComment:
                if (c == '\n') {
                    state = State::Code;
                    current += '\n';
                }
                break;
            case State::BlockComment:
                if (c == '*' && next == '/') {
                    state = State::Code;
                    ++i;
                }
                break;
        }
    }
    flush();
    return out;
}

std::int64_t nowMs() {
    return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
        .count();
}

struct AppliedRow {
    std::int64_t version = 0;
    std::string name;
    std::string checksum;
    std::int64_t appliedAtMs = 0;
};

constexpr const char* kCreateTable =
    "CREATE TABLE IF NOT EXISTS schema_migrations ("
    " version BIGINT PRIMARY KEY,"
    " name TEXT NOT NULL,"
    " checksum TEXT NOT NULL,"
    " applied_at BIGINT NOT NULL)";

bool tableExists(soci::session& s, Dialect dialect) {
    long long count = 0;
    if (dialect == Dialect::Postgres) {
        s << "SELECT count(*) FROM pg_catalog.pg_tables"
             " WHERE schemaname = current_schema() AND tablename = 'schema_migrations'",
            soci::into(count);
    } else {
        s << "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'",
            soci::into(count);
    }
    return count > 0;
}

std::map<std::int64_t, AppliedRow> readApplied(soci::session& s) {
    std::map<std::int64_t, AppliedRow> rows;
    long long version = 0;
    long long appliedAt = 0;
    std::string name;
    std::string checksum;
    soci::statement st =
        oneShot(s, "SELECT version, name, checksum, applied_at FROM schema_migrations ORDER BY version",
                soci::into(version), soci::into(name), soci::into(checksum), soci::into(appliedAt));
    st.execute();
    while (st.fetch()) rows[version] = AppliedRow{version, name, checksum, appliedAt};
    return rows;
}

bool isApplied(soci::session& s, std::int64_t version) {
    long long count = 0;
    const long long v = version;
    s << "SELECT count(*) FROM schema_migrations WHERE version = :v", soci::use(v), soci::into(count);
    return count > 0;
}

// One migration run on one leased session. On PostgreSQL it holds the advisory lock from lock()
// to destruction; the destructor also rolls back a transaction a failure left open, because an
// advisory unlock inside an aborted transaction fails and a pooled session must not keep the lock.
class MigrationRun {
public:
    MigrationRun(soci::session& s, Dialect dialect) : s_(s), dialect_(dialect) {}
    ~MigrationRun() {
        if (inTransaction_) {
            try {
                s_ << "ROLLBACK";
            } catch (...) {
                // The connection is gone; so are the transaction and the lock.
            }
        }
        if (locked_) {
            try {
                s_ << "SELECT pg_advisory_unlock(" + std::to_string(kAdvisoryLockKey) + ")";
            } catch (...) {
            }
        }
    }
    MigrationRun(const MigrationRun&) = delete;
    MigrationRun& operator=(const MigrationRun&) = delete;

    // Serialises concurrent runs (several replicas at once). The wait is bounded by the
    // session's statement_timeout; a run that times out fails cleanly and can be retried.
    void lock() {
        if (dialect_ != Dialect::Postgres) return;
        s_ << "SELECT pg_advisory_lock(" + std::to_string(kAdvisoryLockKey) + ")";
        locked_ = true;
    }
    void begin() {
        // SQLite: take the write lock now, so the "already applied?" re-check inside the
        // transaction cannot be invalidated by another process before we write.
        s_ << (dialect_ == Dialect::Sqlite ? "BEGIN IMMEDIATE" : "BEGIN");
        inTransaction_ = true;
    }
    void commit() {
        s_ << "COMMIT";
        inTransaction_ = false;
    }
    void execScript(const std::string& script) {
        for (const auto& statement : splitStatements(script)) s_ << statement;
    }

private:
    soci::session& s_;
    Dialect dialect_;
    bool locked_ = false;
    bool inTransaction_ = false;
};

// As in the file name: 000001_init.
std::string label(std::int64_t version, const std::string& name) {
    std::string digits = std::to_string(version);
    if (digits.size() < 6) digits.insert(0, 6 - digits.size(), '0');
    return digits + "_" + name;
}

Error checksumChanged(std::int64_t version, const std::string& name) {
    Error e = Error::of(ErrorCode::ValidationFailed, {});
    e.detail = "migration " + label(version, name) +
               " has changed since it was applied (checksum mismatch); restore the file or add a new migration";
    e.internal = e.detail;
    return e;
}

}  // namespace

const std::vector<Migration>& embeddedMigrations() {
    // A throwing initialiser leaves the static uninitialised, so every use reports the build bug.
    static const std::vector<Migration> migrations = parseMigrationFiles(embeddedMigrationFiles());
    return migrations;
}

Migrator::Migrator(Database& db, std::vector<Migration> migrations) : db_(db), migrations_(std::move(migrations)) {
    std::sort(migrations_.begin(), migrations_.end(),
              [](const Migration& a, const Migration& b) { return a.version < b.version; });
}

Result<std::vector<MigrationState>> Migrator::status() {
    std::vector<MigrationState> states;
    const Dialect dialect = db_.dialect();
    auto r = db_.run([&](soci::session& s) {
        states.clear();
        std::map<std::int64_t, AppliedRow> applied;
        if (tableExists(s, dialect)) applied = readApplied(s);
        for (const auto& m : migrations_) {
            MigrationState st;
            st.version = m.version;
            st.name = m.name;
            st.checksum = util::sha256Hex(m.up);
            if (auto it = applied.find(m.version); it != applied.end()) {
                st.applied = true;
                st.appliedAtMs = it->second.appliedAtMs;
                st.checksumMismatch = it->second.checksum != st.checksum;
                applied.erase(it);
            }
            states.push_back(std::move(st));
        }
        // Applied by a newer binary: shown so an operator sees the schema is ahead of this build.
        for (const auto& [version, row] : applied) {
            states.push_back({version, row.name, true, row.checksum, false, row.appliedAtMs});
        }
        std::sort(states.begin(), states.end(),
                  [](const MigrationState& a, const MigrationState& b) { return a.version < b.version; });
    });
    if (!r.ok()) return std::move(r).error();
    return states;
}

Result<int> Migrator::up() {
    int count = 0;
    std::optional<Error> refusal;
    const Dialect dialect = db_.dialect();
    auto r = db_.run([&](soci::session& s) {
        // Database::run retries once after a lost connection; start from scratch then.
        count = 0;
        refusal.reset();
        MigrationRun run(s, dialect);
        run.lock();
        // Checked first rather than relying on IF NOT EXISTS alone: PostgreSQL would print a
        // NOTICE on every run.
        if (!tableExists(s, dialect)) s << kCreateTable;
        // Read only after the lock: another replica may have applied migrations while we waited.
        const auto applied = readApplied(s);
        for (const auto& m : migrations_) {
            if (auto it = applied.find(m.version);
                it != applied.end() && it->second.checksum != util::sha256Hex(m.up)) {
                refusal = checksumChanged(m.version, m.name);
                return;
            }
        }
        for (const auto& m : migrations_) {
            if (applied.count(m.version) > 0) continue;
            run.begin();
            if (dialect == Dialect::Sqlite && isApplied(s, m.version)) {
                run.commit();
                continue;
            }
            run.execScript(m.up);
            const long long version = m.version;
            const std::string checksum = util::sha256Hex(m.up);
            const long long appliedAt = nowMs();
            s << "INSERT INTO schema_migrations (version, name, checksum, applied_at) VALUES (:v, :n, :c, :a)",
                soci::use(version), soci::use(m.name), soci::use(checksum), soci::use(appliedAt);
            run.commit();
            ++count;
        }
    });
    if (!r.ok()) return std::move(r).error();
    if (refusal) return std::move(*refusal);
    return count;
}

Result<int> Migrator::down(int n) {
    if (n < 0) return Error::validation("n", "must not be negative");
    int count = 0;
    std::optional<Error> refusal;
    const Dialect dialect = db_.dialect();
    auto r = db_.run([&](soci::session& s) {
        count = 0;
        refusal.reset();
        if (n == 0) return;
        MigrationRun run(s, dialect);
        run.lock();
        if (!tableExists(s, dialect)) return;
        const auto applied = readApplied(s);
        for (auto it = applied.rbegin(); it != applied.rend() && count < n; ++it) {
            const auto version = it->first;
            const auto known = std::find_if(migrations_.begin(), migrations_.end(),
                                            [&](const Migration& m) { return m.version == version; });
            if (known == migrations_.end()) {
                refusal =
                    Error::of(ErrorCode::ValidationFailed,
                              "migration " + label(version, it->second.name) +
                                  " is applied but unknown to this build; revert it with the build that applied it");
                return;
            }
            run.begin();
            if (dialect == Dialect::Sqlite && !isApplied(s, version)) {
                run.commit();
                continue;
            }
            run.execScript(known->down);
            const long long v = version;
            s << "DELETE FROM schema_migrations WHERE version = :v", soci::use(v);
            run.commit();
            ++count;
        }
    });
    if (!r.ok()) return std::move(r).error();
    if (refusal) return std::move(*refusal);
    return count;
}

Result<int> Migrator::pending() {
    auto states = status();
    if (!states.ok()) return std::move(states).error();
    return static_cast<int>(
        std::count_if(states->begin(), states->end(), [](const MigrationState& s) { return !s.applied; }));
}

}  // namespace boxoffice::sql
