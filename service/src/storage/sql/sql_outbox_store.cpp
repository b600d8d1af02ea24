#include "storage/sql/sql_outbox_store.hpp"

#include <soci/soci.h>

#include "storage/sql/one_shot.hpp"
#include "storage/sql/pg_statements.hpp"

namespace boxoffice::sql {
namespace {

// A row is due when it is unsent, unparked, past its backoff, not under a live lease, and no
// older row of the same aggregate is still waiting (per-order order on FIFO queues; a parked row
// no longer holds the others back). The subquery's lock makes concurrent relays skip each
// other's candidates instead of waiting; PostgreSQL re-checks the WHERE clause on the row it
// locks, so a row another relay claimed a moment ago is not claimed twice. created_at has
// millisecond resolution and an order is often created and confirmed within one: on a tie, an
// order's creation goes first (its only other event is the one that ends it).
constexpr const char* kDue =
    "SELECT o.id FROM outbox o WHERE o.published_at IS NULL AND o.parked_at IS NULL AND o.available_at <= :now "
    "AND (o.claimed_until IS NULL OR o.claimed_until <= :now2) "
    "AND NOT EXISTS (SELECT 1 FROM outbox e WHERE e.aggregate_id = o.aggregate_id AND e.published_at IS NULL "
    "AND e.parked_at IS NULL AND (e.created_at < o.created_at OR (e.created_at = o.created_at AND "
    "(CASE WHEN e.event_type = 'order.created' THEN 0 ELSE 1 END) < "
    "(CASE WHEN o.event_type = 'order.created' THEN 0 ELSE 1 END)))) "
    "ORDER BY o.available_at, o.created_at, o.id LIMIT :lim";

constexpr const char* kClaimedRows =
    "SELECT o.id, o.aggregate_type, o.aggregate_id, o.event_type, o.payload, o.headers, o.created_at, o.attempts, "
    "r.customer_name, r.customer_email, r.customer_phone "
    "FROM outbox o LEFT JOIN orders r ON o.aggregate_type = 'order' AND r.id = o.aggregate_id "
    "WHERE o.claimed_by = :tok ORDER BY o.created_at, o.id";

constexpr const char* kMarkSentPg =
    "UPDATE outbox SET published_at = :now, claimed_by = NULL, claimed_until = NULL, last_error = NULL "
    "WHERE id = ANY(CAST(:ids AS text[])) AND published_at IS NULL";
constexpr const char* kMarkSentOne =
    "UPDATE outbox SET published_at = :now, claimed_by = NULL, claimed_until = NULL, last_error = NULL "
    "WHERE id = :id AND published_at IS NULL";

constexpr const char* kMarkFailed =
    "UPDATE outbox SET attempts = attempts + 1, last_error = :err, available_at = :retry, parked_at = :parked, "
    "claimed_by = NULL, claimed_until = NULL WHERE id = :id AND claimed_by = :tok AND published_at IS NULL";

constexpr const char* kRelease =
    "UPDATE outbox SET last_error = :err, available_at = :retry, claimed_by = NULL, claimed_until = NULL "
    "WHERE id = :id AND claimed_by = :tok AND published_at IS NULL";

constexpr const char* kPrune =
    "DELETE FROM outbox WHERE id IN (SELECT id FROM outbox WHERE published_at IS NOT NULL AND published_at < :before "
    "LIMIT :lim)";

}  // namespace

Result<std::vector<messaging::OutboxRow>> SqlOutboxStore::claim(const std::string& token, int limit, EpochMs now,
                                                                EpochMs leaseUntil) {
    std::vector<messaging::OutboxRow> rows;
    const bool pg = db_.dialect() == Dialect::Postgres;
    const std::string update =
        std::string("UPDATE outbox SET claimed_by = :tok, claimed_until = :until WHERE id IN (") + kDue +
        (pg ? " FOR UPDATE OF o SKIP LOCKED)" : ")");
    auto r = db_.run([&](soci::session& sql) {
        rows.clear();
        long long at = now, until = leaseUntil;
        int lim = limit;
        std::string tok = token;
        // One statement: on SQLite it holds the write lock throughout, on PostgreSQL it commits
        // by itself, so the lease is visible to every other relay before any message is sent.
        soci::statement claimSt = oneShot(sql, update, soci::use(tok, "tok"), soci::use(until, "until"),
                                          soci::use(at, "now"), soci::use(at, "now2"), soci::use(lim, "lim"));
        claimSt.execute(true);
        if (claimSt.get_affected_rows() == 0) return;
        messaging::OutboxRow row;
        long long created = 0;
        int attempts = 0;
        std::string name, email, phone;
        soci::indicator nameInd = soci::i_null, emailInd = soci::i_null, phoneInd = soci::i_null;
        soci::statement st =
            oneShot(sql, kClaimedRows, soci::into(row.id), soci::into(row.aggregateType), soci::into(row.aggregateId),
                    soci::into(row.eventType), soci::into(row.payload), soci::into(row.headers), soci::into(created),
                    soci::into(attempts), soci::into(name, nameInd), soci::into(email, emailInd),
                    soci::into(phone, phoneInd), soci::use(tok, "tok"));
        st.execute(false);
        while (st.fetch()) {
            messaging::OutboxRow out = row;
            out.createdAt = created;
            out.attempts = attempts;
            if (nameInd == soci::i_ok) out.customerName = name;
            if (emailInd == soci::i_ok) out.customerEmail = email;
            if (phoneInd == soci::i_ok) out.customerPhone = phone;
            rows.push_back(std::move(out));
        }
    });
    if (!r) return std::move(r).error();
    return rows;
}

Result<void> SqlOutboxStore::markSent(const std::vector<std::string>& ids, EpochMs now) {
    if (ids.empty()) return {};
    long long at = now;
    if (db_.dialect() == Dialect::Postgres) {
        const std::string array = pgTextArray(ids);
        return db_.run([&](soci::session& sql) { sql << kMarkSentPg, soci::use(at, "now"), soci::use(array, "ids"); });
    }
    return db_.transact([&](soci::session& sql) -> Result<void> {
        std::string id;
        soci::statement st = oneShot(sql, kMarkSentOne, soci::use(at, "now"), soci::use(id, "id"));
        for (const auto& each : ids) {
            id = each;
            st.execute(true);
        }
        return {};
    });
}

Result<void> SqlOutboxStore::markFailed(const std::string& token, const std::string& id, const std::string& error,
                                        EpochMs retryAt, bool park, EpochMs now) {
    return db_.run([&](soci::session& sql) {
        long long retry = retryAt, parkedAt = now;
        soci::indicator parkedInd = park ? soci::i_ok : soci::i_null;
        std::string err = error.substr(0, 1000);
        sql << kMarkFailed, soci::use(err, "err"), soci::use(retry, "retry"), soci::use(parkedAt, parkedInd, "parked"),
            soci::use(id, "id"), soci::use(token, "tok");
    });
}

Result<void> SqlOutboxStore::release(const std::string& token, const std::vector<std::string>& ids, EpochMs retryAt,
                                     const std::string& error) {
    if (ids.empty()) return {};
    return db_.transact([&](soci::session& sql) -> Result<void> {
        long long retry = retryAt;
        std::string err = error.substr(0, 1000), id, tok = token;
        soci::statement st = oneShot(sql, kRelease, soci::use(err, "err"), soci::use(retry, "retry"),
                                     soci::use(id, "id"), soci::use(tok, "tok"));
        for (const auto& each : ids) {
            id = each;
            st.execute(true);
        }
        return {};
    });
}

Result<long long> SqlOutboxStore::prune(EpochMs publishedBefore, int limit) {
    long long deleted = 0;
    auto r = db_.run([&](soci::session& sql) {
        long long before = publishedBefore;
        int lim = limit;
        soci::statement st = oneShot(sql, kPrune, soci::use(before, "before"), soci::use(lim, "lim"));
        st.execute(true);
        deleted = st.get_affected_rows();
    });
    if (!r) return std::move(r).error();
    return deleted;
}

}  // namespace boxoffice::sql
