// The Redis hold store losing its data and coming back: keys gone, a restart without or with an
// older snapshot, FLUSHALL, a large restore in chunks, and a sale against a hold taken on a skewed
// clock. Tests that flush or restart Redis start a server of their own (ThrowawayRedis).
#include <filesystem>
#include <thread>

#include "integration/redis_hold_store_fixture.hpp"

namespace boxoffice::redis {
namespace {

using testing::plainRedisOptions;

// ---- losing the data -----------------------------------------------------------------------

TEST_F(RedisHoldStoreTest, ShowIsNotReadyOnceItsKeysAreGone) {
    RedisPool pool(plainRedisOptions(), 2, milliseconds(2000));
    RedisHoldStore store(pool);
    ASSERT_TRUE(opened(store));
    const ShowId show = newShow(), other = newShow();
    const UserId buyer = newUser();
    ASSERT_TRUE(store.restore(show, {}, t0_).ok());
    ASSERT_TRUE(store.restore(other, {}, t0_).ok());
    const HoldRequest req = request(show, buyer, {seat('A', 1), seat('A', 2)}, t0_);
    ASSERT_EQ(store.hold(req)->kind, HoldResult::Kind::Held);
    const OrderId order = newOrder();
    ASSERT_EQ(*store.attachToOrder(req.holdId, buyer, order, t0_ + 20 * kMinute, t0_ + 1), HoldChange::Done);
    ASSERT_TRUE(store.sell(show, order, buyer, req.seatIds, t0_ + 2).ok());

    // What a flush does to this show (the shared server must not be flushed under other tests).
    // The ready flag is a field of the seats hash: it goes with it.
    auto del = pool.call({"DEL", RedisHoldStore::seatsKey(show), RedisHoldStore::versionKey(show),
                          RedisHoldStore::holdKey(show, req.holdId), RedisHoldStore::userKey(show, buyer)});
    ASSERT_TRUE(del.ok());
    ASSERT_EQ(del->integer, 4);

    // The sold seats are gone from Redis: a hold now could sell them twice. It must refuse.
    EXPECT_EQ(store.hold(request(show, newUser(), {seat('A', 1)}, t0_ + 3))->kind, HoldResult::Kind::NotReady);
    auto snap = store.snapshot(show, seatIndex(), t0_ + 3);
    ASSERT_TRUE(snap.ok());
    EXPECT_FALSE(snap->ready);
    // A sale landing mid-restore is kept (restore never overwrites a sold seat), but it does not
    // make the show ready: holds wait for the restore.
    ASSERT_TRUE(store.sell(show, order, buyer, req.seatIds, t0_ + 3).ok());
    EXPECT_EQ(store.hold(request(show, newUser(), {seat('A', 3)}, t0_ + 3))->kind, HoldResult::Kind::NotReady);
    EXPECT_FALSE(store.snapshot(show, seatIndex(), t0_ + 3)->ready);
    // Other shows are untouched.
    EXPECT_EQ(store.hold(request(other, newUser(), {seat('A', 1)}, t0_ + 3))->kind, HoldResult::Kind::Held);

    // The truth comes back: the sale stands, the buyer's count too, and holds resume.
    // This restore read SQL before the sale committed: it still sees the order as pending.
    ASSERT_TRUE(store
                    .restore(show,
                             {{seat('A', 1), order, buyer, t0_ + 20 * kMinute},
                              {seat('A', 2), order, buyer, t0_ + 20 * kMinute}},
                             t0_ + 4)
                    .ok());
    snap = store.snapshot(show, seatIndex(), t0_ + 5);
    ASSERT_TRUE(snap.ok());
    EXPECT_TRUE(snap->ready);
    EXPECT_EQ(snap->sold, 2);
    HoldResult r = *store.hold(request(show, newUser(), {seat('A', 2), seat('A', 3)}, t0_ + 5));
    EXPECT_EQ(r.kind, HoldResult::Kind::Unavailable);
    EXPECT_EQ(r.unavailable, std::vector<SeatId>{seat('A', 2)});
    HoldRequest tooMany = request(show, buyer, {}, t0_ + 5);
    for (int i = 1; i <= 9; ++i) tooMany.seatIds.push_back(seat('B', i));
    r = *store.hold(tooMany);
    EXPECT_EQ(r.kind, HoldResult::Kind::UserLimitReached);
    EXPECT_EQ(r.userSeats, 2);
}

TEST_F(RedisHoldStoreTest, RestartLosesEverythingAndRestoreBringsBackSalesAndCounts) {
    ThrowawayRedis server;
    RedisPool pool(server.options(), 2, milliseconds(2000));
    RedisHoldStore store(pool);
    ASSERT_TRUE(opened(store));
    const ShowId show = newShow();
    const UserId buyer = newUser(), payer = newUser(), holder = newUser();
    ASSERT_TRUE(store.restore(show, {}, t0_).ok());
    const HoldRequest bought = request(show, buyer, {seat('A', 1), seat('A', 2), seat('A', 3)}, t0_);
    ASSERT_EQ(store.hold(bought)->kind, HoldResult::Kind::Held);
    const OrderId sold = newOrder();
    ASSERT_EQ(*store.attachToOrder(bought.holdId, buyer, sold, t0_ + 20 * kMinute, t0_ + 1), HoldChange::Done);
    ASSERT_TRUE(store.sell(show, sold, buyer, bought.seatIds, t0_ + 2).ok());
    ASSERT_EQ(store.hold(request(show, holder, {seat('B', 1)}, t0_))->kind, HoldResult::Kind::Held);

    // A restart without persistence: data and script cache gone, every pooled connection dead.
    server.stop();
    auto down = store.hold(request(show, holder, {seat('B', 2)}, t0_ + 3));
    ASSERT_FALSE(down.ok());
    EXPECT_EQ(down.error().code, ErrorCode::DependencyUnavailable);
    server.start();

    // The pool reconnects by itself; the store says what it lost, and refuses holds until the
    // reconciler has restored what it uses and opened them again.
    auto r = store.hold(request(show, holder, {seat('B', 2)}, t0_ + 4));
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code, ErrorCode::DependencyUnavailable);
    EXPECT_TRUE(store.awaitsRepair());
    EXPECT_FALSE(store.snapshot(show, seatIndex(), t0_ + 4)->ready);

    const OrderId pending = newOrder();
    ASSERT_TRUE(store
                    .restore(show,
                             {{seat('A', 1), sold, buyer, 0},
                              {seat('A', 2), sold, buyer, 0},
                              {seat('A', 3), sold, buyer, 0},
                              {seat('A', 4), pending, payer, t0_ + 20 * kMinute}},
                             t0_ + 5)
                    .ok());
    ASSERT_TRUE(opened(store));
    const auto s = store.snapshot(show, seatIndex(), t0_ + 6);
    ASSERT_TRUE(s.ok());
    EXPECT_TRUE(s->ready);
    EXPECT_EQ(s->sold, 3);
    EXPECT_EQ(s->held, 1);  // the pending order; the lost hold on B-1 is simply gone
    EXPECT_EQ(statusIn(*s, seat('A', 4)), SeatStatus::Held);

    HoldRequest buyerWantsMore = request(show, buyer, {}, t0_ + 6);
    for (int i = 1; i <= 8; ++i) buyerWantsMore.seatIds.push_back(seat('B', i));
    const HoldResult limited = *store.hold(buyerWantsMore);
    EXPECT_EQ(limited.kind, HoldResult::Kind::UserLimitReached);
    EXPECT_EQ(limited.userSeats, 3);
    EXPECT_EQ(store.hold(request(show, holder, {seat('A', 4)}, t0_ + 6))->kind, HoldResult::Kind::Unavailable);
    EXPECT_EQ(store.hold(request(show, holder, {seat('B', 1)}, t0_ + 6))->kind, HoldResult::Kind::Held);
}

// A restart from a snapshot older than the last sale: the show comes back "ready", its seat as it
// was before the sale. Before the fence, a hold on the sold seat was granted until the reconciler
// noticed the new run_id (the fault suite's redis-restart-data saw it: a hold on a seat already
// sold). Now no hold goes through on that server before the repair opens holds on it, and one
// process's repair does not open another's.
TEST_F(RedisHoldStoreTest, ARestartFromAnOlderSnapshotGrantsNoHoldBeforeTheRepair) {
    ThrowawayRedis server;
    RedisPool pool(server.options(), 2, milliseconds(2000)), otherPool(server.options(), 1, milliseconds(2000));
    RedisHoldStore store(pool), otherProcess(otherPool);
    ASSERT_TRUE(opened(store));
    ASSERT_TRUE(opened(otherProcess));
    const ShowId show = newShow();
    const UserId buyer = newUser(), late = newUser();
    ASSERT_TRUE(store.restore(show, {}, t0_).ok());
    const HoldRequest bought = request(show, buyer, {seat('A', 1)}, t0_);
    ASSERT_EQ(store.hold(bought)->kind, HoldResult::Kind::Held);
    ASSERT_EQ(pool.call({"SAVE"})->str, "OK");  // the snapshot: A-1 held by the buyer, not sold
    const OrderId order = newOrder();
    ASSERT_EQ(*store.attachToOrder(bought.holdId, buyer, order, t0_ + 20 * kMinute, t0_ + 1), HoldChange::Done);
    ASSERT_TRUE(store.sell(show, order, buyer, bought.seatIds, t0_ + 2).ok());
    const auto before = *store.generation();

    server.stop();  // no save on shutdown (--save ""): it comes back with the older snapshot
    server.start();
    ASSERT_NE(*store.generation(), before);
    // The buyer's old hold has expired by now: to the stale data, A-1 is free.
    const EpochMs later = t0_ + kHoldTtl + 1;
    ASSERT_TRUE(store.snapshot(show, seatIndex(), later)->ready);
    EXPECT_EQ(statusIn(*store.snapshot(show, seatIndex(), later), seat('A', 1)), SeatStatus::Available);
    for (RedisHoldStore* s : {&store, &otherProcess}) {
        auto r = s->hold(request(show, late, {seat('A', 1)}, later));
        ASSERT_FALSE(r.ok()) << "a hold on a sold seat was granted by a store nobody checked";
        EXPECT_EQ(r.error().code, ErrorCode::DependencyUnavailable);
        EXPECT_TRUE(s->awaitsRepair());
    }

    // This process's repair: its shows restored from SQL, then its holds opened. The other
    // process's holds stay refused until its own repair.
    ASSERT_TRUE(store.restore(show, {{seat('A', 1), order, buyer, 0}}, later).ok());
    ASSERT_TRUE(opened(store));
    EXPECT_EQ(store.hold(request(show, late, {seat('A', 1)}, later))->kind, HoldResult::Kind::Unavailable);
    EXPECT_EQ(store.hold(request(show, late, {seat('A', 2)}, later))->kind, HoldResult::Kind::Held);
    auto other = otherProcess.hold(request(show, late, {seat('A', 3)}, later));
    ASSERT_FALSE(other.ok());
    EXPECT_EQ(other.error().code, ErrorCode::DependencyUnavailable);

    // Holds open only on the server that was checked: a repair that saw another run_id fails.
    EXPECT_FALSE(otherProcess.openHolds(before).ok());
    EXPECT_TRUE(otherProcess.awaitsRepair());
}

TEST_F(RedisHoldStoreTest, FlushAllMakesEveryShowNotReady) {
    ThrowawayRedis server;
    RedisPool pool(server.options(), 1, milliseconds(2000));
    RedisHoldStore store(pool);
    ASSERT_TRUE(opened(store));
    const ShowId a = newShow(), b = newShow();
    ASSERT_TRUE(store.restore(a, {}, t0_).ok());
    ASSERT_TRUE(store.restore(b, {}, t0_).ok());
    ASSERT_EQ(store.hold(request(a, newUser(), {seat('A', 1)}, t0_))->kind, HoldResult::Kind::Held);

    ASSERT_EQ(pool.call({"FLUSHALL"})->str, "OK");
    EXPECT_EQ(store.hold(request(a, newUser(), {seat('A', 1)}, t0_ + 1))->kind, HoldResult::Kind::NotReady);
    EXPECT_EQ(store.hold(request(b, newUser(), {seat('A', 1)}, t0_ + 1))->kind, HoldResult::Kind::NotReady);
    // Nothing sold yet: an empty restore is enough, and it must still mark the show ready.
    ASSERT_TRUE(store.restore(a, {}, t0_ + 2).ok());
    EXPECT_EQ(store.hold(request(a, newUser(), {seat('A', 1)}, t0_ + 3))->kind, HoldResult::Kind::Held);
    EXPECT_EQ(store.hold(request(b, newUser(), {seat('A', 1)}, t0_ + 3))->kind, HoldResult::Kind::NotReady);
}

TEST_F(RedisHoldStoreTest, LargeRestoreIsChunkedAndMarksReadyOnlyAtTheEnd) {
    RedisPool pool(plainRedisOptions(), 1, milliseconds(2000));
    RedisHoldStore store(pool);
    ASSERT_TRUE(opened(store));
    const ShowId show = newShow();
    // A hall of 2,500 seats sold to 500 buyers: three chunks of at most 1,000 claims.
    const SeatIndex big(Layout{{LayoutSection{"HALL", {{"R", "GOLD", 2500, {}}}}}});
    std::vector<SeatClaim> claims;
    std::vector<UserId> buyers;
    for (int i = 0; i < 500; ++i) buyers.push_back(newUser());
    for (int i = 1; i <= 2500; ++i) {
        claims.push_back({SeatId{"HALL-R-" + std::to_string(i)}, OrderId{"order-" + std::to_string((i - 1) / 5)},
                          buyers[static_cast<std::size_t>((i - 1) / 5)], 0});
    }
    const std::uint64_t before = pool.roundTrips();
    ASSERT_TRUE(store.restore(show, claims, t0_).ok());
    EXPECT_GE(pool.roundTrips() - before, 3u);
    const auto s = store.snapshot(show, big, t0_ + 1);
    ASSERT_TRUE(s.ok());
    EXPECT_TRUE(s->ready);
    EXPECT_EQ(s->sold, 2500);
    EXPECT_EQ(pool.call({"SCARD", RedisHoldStore::userKey(show, buyers[123])})->integer, 5);
}

TEST_F(RedisHoldStoreTest, ASaleWinsOverAHoldTakenOnASkewedClockAndNeverOverAnotherSale) {
    RedisPool pool(plainRedisOptions(), 1, milliseconds(2000));
    RedisHoldStore store(pool);
    ASSERT_TRUE(opened(store));
    const ShowId show = newShow();
    const UserId buyer = newUser(), late = newUser(), rival = newUser();
    ASSERT_TRUE(store.restore(show, {}, t0_).ok());
    const HoldRequest req = request(show, buyer, {seat('A', 1), seat('A', 2)}, t0_);
    ASSERT_EQ(store.hold(req)->kind, HoldResult::Kind::Held);
    const OrderId order = newOrder();
    const EpochMs windowEnd = t0_ + 20 * kMinute;
    ASSERT_EQ(*store.attachToOrder(req.holdId, buyer, order, windowEnd, t0_ + 1), HoldChange::Done);
    // A replica whose clock runs ahead sees the window closed and lets another user hold A-1.
    ASSERT_EQ(store.hold(request(show, late, {seat('A', 1)}, windowEnd))->kind, HoldResult::Kind::Held);

    // SQL confirmed the order in time: the sale is the truth, the late hold loses the seat (and
    // it stops counting against that user's allowance).
    ASSERT_TRUE(store.sell(show, order, buyer, req.seatIds, windowEnd - 1).ok());
    const auto s = store.snapshot(show, seatIndex(), windowEnd + 1);
    ASSERT_TRUE(s.ok());
    EXPECT_EQ(statusIn(*s, seat('A', 1)), SeatStatus::Sold);
    EXPECT_EQ(statusIn(*s, seat('A', 2)), SeatStatus::Sold);
    HoldRequest lateWantsTen = request(show, late, {}, windowEnd + 1);
    for (int i = 1; i <= 10; ++i) lateWantsTen.seatIds.push_back(seat('B', i));
    EXPECT_EQ(store.hold(lateWantsTen)->kind, HoldResult::Kind::Held);

    // Another order claiming a sold seat does not overwrite the first sale.
    ASSERT_TRUE(store.sell(show, newOrder(), rival, {seat('A', 2)}, windowEnd + 2).ok());
    HoldRequest rivalWantsTen = request(show, rival, {}, windowEnd + 3);
    for (int i = 3; i <= 10; ++i) rivalWantsTen.seatIds.push_back(seat('A', i));
    EXPECT_EQ(store.hold(rivalWantsTen)->kind, HoldResult::Kind::Held);  // A-2 did not count for rival
    const auto owner = pool.call({"HGET", RedisHoldStore::seatsKey(show), seat('A', 2).str()});
    ASSERT_TRUE(owner.ok());
    EXPECT_NE(owner->str.find(order.str()), std::string::npos) << owner->str;
}

}  // namespace
}  // namespace boxoffice::redis
