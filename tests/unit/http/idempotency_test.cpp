// http/idempotency.hpp on a store fake (a map): what a keyed request's outcome does to its key, and
// what the pipeline gets back to log.
#include "http/idempotency.hpp"

#include <gtest/gtest.h>

#include <functional>
#include <map>
#include <utility>

#include "domain/clock.hpp"
#include "util/random_id.hpp"

namespace boxoffice::http {
namespace {

class MapStore final : public IdempotencyStore {
public:
    struct Row {
        std::string hash, owner;
        int status = 0;  // 0: no answer yet
        std::string body;
    };

    Result<IdempotencyClaim> claim(const UserId& user, const std::string& key, const std::string& hash, EpochMs,
                                   EpochMs, const IdempotencyLease& lease) override {
        auto [it, fresh] = rows.try_emplace(user.str() + "/" + key, Row{hash, lease.owner, 0, {}});
        if (fresh) return IdempotencyClaim{IdempotencyClaim::Kind::Claimed, 0, {}};
        if (it->second.hash != hash) return IdempotencyClaim{IdempotencyClaim::Kind::Mismatch, 0, {}};
        if (it->second.status == 0) return IdempotencyClaim{IdempotencyClaim::Kind::InProgress, 0, {}};
        return IdempotencyClaim{IdempotencyClaim::Kind::Replay, it->second.status, it->second.body};
    }
    Result<void> complete(const UserId& user, const std::string& key, const std::string& owner, int status,
                          const std::string& body) override {
        auto it = rows.find(user.str() + "/" + key);
        if (it != rows.end() && it->second.owner == owner && it->second.status == 0) {
            it->second.status = status;
            it->second.body = body;
        }
        return {};
    }
    Result<void> abandon(const UserId& user, const std::string& key, const std::string& owner) override {
        auto it = rows.find(user.str() + "/" + key);
        if (it != rows.end() && it->second.owner == owner && it->second.status == 0) rows.erase(it);
        return {};
    }

    std::map<std::string, Row> rows;
};

Request keyed(const std::string& key) {
    Request r;
    r.method = Method::Post;
    r.path = "/v1/orders/o-1/confirm-payment";
    r.body = R"({"paymentReference":"p"})";
    r.requestId = "req-1";
    r.headers["idempotency-key"] = key;
    r.principal = auth::Principal{"user-1", auth::Role::User};
    return r;
}

// The wrapper over a map store, counting how often the handler behind it really ran.
class Idempotent : public ::testing::Test {
protected:
    Handler wrap(std::function<Result<Response>()> inner) {
        return idempotent(store, clock_, ids_, {}, [this, inner = std::move(inner)](const Request&) {
            ++runs;
            return inner();
        });
    }

    MapStore store;
    int runs = 0;

private:
    SystemClock clock_;
    util::RandomIdGenerator ids_;
};

TEST_F(Idempotent, AServerFailureGivesItsErrorBackAndFreesTheKeyForTheRetry) {
    Handler handler = wrap([this]() -> Result<Response> {
        if (runs == 1) return Error::internalError("boom: the cause the log must show");
        return Response::json(200, R"({"status":"CONFIRMED"})");
    });

    auto first = handler(keyed("k-1"));
    // The error, not a rendered 500: the pipeline renders it and logs its internal message.
    ASSERT_FALSE(first.ok());
    EXPECT_EQ(first.error().code, ErrorCode::Internal);
    EXPECT_EQ(first.error().internal, "boom: the cause the log must show");
    EXPECT_TRUE(store.rows.empty()) << "the claim of a failed request is abandoned";

    auto retry = handler(keyed("k-1"));
    ASSERT_TRUE(retry.ok());
    EXPECT_EQ(retry->status, 200);
    EXPECT_EQ(runs, 2);
    auto replayed = handler(keyed("k-1"));
    ASSERT_TRUE(replayed.ok());
    EXPECT_EQ(replayed->status, 200);
    EXPECT_EQ(runs, 2) << "a stored answer is replayed, not run again";
}

TEST_F(Idempotent, AClientErrorIsStoredAndReplayedAsItsProblem) {
    Handler handler = wrap([]() -> Result<Response> {
        return Error::of(ErrorCode::OrderExpired, "the payment window of this order has closed");
    });
    auto first = handler(keyed("k-2"));
    ASSERT_TRUE(first.ok());
    EXPECT_EQ(first->status, 409);
    EXPECT_EQ(first->contentType, "application/problem+json");
    auto again = handler(keyed("k-2"));
    ASSERT_TRUE(again.ok());
    EXPECT_EQ(again->status, 409);
    EXPECT_EQ(runs, 1);
}

}  // namespace
}  // namespace boxoffice::http
