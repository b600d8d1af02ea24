#include "http/idempotency.hpp"

#include <thread>

#include "http/problem.hpp"
#include "util/sha256.hpp"

namespace boxoffice::http {
namespace {

bool validKey(const std::string& k) {
    if (k.empty() || k.size() > 255) return false;
    for (char c : k)
        if (c < 0x21 || c > 0x7e) return false;
    return true;
}

Response replay(const IdempotencyClaim& c) {
    Response r = Response::json(c.status, c.body);
    if (c.status >= 400) r.contentType = "application/problem+json";
    r.with("Idempotent-Replayed", "true");
    return r;
}

// Forgetting a claim that failed is retried: a claim left behind blocks the key's retries until
// its lease passes.
void abandonClaim(IdempotencyStore& store, const UserId& user, const std::string& key, const std::string& owner) {
    constexpr int kAttempts = 3;
    for (int attempt = 1; attempt <= kAttempts; ++attempt) {
        if (store.abandon(user, key, owner)) return;
        if (attempt < kAttempts) std::this_thread::sleep_for(std::chrono::milliseconds(25 * attempt));
    }
}

}  // namespace

Handler idempotent(IdempotencyStore& store, const Clock& clock, IdGenerator& ids, IdempotencySettings settings,
                   Handler inner) {
    return [&store, &clock, &ids, settings, inner = std::move(inner)](const Request& req) -> Result<Response> {
        auto key = req.header("idempotency-key");
        if (!key || !req.principal) return inner(req);
        if (!validKey(*key)) return Error::validation("Idempotency-Key", "must be 1-255 visible ASCII characters");
        const UserId user{req.principal->userId};
        const std::string hash =
            util::sha256Hex(std::string(methodName(req.method)) + " " + req.path + "\n" + req.body);
        const auto deadline = std::chrono::steady_clock::now() + settings.waitForFirst;
        const std::string owner = ids.next();
        for (;;) {
            const EpochMs now = clock.nowMs();
            auto claim = store.claim(user, *key, hash, now, now + settings.retention.count(),
                                     IdempotencyLease{owner, now + settings.lease.count()});
            if (!claim) return std::move(claim).error();
            switch (claim->kind) {
                case IdempotencyClaim::Kind::Mismatch:
                    return Error::of(ErrorCode::IdempotencyKeyReused,
                                     "this Idempotency-Key was used for a different request");
                case IdempotencyClaim::Kind::Replay:
                    return replay(*claim);
                case IdempotencyClaim::Kind::InProgress:
                    if (std::chrono::steady_clock::now() >= deadline)
                        return Error::of(ErrorCode::Conflict,
                                         "a request with this Idempotency-Key is still in progress; retry");
                    std::this_thread::sleep_for(std::chrono::milliseconds(20));
                    continue;
                case IdempotencyClaim::Kind::Claimed:
                    break;
            }
            break;
        }
        auto result = inner(req);
        Response response = result ? std::move(result).value() : problem(result.error(), req.requestId);
        if (response.status >= 500) {
            abandonClaim(store, user, *key, owner);
            // The error itself goes back, not its rendering: the access log then has its internal
            // message (a keyed request's 500 used to be logged without its cause).
            if (!result) return std::move(result).error();
        } else {
            const std::string& body = response.sharedBody ? *response.sharedBody : response.body;
            if (auto done = store.complete(user, *key, owner, response.status, body); !done)
                abandonClaim(store, user, *key, owner);
        }
        return response;
    };
}

}  // namespace boxoffice::http
