#include "storage/sql/sql_idempotency_store.hpp"

#include <soci/soci.h>

#include <utility>

#include "storage/sql/one_shot.hpp"

namespace boxoffice::sql {
namespace {

namespace q {
// One statement claims a new key, takes over an expired one, takes over a dead claim (no answer
// and its lease passed) of the same request, or renews its owner's own claim (a resent claim) (PostgreSQL >= 9.5 and
// SQLite >= 3.24 share this upsert syntax). Being a single statement, it is atomic on both: of several requests racing
// for one key, exactly one sees a changed row; an expired row is replaced, never merged.
constexpr const char* kClaim =
    "INSERT INTO idempotency_keys (user_id, idem_key, request_hash, status_code, response_body, created_at, "
    "expires_at, lease_until, claim_owner) VALUES (:user, :key, :hash, NULL, NULL, :created, :expires, :lease, "
    ":owner) "
    "ON CONFLICT (user_id, idem_key) DO UPDATE SET request_hash = excluded.request_hash, status_code = NULL, "
    "response_body = NULL, created_at = excluded.created_at, expires_at = excluded.expires_at, "
    "lease_until = excluded.lease_until, claim_owner = excluded.claim_owner "
    "WHERE idempotency_keys.expires_at <= :now OR (idempotency_keys.status_code IS NULL AND "
    "idempotency_keys.request_hash = excluded.request_hash AND (idempotency_keys.lease_until <= :now2 OR "
    "idempotency_keys.claim_owner = excluded.claim_owner))";
// After a refused claim: which request the row is for, and its answer if there is one.
constexpr const char* kSelect =
    "SELECT request_hash, status_code, response_body FROM idempotency_keys "
    "WHERE user_id = :user AND idem_key = :key";
// Only the open claim of its owner is completed: a stored response is never overwritten, and a
// request whose claim was taken over (its lease passed) leaves the answer to the one that took it.
constexpr const char* kComplete =
    "UPDATE idempotency_keys SET status_code = :status, response_body = :body "
    "WHERE user_id = :user AND idem_key = :key AND status_code IS NULL AND claim_owner = :owner";
// A completed response must survive: abandoning it would let the request run twice.
constexpr const char* kAbandon =
    "DELETE FROM idempotency_keys WHERE user_id = :user AND idem_key = :key AND status_code IS NULL "
    "AND claim_owner = :owner";
// A claim is dead once its lease passed without an answer (the claim statement above takes such a
// row over). The partial index idempotency_keys_open_claims keeps this to the open claims.
constexpr const char* kPurgeDead = "DELETE FROM idempotency_keys WHERE status_code IS NULL AND lease_until <= :now";
}  // namespace q

// The row can vanish between the claim and the read (its owner abandoned it): claim again, a few
// times at most.
constexpr int kClaimAttempts = 3;

}  // namespace

Result<IdempotencyClaim> SqlIdempotencyStore::claim(const UserId& user, const std::string& key,
                                                    const std::string& requestHash, EpochMs now, EpochMs expiresAt,
                                                    const IdempotencyLease& lease) {
    long long at = now, expires = expiresAt, leaseUntil = lease.until;
    for (int attempt = 1;; ++attempt) {
        bool claimed = false, found = false;
        std::string hash, body;
        int status = 0;
        soci::indicator statusInd = soci::i_null, bodyInd = soci::i_null;
        auto r = db_.run([&](soci::session& sql) {
            soci::statement st = oneShot(sql, q::kClaim, soci::use(user.str()), soci::use(key), soci::use(requestHash),
                                         soci::use(at), soci::use(expires), soci::use(leaseUntil),
                                         soci::use(lease.owner), soci::use(at), soci::use(at));
            st.execute(true);
            claimed = st.get_affected_rows() > 0;
            if (!claimed) {
                soci::statement read = oneShot(sql, q::kSelect, soci::use(user.str()), soci::use(key), soci::into(hash),
                                               soci::into(status, statusInd), soci::into(body, bodyInd));
                read.execute(true);
                found = read.got_data();
            }
        });
        if (!r) return std::move(r).error();
        // The row was new, expired, or a dead claim of this request (a takeover).
        if (claimed) return IdempotencyClaim{IdempotencyClaim::Kind::Claimed, 0, {}};
        if (found) {
            if (hash != requestHash) return IdempotencyClaim{IdempotencyClaim::Kind::Mismatch, 0, {}};
            if (statusInd != soci::i_ok) return IdempotencyClaim{IdempotencyClaim::Kind::InProgress, 0, {}};
            return IdempotencyClaim{IdempotencyClaim::Kind::Replay, status,
                                    bodyInd == soci::i_ok ? body : std::string()};
        }
        // Claimed and abandoned by others over and over: tell the client to come back later.
        if (attempt >= kClaimAttempts) return IdempotencyClaim{IdempotencyClaim::Kind::InProgress, 0, {}};
    }
}

Result<void> SqlIdempotencyStore::complete(const UserId& user, const std::string& key, const std::string& owner,
                                           int status, const std::string& body) {
    return db_.run([&](soci::session& sql) {
        sql << q::kComplete, soci::use(status), soci::use(body), soci::use(user.str()), soci::use(key),
            soci::use(owner);
    });
}

Result<void> SqlIdempotencyStore::abandon(const UserId& user, const std::string& key, const std::string& owner) {
    return db_.run(
        [&](soci::session& sql) { sql << q::kAbandon, soci::use(user.str()), soci::use(key), soci::use(owner); });
}

Result<long long> SqlIdempotencyStore::purgeDeadClaims(EpochMs now) {
    long long at = now, purged = 0;
    auto r = db_.run([&](soci::session& sql) {
        soci::statement st = oneShot(sql, q::kPurgeDead, soci::use(at));
        st.execute(true);
        purged = st.get_affected_rows();
    });
    if (!r) return std::move(r).error();
    return purged;
}

}  // namespace boxoffice::sql
