// What only the Redis HoldStore has to prove (the shared behaviour is in hold_store_contract_test;
// losing its data and coming back is redis_hold_store_recovery_test, the pool and the pipeline
// redis_pool_test): round trips, the NOSCRIPT fallback and the fenced hold script, TLS+AUTH, Redis
// being down or silent, a clustered Redis, best-available picks. (The 200-thread race for one seat
// is the contract suite's, run against this store through a pool of 16 too.)
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <thread>

#include "integration/redis_hold_store_fixture.hpp"
#include "support/test_env.hpp"

namespace boxoffice::redis {
namespace {

using testing::localRedisOptions;
using testing::plainRedisOptions;
using testing::tlsRedisOptions;

// ---- round trips ----------------------------------------------------------------------------

TEST_F(RedisHoldStoreTest, HoldAndSnapshotAreOneRoundTripEach) {
    RedisPool pool(plainRedisOptions(), 2, milliseconds(2000));
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

// ---- transports ----------------------------------------------------------------------------

TEST_F(RedisHoldStoreTest, WorksOverTlsWithAuth) {
    RedisPool pool(tlsRedisOptions(), 2, milliseconds(2000));
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
    RedisPool pool(localRedisOptions(refusedPort), 2, milliseconds(500));
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

    RedisPool pool(localRedisOptions(ntohs(addr.sin_port)), 1, milliseconds(500));
    RedisHoldStore store(pool);
    const ShowId show = newShow();
    const auto start = SteadyClock::now();
    auto r = store.hold(request(show, newUser(), {seat('A', 1)}, t0_));
    EXPECT_LT(elapsedMs(start), 2000);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code, ErrorCode::DependencyTimeout);
    ::close(fd);
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
    RedisPool pool(plainRedisOptions(), 2, milliseconds(2000));
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
    RedisPool pool(plainRedisOptions(), 2, milliseconds(2000));
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
