// What only the Redis HoldStore has to prove (the shared behaviour is in hold_store_contract_test):
// round trips, the NOSCRIPT fallback and the fenced hold script, losing its data, TLS+AUTH, Redis
// being down, a clustered Redis. (The 200-thread race for one seat is the contract suite's, run
// against this store through a pool of 16 too.) Every test works on fresh random shows, so tests may share
// the fixture's servers and run in parallel; tests that flush or restart Redis start their own.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <future>
#include <barrier>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <csignal>
#include <cstdlib>
#include <filesystem>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "domain/booking_ports.hpp"
#include "domain/clock.hpp"
#include "domain/hold_id.hpp"
#include "storage/redis/redis_batcher.hpp"
#include "storage/redis/redis_hold_store.hpp"
#include "storage/redis/redis_pool.hpp"
#include "storage/redis/redis_url.hpp"
#include "support/test_env.hpp"
#include "support/throwaway_redis.hpp"
#include "util/random_id.hpp"

extern char** environ;

namespace boxoffice::redis {
namespace {

using testing::ThrowawayRedis;

using std::chrono::milliseconds;
using SteadyClock = std::chrono::steady_clock;

constexpr EpochMs kMinute = 60 * 1000;
constexpr EpochMs kHoldTtl = 10 * kMinute;

// A TLS write to a closed socket must fail with EPIPE, not kill the test binary (see main()).
[[maybe_unused]] const bool kSigpipeIgnored = [] {
    (void)std::signal(SIGPIPE, SIG_IGN);
    return true;
}();

RedisEndpoint endpointFrom(const std::string& url) {
    std::string error;
    auto ep = parseRedisUrl(url, error);
    if (!ep) throw std::runtime_error("bad Redis URL in the test env: " + error);
    return *ep;
}

RedisOptions plainOptions() {
    RedisOptions o;
    o.endpoint = endpointFrom(testing::TestEnv::get().redisUrl);
    o.connectTimeout = milliseconds(2000);
    o.commandTimeout = milliseconds(2000);
    return o;
}

RedisOptions tlsOptions() {
    RedisOptions o;
    o.endpoint = endpointFrom(testing::TestEnv::get().redisTlsUrl);
    o.caFile = testing::TestEnv::get().redisTlsCa;
    o.connectTimeout = milliseconds(2000);
    o.commandTimeout = milliseconds(2000);
    return o;
}

RedisOptions localOptions(int port) {
    RedisOptions o;
    o.endpoint.host = "127.0.0.1";
    o.endpoint.port = port;
    o.connectTimeout = milliseconds(300);
    o.commandTimeout = milliseconds(300);
    return o;
}

// Two rows of ten: FLOOR-A-1 .. FLOOR-B-10.
const SeatIndex& seatIndex() {
    static const SeatIndex index(Layout{{LayoutSection{"FLOOR", {{"A", "GOLD", 10, {}}, {"B", "SILVER", 10, {}}}}}});
    return index;
}

SeatId seat(char row, int number) {
    return SeatId{std::string("FLOOR-") + row + "-" + std::to_string(number)};
}

SeatStatus statusIn(const AvailabilitySnapshot& s, const SeatId& seatId) {
    const long pos = seatIndex().find(seatId.str());
    return pos < 0 || static_cast<std::size_t>(pos) >= s.status.size() ? SeatStatus::Available
                                                                       : s.status[static_cast<std::size_t>(pos)];
}

// What the reconciler does once it has checked the server: holds are refused until then.
::testing::AssertionResult opened(RedisHoldStore& store) {
    auto generation = store.generation();
    if (!generation) return ::testing::AssertionFailure() << generation.error().internal;
    auto r = store.openHolds(*generation);
    if (!r) return ::testing::AssertionFailure() << r.error().internal;
    return ::testing::AssertionSuccess();
}

long long elapsedMs(SteadyClock::time_point start) {
    return std::chrono::duration_cast<milliseconds>(SteadyClock::now() - start).count();
}

class RedisHoldStoreTest : public ::testing::Test {
protected:
    ShowId newShow() { return ShowId{ids_.next()}; }
    UserId newUser() { return UserId{"user-" + ids_.next()}; }
    OrderId newOrder() { return OrderId{ids_.next()}; }
    HoldId newHoldId(const ShowId& show) {
        std::string hex;
        for (const char c : ids_.next())
            if (c != '-') hex.push_back(c);
        return makeHoldId(show, hex);
    }
    HoldRequest request(const ShowId& show, const UserId& user, std::vector<SeatId> seats, EpochMs now) {
        return HoldRequest{newHoldId(show), show, user, std::move(seats), now, now + kHoldTtl, 10, {}, {}};
    }

    HoldRequest pickRequest(const ShowId& show, const UserId& user, int quantity, EpochMs now) {
        HoldRequest r{newHoldId(show), show, user, {}, now, now + kHoldTtl, 10, SeatPick{quantity, "", "", true}, {}};
        r.seating = std::shared_ptr<const SeatIndex>(std::shared_ptr<const SeatIndex>{}, &seatIndex());
        return r;
    }

    util::RandomIdGenerator ids_;
    const EpochMs t0_ = SystemClock().nowMs();
};

// ---- round trips ----------------------------------------------------------------------------

TEST_F(RedisHoldStoreTest, HoldAndSnapshotAreOneRoundTripEach) {
    RedisPool pool(plainOptions(), 2, milliseconds(2000));
    RedisHoldStore store(pool);
    ASSERT_TRUE(opened(store));
    const ShowId show = newShow();
    ASSERT_TRUE(store.restore(show, {}, t0_).ok());
    // Warm-up: the first hold may meet an empty script cache (NOSCRIPT: one more round trip).
    ASSERT_EQ(store.hold(request(show, newUser(), {seat('A', 1)}, t0_))->kind, HoldResult::Kind::Held);

    std::uint64_t before = pool.roundTrips();
    auto held = store.hold(request(show, newUser(), {seat('A', 2), seat('A', 3), seat('A', 4)}, t0_));
    ASSERT_TRUE(held.ok()) << held.error().internal;
    EXPECT_EQ(held->kind, HoldResult::Kind::Held);
    EXPECT_EQ(pool.roundTrips() - before, 1u);

    before = pool.roundTrips();
    auto refused = store.hold(request(show, newUser(), {seat('A', 2), seat('A', 5)}, t0_));
    ASSERT_TRUE(refused.ok());
    EXPECT_EQ(refused->kind, HoldResult::Kind::Unavailable);
    EXPECT_EQ(pool.roundTrips() - before, 1u);

    before = pool.roundTrips();
    auto snap = store.snapshot(show, seatIndex(), t0_ + 1);
    ASSERT_TRUE(snap.ok());
    EXPECT_EQ(snap->held, 4);
    EXPECT_EQ(pool.roundTrips() - before, 1u);
}

TEST_F(RedisHoldStoreTest, NoScriptFallbackLoadsEveryScriptButTheFencedHoldScript) {
    // Its own server: SCRIPT FLUSH on the shared one would add a round trip to a parallel test.
    ThrowawayRedis server;
    RedisPool pool(server.options(), 2, milliseconds(2000));
    RedisHoldStore store(pool);
    ASSERT_TRUE(opened(store));
    const ShowId show = newShow();
    const UserId user = newUser();
    ASSERT_TRUE(store.restore(show, {}, t0_).ok());
    const HoldRequest first = request(show, user, {seat('B', 1)}, t0_);
    const HoldRequest second = request(show, user, {seat('B', 2)}, t0_);
    ASSERT_EQ(store.hold(first)->kind, HoldResult::Kind::Held);
    ASSERT_EQ(store.hold(second)->kind, HoldResult::Kind::Held);

    // EVALSHA -> NOSCRIPT, then SCRIPT LOAD + EVALSHA pipelined in one write: every script but
    // the hold's takes this path.
    ASSERT_EQ(pool.call({"SCRIPT", "FLUSH"})->str, "OK");
    std::uint64_t before = pool.roundTrips();
    const OrderId order = newOrder();
    EXPECT_EQ(*store.attachToOrder(first.holdId, user, order, t0_ + 20 * kMinute, t0_ + 1), HoldChange::Done);
    EXPECT_EQ(pool.roundTrips() - before, 2u);
    ASSERT_EQ(pool.call({"SCRIPT", "FLUSH"})->str, "OK");
    ASSERT_TRUE(store.sell(show, order, user, {seat('B', 1)}, t0_ + 2).ok());
    ASSERT_EQ(pool.call({"SCRIPT", "FLUSH"})->str, "OK");
    EXPECT_EQ(*store.release(second.holdId, user, t0_ + 4), HoldChange::Done);
    ASSERT_EQ(pool.call({"SCRIPT", "FLUSH"})->str, "OK");
    ASSERT_TRUE(store.releaseOrder(show, newOrder(), user, {seat('B', 1)}, t0_ + 5).ok());
    EXPECT_FALSE(store.awaitsRepair());

    // The hold script is not loaded by a hold: the server may be one that came back with old data.
    // The hold is refused as "retry" and the store asks for its repair, until openHolds().
    ASSERT_EQ(pool.call({"SCRIPT", "FLUSH"})->str, "OK");
    for (int attempt = 0; attempt < 2; ++attempt) {
        before = pool.roundTrips();
        auto refused = store.hold(request(show, user, {seat('B', 3)}, t0_ + 6));
        ASSERT_FALSE(refused.ok());
        EXPECT_EQ(refused.error().code, ErrorCode::DependencyUnavailable);
        EXPECT_EQ(pool.roundTrips() - before, 1u);
        EXPECT_TRUE(store.awaitsRepair());
    }
    ASSERT_TRUE(opened(store));
    EXPECT_FALSE(store.awaitsRepair());
    before = pool.roundTrips();
    ASSERT_EQ(store.hold(request(show, user, {seat('B', 3)}, t0_ + 7))->kind, HoldResult::Kind::Held);
    EXPECT_EQ(pool.roundTrips() - before, 1u);

    const auto s = store.snapshot(show, seatIndex(), t0_ + 8);
    ASSERT_TRUE(s.ok());
    EXPECT_EQ(statusIn(*s, seat('B', 1)), SeatStatus::Sold);
    EXPECT_EQ(statusIn(*s, seat('B', 2)), SeatStatus::Available);
    EXPECT_EQ(statusIn(*s, seat('B', 3)), SeatStatus::Held);
}

// ---- losing the data -----------------------------------------------------------------------

TEST_F(RedisHoldStoreTest, ShowIsNotReadyOnceItsKeysAreGone) {
    RedisPool pool(plainOptions(), 2, milliseconds(2000));
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
    RedisPool pool(plainOptions(), 1, milliseconds(2000));
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
    RedisPool pool(plainOptions(), 1, milliseconds(2000));
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

// ---- transports ----------------------------------------------------------------------------

TEST_F(RedisHoldStoreTest, WorksOverTlsWithAuth) {
    RedisPool pool(tlsOptions(), 2, milliseconds(2000));
    RedisHoldStore store(pool);
    ASSERT_TRUE(opened(store));
    const ShowId show = newShow();
    const UserId user = newUser();
    ASSERT_TRUE(store.restore(show, {}, t0_).ok());
    const HoldRequest req = request(show, user, {seat('A', 5), seat('A', 6)}, t0_);
    auto r = store.hold(req);
    ASSERT_TRUE(r.ok()) << r.error().internal;
    EXPECT_EQ(r->kind, HoldResult::Kind::Held);
    const OrderId order = newOrder();
    EXPECT_EQ(*store.attachToOrder(req.holdId, user, order, t0_ + 20 * kMinute, t0_ + 1), HoldChange::Done);
    ASSERT_TRUE(store.sell(show, order, user, req.seatIds, t0_ + 2).ok());
    const auto found = store.findHold(req.holdId, t0_ + 3);
    ASSERT_TRUE(found.ok() && found->has_value());
    EXPECT_EQ((*found)->status, HoldStatus::Ordered);
    const auto s = store.snapshot(show, seatIndex(), t0_ + 3);
    ASSERT_TRUE(s.ok());
    EXPECT_EQ(s->sold, 2);
}

TEST_F(RedisHoldStoreTest, RedisDownFailsFastWithAnErrorNotAnException) {
    int refusedPort = 0;
    {
        // A port that was just ours and is closed again: connecting is refused at once.
        refusedPort = testing::freeLoopbackPort();
    }
    RedisPool pool(localOptions(refusedPort), 2, milliseconds(500));
    RedisHoldStore store(pool);
    const ShowId show = newShow();
    const UserId user = newUser();

    auto start = SteadyClock::now();
    auto r = store.hold(request(show, user, {seat('A', 1)}, t0_));
    EXPECT_LT(elapsedMs(start), 2000);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code, ErrorCode::DependencyUnavailable);
    EXPECT_FALSE(r.error().internal.empty());

    // Every other operation fails the same way, and quickly.
    start = SteadyClock::now();
    EXPECT_EQ(store.snapshot(show, seatIndex(), t0_).error().code, ErrorCode::DependencyUnavailable);
    EXPECT_EQ(store.restore(show, {}, t0_).error().code, ErrorCode::DependencyUnavailable);
    EXPECT_EQ(store.findHold(newHoldId(show), t0_).error().code, ErrorCode::DependencyUnavailable);
    EXPECT_EQ(store.release(newHoldId(show), user, t0_).error().code, ErrorCode::DependencyUnavailable);
    EXPECT_EQ(store.sell(show, newOrder(), user, {seat('A', 1)}, t0_).error().code, ErrorCode::DependencyUnavailable);
    EXPECT_LT(elapsedMs(start), 2000);
}

TEST_F(RedisHoldStoreTest, SilentRedisTimesOutWithinTheCommandDeadline) {
    // Accepts connections (the kernel does) and never answers: a hung or black-holed server.
    const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ASSERT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
    ASSERT_EQ(::listen(fd, 8), 0);
    socklen_t len = sizeof addr;
    ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);

    RedisPool pool(localOptions(ntohs(addr.sin_port)), 1, milliseconds(500));
    RedisHoldStore store(pool);
    const ShowId show = newShow();
    const auto start = SteadyClock::now();
    auto r = store.hold(request(show, newUser(), {seat('A', 1)}, t0_));
    EXPECT_LT(elapsedMs(start), 2000);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code, ErrorCode::DependencyTimeout);
    ::close(fd);
}

// ---- the pool ------------------------------------------------------------------------------

TEST(RedisPool, WaitingForAFreeConnectionIsBounded) {
    RedisPool pool(plainOptions(), 1, milliseconds(200));
    auto held = pool.lease();
    ASSERT_TRUE(held.ok());

    const auto start = SteadyClock::now();
    auto second = pool.lease();
    const long long waited = elapsedMs(start);
    ASSERT_FALSE(second.ok());
    EXPECT_EQ(second.error().code, ErrorCode::DependencyUnavailable);
    EXPECT_NE(second.error().internal.find("redis pool exhausted"), std::string::npos);
    EXPECT_GE(waited, 150);
    EXPECT_LT(waited, 1500);

    // Given back by the lease's destructor; a waiter gets it.
    std::thread waiter([&] {
        auto r = pool.call({"PING"});
        EXPECT_TRUE(r.ok());
        if (r.ok()) {
            EXPECT_EQ(r->str, "PONG");
        }
    });
    std::this_thread::sleep_for(milliseconds(50));
    { auto release = std::move(held).value(); }
    waiter.join();
}

// A pooled connection that died with the old server (a restart, a failover, an idle cut) used to
// fail its first call: the script runner now reconnects and sends the command again.
TEST(RedisPool, ADeadPooledConnectionIsReconnectedWithinTheSameCall) {
    ThrowawayRedis server;
    RedisPool pool(server.options(), 1, milliseconds(500));
    ASSERT_EQ(pool.call({"PING"})->str, "PONG");
    // Kill every client connection from the server's side: the pooled one is dead now.
    ASSERT_TRUE(pool.call({"CLIENT", "KILL", "TYPE", "normal", "SKIPME", "no"}).ok());
    auto first = pool.call({"PING"});
    ASSERT_TRUE(first.ok()) << first.error().internal;
    EXPECT_EQ(first->str, "PONG");
    EXPECT_EQ(pool.poolStats().reconnects, 1u);
}

// The pipelined path has the same repair: its connections died too.
TEST(RedisBatcherTest, ADeadPipelineConnectionIsReconnectedWithinTheSameCall) {
    ThrowawayRedis server;
    RedisBatcher batcher(server.options(), 1);
    RedisConnection admin(server.options());
    const auto ping = [&] {
        std::promise<Result<Reply>> p;
        batcher.submit({"PING"}, nullptr, [&](Result<Reply> r) { p.set_value(std::move(r)); });
        return p.get_future().get();
    };
    ASSERT_EQ(ping()->str, "PONG");
    ASSERT_TRUE(admin.command({"CLIENT", "KILL", "TYPE", "normal", "SKIPME", "yes"}).ok());
    auto first = ping();
    ASSERT_TRUE(first.ok()) << first.error().internal;
    EXPECT_EQ(first->str, "PONG");
}

// ---- a clustered Redis ---------------------------------------------------------------------

TEST_F(RedisHoldStoreTest, ScriptsRunOnAClusteredRedis) {
    // A one-node cluster owning every slot: a script whose keys are not all in one slot, or that
    // touches a key of another slot, fails here with CROSSSLOT or a non-local-key error.
    // The bus port defaults to port + 10000, which overflows for a high ephemeral port.
    ThrowawayRedis server({"--cluster-enabled", "yes", "--cluster-config-file", "nodes.conf", "--cluster-port",
                           std::to_string(testing::freeLoopbackPort())});
    RedisPool pool(server.options(), 2, milliseconds(2000));
    ASSERT_EQ(pool.call({"CLUSTER", "ADDSLOTSRANGE", "0", "16383"})->str, "OK");
    const auto deadline = SteadyClock::now() + std::chrono::seconds(10);
    while (pool.call({"CLUSTER", "INFO"})->str.find("cluster_state:ok") == std::string::npos) {
        ASSERT_LT(SteadyClock::now(), deadline) << "the one-node cluster did not come up";
        std::this_thread::sleep_for(milliseconds(50));
    }
    // The check the hash tag is for: keys of two shows are refused together.
    const ShowId show = newShow(), other = newShow();
    auto cross = pool.call({"EVAL", "return 1", "2", RedisHoldStore::seatsKey(show), RedisHoldStore::seatsKey(other)});
    ASSERT_TRUE(cross.ok());
    EXPECT_EQ(cross->type, Reply::Type::Error);

    RedisHoldStore store(pool);
    ASSERT_TRUE(opened(store));
    const UserId user = newUser(), buyer = newUser();
    ASSERT_TRUE(store.restore(show, {{seat('B', 9), newOrder(), buyer, 0}}, t0_).ok());
    const HoldRequest req = request(show, user, {seat('A', 1), seat('A', 2)}, t0_);
    auto r = store.hold(req);
    ASSERT_TRUE(r.ok()) << r.error().internal;
    EXPECT_EQ(r->kind, HoldResult::Kind::Held);
    EXPECT_EQ(store.hold(request(show, buyer, {seat('A', 2)}, t0_))->kind, HoldResult::Kind::Unavailable);
    const OrderId order = newOrder();
    auto attached = store.attachToOrder(req.holdId, user, order, t0_ + 20 * kMinute, t0_ + 1);
    ASSERT_TRUE(attached.ok()) << attached.error().internal;
    EXPECT_EQ(*attached, HoldChange::Done);
    auto soldOk = store.sell(show, order, user, req.seatIds, t0_ + 2);
    ASSERT_TRUE(soldOk.ok()) << soldOk.error().internal;
    const HoldRequest again = request(show, user, {seat('A', 3)}, t0_ + 3);
    ASSERT_EQ(store.hold(again)->kind, HoldResult::Kind::Held);
    auto released = store.release(again.holdId, user, t0_ + 4);
    ASSERT_TRUE(released.ok()) << released.error().internal;
    EXPECT_EQ(*released, HoldChange::Done);
    auto freed = store.releaseOrder(show, newOrder(), user, {seat('A', 1)}, t0_ + 5);
    ASSERT_TRUE(freed.ok()) << freed.error().internal;
    auto found = store.findHold(req.holdId, t0_ + 5);
    ASSERT_TRUE(found.ok() && found->has_value()) << (found.ok() ? "" : found.error().internal);
    const auto s = store.snapshot(show, seatIndex(), t0_ + 5);
    ASSERT_TRUE(s.ok()) << s.error().internal;
    EXPECT_EQ(s->sold, 3);
    EXPECT_EQ(s->held, 0);
    // Best available: the seating's load and the pick touch only keys of the show's slot.
    const HoldRequest best = pickRequest(show, newUser(), 2, t0_ + 6);
    auto picked = store.hold(best);
    ASSERT_TRUE(picked.ok()) << picked.error().internal;
    EXPECT_EQ(picked->kind, HoldResult::Kind::Held);
    EXPECT_EQ(picked->seatIds.size(), 2u);
}

// ---- best available: what only the Redis store has ------------------------------------------

TEST_F(RedisHoldStoreTest, ABestAvailableHoldSentTwiceAnswersTheSameSeats) {
    RedisPool pool(plainOptions(), 2, milliseconds(2000));
    RedisHoldStore store(pool);
    ASSERT_TRUE(opened(store));
    const ShowId show = newShow();
    ASSERT_TRUE(store.restore(show, {}, t0_).ok());
    const HoldRequest req = pickRequest(show, newUser(), 3, t0_);
    auto first = store.hold(req);
    ASSERT_TRUE(first.ok() && first->kind == HoldResult::Kind::Held);
    // The script runner resends a batch after a dead connection: the second run is the first's.
    auto second = store.hold(req);
    ASSERT_TRUE(second.ok()) << second.error().internal;
    EXPECT_EQ(second->kind, HoldResult::Kind::Held);
    EXPECT_EQ(second->seatIds, first->seatIds);
    const auto s = store.snapshot(show, seatIndex(), t0_ + 1);
    ASSERT_TRUE(s.ok());
    EXPECT_EQ(s->held, 3);
}

TEST_F(RedisHoldStoreTest, ALostOrStaleSeatingIndexIsSentAgainAndPicksStayRight) {
    RedisPool pool(plainOptions(), 2, milliseconds(2000));
    RedisHoldStore store(pool);
    ASSERT_TRUE(opened(store));
    const ShowId show = newShow();
    ASSERT_TRUE(store.restore(show, {}, t0_).ok());
    const UserId u = newUser();
    EXPECT_EQ(store.hold(pickRequest(show, u, 2, t0_))->seatIds, (std::vector<SeatId>{seat('A', 5), seat('A', 6)}));
    // The index's keys gone (an eviction, a partial flush): loaded again, the holds still count.
    const std::string tag = "bx:{" + show.str() + "}:ba:";
    ASSERT_TRUE(pool.call({"DEL", tag + "layout", tag + "bound", tag + "run", tag + "dirty"}).ok());
    EXPECT_EQ(store.hold(pickRequest(show, u, 2, t0_ + 1))->seatIds, (std::vector<SeatId>{seat('A', 3), seat('A', 4)}));
    // Another seating for the show (its venue's layout changed): the index follows it.
    static const SeatIndex wider(Layout{{LayoutSection{"FLOOR", {{"A", "GOLD", 12, {}}, {"B", "SILVER", 10, {}}}}}});
    HoldRequest onWider = pickRequest(show, u, 2, t0_ + 2);
    onWider.seating = std::shared_ptr<const SeatIndex>(std::shared_ptr<const SeatIndex>{}, &wider);
    auto r = store.hold(onWider);
    ASSERT_TRUE(r.ok()) << r.error().internal;
    EXPECT_EQ(r->seatIds, (std::vector<SeatId>{seat('A', 7), seat('A', 8)}));
}

}  // namespace
}  // namespace boxoffice::redis

namespace boxoffice::redis {
namespace {

using testing::ThrowawayRedis;

// The batcher writes one batch while it hands out the replies of the one before: every caller
// must still get its own reply, including the callers whose command met an empty script cache.
TEST(RedisBatcherTest, EveryCallerGetsItsOwnReplyWhileBatchesOverlapAndAcrossAScriptFlush) {
    ThrowawayRedis server;  // SCRIPT FLUSH on the shared server would disturb parallel tests
    RedisConnection admin(server.options());
    const std::string script = "return ARGV[1]";
    auto loaded = admin.command({"SCRIPT", "LOAD", script});
    ASSERT_TRUE(loaded.ok());
    const std::string sha = loaded->str;
    const LuaScript lua{"inline.lua", script, sha};

    constexpr int kCallers = 4;
    constexpr int kPerCaller = 1500;
    std::mutex mu;
    std::condition_variable cv;
    std::vector<std::string> got(kCallers * kPerCaller);
    int answered = 0;
    int errors = 0;
    {
        RedisBatcher batcher(server.options(), 2, /*maxBatch=*/8);  // small batches: many overlaps
        std::vector<std::thread> callers;
        for (int c = 0; c < kCallers; ++c) {
            callers.emplace_back([&, c] {
                for (int i = 0; i < kPerCaller; ++i) {
                    const int n = c * kPerCaller + i;
                    if (c == 0 && i == kPerCaller / 2) {
                        // From here some commands meet NOSCRIPT and go through LOAD + retry.
                        EXPECT_EQ(admin.command({"SCRIPT", "FLUSH"})->str, "OK");
                    }
                    batcher.submit({"EVALSHA", sha, "0", std::to_string(n)}, &lua, [&, n](Result<Reply> r) {
                        std::lock_guard lock(mu);
                        if (r && r->type == Reply::Type::String)
                            got[static_cast<std::size_t>(n)] = r->str;
                        else
                            ++errors;
                        if (++answered == kCallers * kPerCaller) cv.notify_all();
                    });
                }
            });
        }
        for (auto& t : callers) t.join();
        std::unique_lock lock(mu);
        ASSERT_TRUE(cv.wait_for(lock, std::chrono::seconds(20), [&] { return answered == kCallers * kPerCaller; }))
            << answered << " of " << kCallers * kPerCaller << " answered";
    }
    EXPECT_EQ(errors, 0);
    for (int n = 0; n < kCallers * kPerCaller; ++n) ASSERT_EQ(got[static_cast<std::size_t>(n)], std::to_string(n));
}

// Redis going away answers every queued and in-flight command with an error, none is lost.
TEST(RedisBatcherTest, RedisGoingDownAnswersEveryCommandWithAnError) {
    auto server = std::make_unique<ThrowawayRedis>();
    RedisOptions options = server->options();
    options.connectTimeout = milliseconds(300);
    options.commandTimeout = milliseconds(300);
    std::mutex mu;
    std::condition_variable cv;
    int ok = 0, failed = 0;
    constexpr int kCommands = 2000;
    {
        RedisBatcher batcher(options, 2, 16);
        for (int n = 0; n < kCommands; ++n) {
            if (n == kCommands / 2) server.reset();
            batcher.submit({"PING"}, nullptr, [&](Result<Reply> r) {
                std::lock_guard lock(mu);
                (r && r->str == "PONG" ? ok : failed)++;
                cv.notify_all();
            });
        }
        std::unique_lock lock(mu);
        ASSERT_TRUE(cv.wait_for(lock, std::chrono::seconds(30), [&] { return ok + failed == kCommands; }));
    }
    EXPECT_GT(ok, 0);
    EXPECT_GT(failed, 0);
}

}  // namespace
}  // namespace boxoffice::redis
