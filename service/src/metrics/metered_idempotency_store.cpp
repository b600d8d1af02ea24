#include "metrics/metered_idempotency_store.hpp"

#include "metrics/stopwatch.hpp"

namespace boxoffice::metrics {

MeteredIdempotencyStore::MeteredIdempotencyStore(IdempotencyStore& inner, Metrics& m, const std::string& dep)
    : inner_(inner),
      booking_(m.booking()),
      claim_(m.dependencyOp(dep, "idempotency_claim")),
      complete_(m.dependencyOp(dep, "idempotency_complete")),
      abandon_(m.dependencyOp(dep, "idempotency_abandon")) {}

Result<IdempotencyClaim> MeteredIdempotencyStore::claim(const UserId& user, const std::string& key,
                                                        const std::string& requestHash, EpochMs now, EpochMs expiresAt,
                                                        const IdempotencyLease& lease) {
    Stopwatch w;
    auto r = inner_.claim(user, key, requestHash, now, expiresAt, lease);
    note(claim_, w, r);
    if (r && r->kind == IdempotencyClaim::Kind::Replay) booking_.idempotentReplays->Increment();
    return r;
}

Result<void> MeteredIdempotencyStore::complete(const UserId& user, const std::string& key, const std::string& owner,
                                               int status, const std::string& body) {
    Stopwatch w;
    return record(complete_, w, inner_.complete(user, key, owner, status, body));
}

Result<void> MeteredIdempotencyStore::abandon(const UserId& user, const std::string& key, const std::string& owner) {
    Stopwatch w;
    return record(abandon_, w, inner_.abandon(user, key, owner));
}

}  // namespace boxoffice::metrics
