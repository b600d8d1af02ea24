// The HoldStore contract (hold_store_contract.hpp): the stores it runs against, the one instantiation
// that runs every part of it on each store, and its first part: readiness, holds, the per-user cap
// and the snapshot. Orders and restore are in hold_store_contract_orders_test.cpp, best available in
// hold_store_contract_best_available_test.cpp, the races in hold_store_contract_race_test.cpp.
#include <memory>
#include <set>
#include <stdexcept>
#include <string>

#include "integration/hold_store_contract.hpp"
#include "storage/memory/memory_hold_store.hpp"
#include "storage/redis/redis_hold_store.hpp"
#include "storage/redis/redis_pool.hpp"
#include "storage/redis/redis_url.hpp"
#include "support/test_env.hpp"

namespace boxoffice::testing::hold_contract {
namespace {

// ---- the implementations under test: add a store here and it runs the whole contract ----------

class MemoryStore final : public StoreUnderTest {
public:
    HoldStore& store() override { return store_; }

private:
    memory::MemoryHoldStore store_;
};

redis::RedisOptions redisOptions() {
    std::string error;
    auto endpoint = redis::parseRedisUrl(TestEnv::get().redisUrl, error);
    if (!endpoint) throw std::runtime_error("bad REDIS_URL in the test env: " + error);
    redis::RedisOptions o;
    o.endpoint = *endpoint;
    // Generous deadlines: the race tests put 200 threads on a 2-core machine behind one pool.
    o.connectTimeout = milliseconds(2000);
    o.commandTimeout = milliseconds(2000);
    return o;
}

class RedisStore final : public StoreUnderTest {
public:
    RedisStore() : pool_(redisOptions(), 16, milliseconds(10'000)), store_(pool_) {
        // What the reconciler does once it has checked the server: holds are refused until then.
        auto generation = store_.generation();
        if (!generation || !store_.openHolds(*generation))
            throw std::runtime_error("cannot open holds on the test Redis");
    }
    HoldStore& store() override { return store_; }

private:
    redis::RedisPool pool_;
    redis::RedisHoldStore store_;
};

std::unique_ptr<StoreUnderTest> makeRedisStore() {
    return std::make_unique<RedisStore>();
}

const Implementation kImplementations[] = {
    {"Memory", [] { return std::make_unique<MemoryStore>(); }},
    {"Redis", makeRedisStore},
};

INSTANTIATE_TEST_SUITE_P(AllStores, HoldStoreContract, ::testing::ValuesIn(kImplementations),
                         [](const ::testing::TestParamInfo<Implementation>& param) { return param.param.name; });

// ---- readiness -----------------------------------------------------------------------------

TEST_P(HoldStoreContract, ShowIsNotReadyUntilRestored) {
    const UserId u = newUser();
    EXPECT_EQ(tryHold(u, {seat('A', 1)}, t0_), HoldResult::Kind::NotReady);
    EXPECT_FALSE(snapshot(t0_).ready);

    restore(show_);
    EXPECT_TRUE(snapshot(t0_).ready);
    EXPECT_EQ(tryHold(u, {seat('A', 1)}, t0_), HoldResult::Kind::Held);

    // Readiness is per show.
    const ShowId other = newShow();
    EXPECT_FALSE(snapshot(t0_, &other).ready);
}

// ---- holds ---------------------------------------------------------------------------------

TEST_P(HoldStoreContract, HoldIsAllOrNothing) {
    restore(show_);
    const UserId a = newUser(), b = newUser();
    held(a, {seat('A', 1), seat('A', 2)}, t0_);

    const HoldResult r = hold(request(b, {seat('A', 2), seat('A', 3), seat('A', 1), seat('A', 4)}, t0_ + 1));
    EXPECT_EQ(r.kind, HoldResult::Kind::Unavailable);
    EXPECT_EQ(asSet(r.unavailable), (std::set<SeatId>{seat('A', 1), seat('A', 2)}));

    EXPECT_EQ(statusOf(seat('A', 3), t0_ + 2), SeatStatus::Available);
    EXPECT_EQ(statusOf(seat('A', 4), t0_ + 2), SeatStatus::Available);
    EXPECT_EQ(snapshot(t0_ + 2).held, 2);
    // The refused request did not count against b's allowance either.
    held(b,
         {seat('A', 3), seat('A', 4), seat('A', 5), seat('A', 6), seat('A', 7), seat('A', 8), seat('A', 9),
          seat('A', 10), seat('B', 1), seat('B', 2)},
         t0_ + 3);
}

TEST_P(HoldStoreContract, ExpiredHoldFreesItsSeatsAtExpiresAt) {
    restore(show_);
    const UserId a = newUser(), b = newUser();
    held(a, {seat('B', 5), seat('B', 6)}, t0_);
    const EpochMs expiresAt = t0_ + kHoldTtl;

    EXPECT_EQ(tryHold(b, {seat('B', 6)}, expiresAt - 1), HoldResult::Kind::Unavailable);
    EXPECT_EQ(statusOf(seat('B', 5), expiresAt - 1), SeatStatus::Held);
    EXPECT_EQ(statusOf(seat('B', 5), expiresAt), SeatStatus::Available);
    EXPECT_EQ(tryHold(b, {seat('B', 5), seat('B', 6)}, expiresAt), HoldResult::Kind::Held);
}

TEST_P(HoldStoreContract, ReleaseByOwnerFreesSeatsAtOnce) {
    restore(show_);
    const UserId a = newUser(), b = newUser();
    const HoldId h = held(a, {seat('C', 1), seat('C', 2)}, t0_);

    EXPECT_EQ(release(h, a, t0_ + 1), HoldChange::Done);
    EXPECT_EQ(statusOfHold(h, t0_ + 1), HoldStatus::Released);
    EXPECT_EQ(snapshot(t0_ + 1).held, 0);
    EXPECT_EQ(tryHold(b, {seat('C', 1), seat('C', 2)}, t0_ + 1), HoldResult::Kind::Held);
    // Releasing twice is not a second release, and must not free b's new hold.
    EXPECT_EQ(release(h, a, t0_ + 2), HoldChange::NotHeld);
    EXPECT_EQ(statusOf(seat('C', 1), t0_ + 2), SeatStatus::Held);
}

TEST_P(HoldStoreContract, ReleaseByAnotherUserIsNotFoundAndChangesNothing) {
    restore(show_);
    const UserId a = newUser(), b = newUser();
    const HoldId h = held(a, {seat('C', 3)}, t0_);

    EXPECT_EQ(release(h, b, t0_ + 1), HoldChange::NotFound);
    EXPECT_EQ(statusOfHold(h, t0_ + 1), HoldStatus::Held);
    EXPECT_EQ(statusOf(seat('C', 3), t0_ + 1), SeatStatus::Held);
    EXPECT_EQ(tryHold(b, {seat('C', 3)}, t0_ + 1), HoldResult::Kind::Unavailable);

    EXPECT_EQ(release(newHoldId(show_), a, t0_ + 1), HoldChange::NotFound);
    EXPECT_EQ(release(newHoldId(newShow()), a, t0_ + 1), HoldChange::NotFound);
    EXPECT_EQ(release(HoldId{"not-a-hold-id"}, a, t0_ + 1), HoldChange::NotFound);
}

TEST_P(HoldStoreContract, ReleaseOfExpiredHoldIsNotHeld) {
    restore(show_);
    const UserId a = newUser();
    const HoldId h = held(a, {seat('C', 4)}, t0_);
    EXPECT_EQ(release(h, a, t0_ + kHoldTtl), HoldChange::NotHeld);
    EXPECT_EQ(statusOfHold(h, t0_ + kHoldTtl), HoldStatus::Expired);
}

TEST_P(HoldStoreContract, FindHoldReportsEveryStatus) {
    restore(show_);
    const UserId a = newUser();

    const HoldId h1 = held(a, {seat('D', 1), seat('D', 2)}, t0_);
    const auto found = find(h1, t0_ + 1);
    ASSERT_TRUE(found.has_value());
    EXPECT_EQ(found->id, h1);
    EXPECT_EQ(found->showId, show_);
    EXPECT_EQ(found->userId, a);
    EXPECT_EQ(asSet(found->seatIds), (std::set<SeatId>{seat('D', 1), seat('D', 2)}));
    EXPECT_EQ(found->status, HoldStatus::Held);
    EXPECT_EQ(found->expiresAt, t0_ + kHoldTtl);
    EXPECT_EQ(found->createdAt, t0_);
    EXPECT_FALSE(found->orderId.has_value());

    EXPECT_EQ(statusOfHold(h1, t0_ + kHoldTtl - 1), HoldStatus::Held);
    EXPECT_EQ(statusOfHold(h1, t0_ + kHoldTtl), HoldStatus::Expired);
    // Kept for a day after expiry, so a client polling its hold learns it expired.
    EXPECT_EQ(statusOfHold(h1, t0_ + kHoldTtl + 23 * kHour), HoldStatus::Expired);

    const HoldId h2 = held(a, {seat('D', 3)}, t0_);
    ASSERT_EQ(release(h2, a, t0_ + 1), HoldChange::Done);
    EXPECT_EQ(statusOfHold(h2, t0_ + 2), HoldStatus::Released);
    EXPECT_EQ(statusOfHold(h2, t0_ + kHoldTtl + 1), HoldStatus::Released);

    const HoldId h3 = held(a, {seat('D', 4)}, t0_);
    const OrderId order = newOrder();
    ASSERT_EQ(attach(h3, a, order, t0_ + 20 * kMinute, t0_ + 1), HoldChange::Done);
    const auto ordered = find(h3, t0_ + kHoldTtl + 1);
    ASSERT_TRUE(ordered.has_value());
    EXPECT_EQ(ordered->status, HoldStatus::Ordered);
    EXPECT_EQ(ordered->orderId, order);

    EXPECT_FALSE(find(newHoldId(show_), t0_).has_value());
    EXPECT_FALSE(find(HoldId{"garbage"}, t0_).has_value());
}

// ---- the per-user cap ----------------------------------------------------------------------

TEST_P(HoldStoreContract, UserCapCountsLiveHoldsAndOrders) {
    restore(show_);
    const UserId a = newUser(), b = newUser();
    held(a, row('A', 1, 4), t0_);
    const HoldId h2 = held(a, row('A', 5, 4), t0_);
    ASSERT_EQ(attach(h2, a, newOrder(), t0_ + 20 * kMinute, t0_ + 1), HoldChange::Done);
    held(a, row('B', 1, 2), t0_ + 2);  // 10 seats now

    const HoldResult r = hold(request(a, {seat('B', 3)}, t0_ + 3));
    EXPECT_EQ(r.kind, HoldResult::Kind::UserLimitReached);
    EXPECT_EQ(r.userSeats, 10);
    EXPECT_EQ(statusOf(seat('B', 3), t0_ + 3), SeatStatus::Available);
    // The cap is per user.
    EXPECT_EQ(tryHold(b, {seat('B', 3)}, t0_ + 3), HoldResult::Kind::Held);
}

TEST_P(HoldStoreContract, UserCapIsCheckedForTheWholeRequest) {
    restore(show_);
    const UserId a = newUser();
    held(a, row('A', 1, 8), t0_);
    const HoldResult r = hold(request(a, row('B', 1, 3), t0_ + 1));
    EXPECT_EQ(r.kind, HoldResult::Kind::UserLimitReached);
    EXPECT_EQ(r.userSeats, 8);
    EXPECT_EQ(snapshot(t0_ + 1).held, 8);
    held(a, row('B', 1, 2), t0_ + 2);
}

TEST_P(HoldStoreContract, ReleaseAndExpiryGiveTheAllowanceBack) {
    restore(show_);
    const UserId a = newUser();
    const HoldId h1 = held(a, row('A', 1, 5), t0_);
    held(a, row('A', 6, 5), t0_ + kMinute);  // expires a minute after h1
    EXPECT_EQ(tryHold(a, {seat('B', 1)}, t0_ + 2 * kMinute), HoldResult::Kind::UserLimitReached);

    ASSERT_EQ(release(h1, a, t0_ + 2 * kMinute), HoldChange::Done);
    held(a, row('B', 1, 5), t0_ + 3 * kMinute);  // expires at t0 + 13 min
    EXPECT_EQ(tryHold(a, {seat('C', 1)}, t0_ + 4 * kMinute), HoldResult::Kind::UserLimitReached);

    // The second hold expires at t0 + 11 min: five seats come back, no more.
    const EpochMs later = t0_ + 11 * kMinute;
    const HoldResult r = hold(request(a, row('C', 1, 6), later));
    EXPECT_EQ(r.kind, HoldResult::Kind::UserLimitReached);
    EXPECT_EQ(r.userSeats, 5);
    held(a, row('C', 1, 5), later);
}

TEST_P(HoldStoreContract, OrderExpiryGivesTheAllowanceBackButSoldSeatsKeepCounting) {
    restore(show_);
    const UserId a = newUser();
    const HoldId pending = held(a, row('A', 1, 4), t0_);
    const HoldId bought = held(a, row('B', 1, 4), t0_);
    const OrderId pendingOrder = newOrder(), boughtOrder = newOrder();
    ASSERT_EQ(attach(pending, a, pendingOrder, t0_ + 20 * kMinute, t0_ + 1), HoldChange::Done);
    ASSERT_EQ(attach(bought, a, boughtOrder, t0_ + 20 * kMinute, t0_ + 1), HoldChange::Done);
    ASSERT_TRUE(store().sell(show_, boughtOrder, a, row('B', 1, 4), t0_ + 2).ok());

    EXPECT_EQ(tryHold(a, row('C', 1, 3), t0_ + 3), HoldResult::Kind::UserLimitReached);

    const EpochMs muchLater = t0_ + 30 * kDay;
    const HoldResult r = hold(request(a, row('C', 1, 7), muchLater));
    EXPECT_EQ(r.kind, HoldResult::Kind::UserLimitReached);
    EXPECT_EQ(r.userSeats, 4);
    held(a, row('C', 1, 6), muchLater);
}

// ---- snapshot ------------------------------------------------------------------------------

TEST_P(HoldStoreContract, SnapshotReportsStatusesCountsAndAVersionOfTheContent) {
    restore(show_);
    const UserId a = newUser();
    const auto empty = snapshot(t0_);
    EXPECT_TRUE(empty.ready);
    EXPECT_FALSE(empty.epoch.empty());
    ASSERT_EQ(empty.status.size(), seatIndex().size());
    EXPECT_EQ(empty.available, 40);
    EXPECT_EQ(empty.held + empty.sold, 0);
    EXPECT_EQ(snapshot(t0_ + 1).version, empty.version);  // same content, same version

    held(a, {seat('B', 3), seat('B', 4)}, t0_);
    const HoldId toSell = held(a, {seat('D', 9)}, t0_, kDay);
    const OrderId order = newOrder();
    ASSERT_EQ(attach(toSell, a, order, t0_ + kDay, t0_ + 1), HoldChange::Done);
    ASSERT_TRUE(store().sell(show_, order, a, {seat('D', 9)}, t0_ + 2).ok());

    const auto busy = snapshot(t0_ + 3);
    EXPECT_EQ(busy.available, 37);
    EXPECT_EQ(busy.held, 2);
    EXPECT_EQ(busy.sold, 1);
    for (std::size_t i = 0; i < seatIndex().size(); ++i) {
        const SeatId& id = seatIndex().seats()[i].seatId;
        const SeatStatus expected = id == seat('D', 9)                           ? SeatStatus::Sold
                                    : (id == seat('B', 3) || id == seat('B', 4)) ? SeatStatus::Held
                                                                                 : SeatStatus::Available;
        EXPECT_EQ(busy.status[i], expected) << id.str();
    }
    EXPECT_NE(busy.version, empty.version);

    // The hold expires with no write at all: the version still moves.
    const auto expired = snapshot(t0_ + kHoldTtl);
    EXPECT_EQ(expired.held, 0);
    EXPECT_EQ(expired.sold, 1);
    EXPECT_NE(expired.version, busy.version);
    EXPECT_NE(expired.version, empty.version);
}

}  // namespace
}  // namespace boxoffice::testing::hold_contract
