// One contract for every QueueStore (the waiting room's state): the in-process store and the Redis
// store (scripts/queue.lua on a real redis-server) must give the same answers. Time is injected
// through `now`; nothing here sleeps. Plus the Redis-only facts: the keys share the show's hash
// tag, and a Redis restart that lost the state fails the room closed until it is armed again.
#include <gtest/gtest.h>

#include <algorithm>
#include <functional>
#include <memory>
#include <random>
#include <set>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "admission/memory_queue_store.hpp"
#include "storage/redis/redis_pool.hpp"
#include "storage/redis/redis_queue_store.hpp"
#include "storage/redis/redis_url.hpp"
#include "support/test_env.hpp"
#include "support/throwaway_redis.hpp"
#include "util/random_id.hpp"

namespace boxoffice::testing {
namespace {

using admission::kOpenScoreBase;
using admission::Place;
using admission::QueueState;
using admission::QueueStore;
using admission::WaitingRoomSettings;
using std::chrono::milliseconds;

constexpr EpochMs kT0 = 1'800'000'000'000;  // a fixed instant: the stores only see `now`
constexpr EpochMs kSecond = 1000;

redis::RedisOptions redisOptions(const std::string& url) {
    std::string error;
    auto endpoint = redis::parseRedisUrl(url, error);
    if (!endpoint) throw std::runtime_error("bad redis url: " + error);
    redis::RedisOptions o;
    o.endpoint = *endpoint;
    o.connectTimeout = milliseconds(2000);
    o.commandTimeout = milliseconds(2000);
    return o;
}

class StoreUnderTest {
public:
    virtual ~StoreUnderTest() = default;
    virtual QueueStore& store() = 0;
};

class MemoryStore final : public StoreUnderTest {
public:
    QueueStore& store() override { return store_; }

private:
    admission::MemoryQueueStore store_;
};

class RedisStore final : public StoreUnderTest {
public:
    RedisStore() : pool_(redisOptions(TestEnv::get().redisUrl), 4, milliseconds(5000)), store_(pool_) {}
    QueueStore& store() override { return store_; }

private:
    redis::RedisPool pool_;
    redis::RedisQueueStore store_;
};

struct Implementation {
    std::string name;
    std::function<std::unique_ptr<StoreUnderTest>()> make;
};
void PrintTo(const Implementation& impl, std::ostream* os) {
    *os << impl.name;
}

const Implementation kImplementations[] = {
    {"Memory", [] { return std::make_unique<MemoryStore>(); }},
    {"Redis", [] { return std::make_unique<RedisStore>(); }},
};

class QueueStoreContract : public ::testing::TestWithParam<Implementation> {
protected:
    void SetUp() override {
        impl_ = GetParam().make();
        room_ = roomOpeningAt(kT0 + 60 * kSecond);
    }
    QueueStore& store() { return impl_->store(); }

    // Every test has shows of its own, so tests may share one Redis.
    WaitingRoomSettings roomOpeningAt(EpochMs opensAt, std::int64_t rate = 10, std::int64_t maxActive = 0) {
        WaitingRoomSettings w;
        w.show = ShowId{ids_.next()};
        w.enabled = true;
        w.opensAt = opensAt;
        w.admitRate = rate;
        w.maxActive = maxActive;
        w.admissionTtl = milliseconds(60'000);
        w.shoppingWindow = milliseconds(120'000);
        return w;
    }
    UserId user(int i) { return UserId{"u" + std::to_string(i)}; }

    Place join(const WaitingRoomSettings& room, const UserId& u, EpochMs now, std::int64_t score = 0) {
        auto p = store().join(room, u, score, now);
        EXPECT_TRUE(p) << p.error().internal;
        return p ? *p : Place{};
    }
    Place placeOf(const WaitingRoomSettings& room, const UserId& u, EpochMs now) {
        auto p = store().place(room, u, now);
        EXPECT_TRUE(p) << p.error().internal;
        return p ? *p : Place{};
    }
    QueueState stateOf(const WaitingRoomSettings& room, EpochMs now) {
        auto s = store().state(room, now);
        EXPECT_TRUE(s) << s.error().internal;
        return s ? *s : QueueState{};
    }
    void arm(const WaitingRoomSettings& room, EpochMs now = kT0) {
        auto r = store().arm(room, now);
        ASSERT_TRUE(r) << r.error().internal;
    }

    std::unique_ptr<StoreUnderTest> impl_;
    WaitingRoomSettings room_;
    util::RandomIdGenerator ids_;
};

TEST_P(QueueStoreContract, AnUnarmedRoomFailsClosedAsStateLost) {
    for (auto r : {store().join(room_, user(1), 0, kT0), store().place(room_, user(1), kT0)}) {
        ASSERT_FALSE(r);
        EXPECT_EQ(r.error().code, ErrorCode::DependencyUnavailable);
        EXPECT_EQ(r.error().detail, "waiting room state lost; retry");
    }
    EXPECT_FALSE(store().state(room_, kT0));
    EXPECT_FALSE(store().setPaused(room_, true, kT0));
}

TEST_P(QueueStoreContract, JoiningAgainKeepsThePlace) {
    arm(room_);
    const EpochMs after = room_.opensAt + kSecond;
    room_.admitRate = 1;
    join(room_, user(1), after);
    const Place first = join(room_, user(2), after);
    const Place again = join(room_, user(2), after + 10);
    EXPECT_TRUE(again.joined);
    EXPECT_FALSE(again.preQueue);
    EXPECT_EQ(again.rank, first.rank);
    EXPECT_EQ(again.room.size, 2);
}

TEST_P(QueueStoreContract, ThePreQueueIsShuffledAtTheOpeningThenFirstComeFirstServed) {
    arm(room_);
    // Joiners before the opening get the scores the service drew: their arrival order must not count.
    const std::vector<std::int64_t> scores = {900, 100, 500, 300, 700};
    for (int i = 0; i < 5; ++i) {
        const Place p = join(room_, user(i), kT0 + i * kSecond, scores[static_cast<std::size_t>(i)]);
        EXPECT_TRUE(p.preQueue) << i;
        EXPECT_EQ(p.admittedAt, 0) << i;
    }
    EXPECT_FALSE(stateOf(room_, room_.opensAt - 1).opened);
    // After the opening: ranks in the order of the scores, the late joiners behind them in order.
    const Place late1 = join(room_, user(10), room_.opensAt);
    const Place late2 = join(room_, user(11), room_.opensAt + 1);
    EXPECT_FALSE(late1.preQueue);
    EXPECT_EQ(late1.rank, 5);
    EXPECT_EQ(late2.rank, 6);
    const std::vector<int> expected = {1, 3, 2, 4, 0};  // by score: 100, 300, 500, 700, 900
    for (std::size_t rank = 0; rank < expected.size(); ++rank) {
        const Place p = placeOf(room_, user(expected[rank]), room_.opensAt + 2);
        EXPECT_FALSE(p.preQueue);
        EXPECT_EQ(p.rank, static_cast<std::int64_t>(rank)) << "user " << expected[rank];
    }
    // A score at or above the open base is clamped into the pre-queue's range, never behind it.
    auto other = roomOpeningAt(kT0 + kSecond);
    arm(other);
    join(other, user(1), kT0, kOpenScoreBase + 5);
    join(other, user(2), kT0, 0);
    EXPECT_EQ(placeOf(other, user(1), kT0 + kSecond).rank, 1);
}

TEST_P(QueueStoreContract, AdmissionAdvancesAtTheRateFromTheOpening) {
    arm(room_);
    for (int i = 0; i < 50; ++i) join(room_, user(i), kT0, i);
    EXPECT_EQ(stateOf(room_, room_.opensAt).admitted, 0);
    // 10 people a second: 25 after 2.5 s, in rank order, and nobody past the cursor.
    const QueueState s = stateOf(room_, room_.opensAt + 2500);
    EXPECT_EQ(s.admitted, 25);
    EXPECT_EQ(s.progress.admitted, 25);
    EXPECT_EQ(s.active, 25);
    EXPECT_EQ(placeOf(room_, user(24), room_.opensAt + 2500).admittedAt, room_.opensAt + 2500);
    EXPECT_EQ(placeOf(room_, user(25), room_.opensAt + 2500).admittedAt, 0);
    // The cursor never passes the queue's size, and credit does not pile up while nobody waits.
    EXPECT_EQ(stateOf(room_, room_.opensAt + 100 * kSecond).admitted, 50);
    const Place newcomer = join(room_, user(100), room_.opensAt + 101 * kSecond);
    EXPECT_EQ(newcomer.rank, 50);
    const Place late = join(room_, user(101), room_.opensAt + 101 * kSecond);
    EXPECT_EQ(late.admittedAt, 0) << "no credit was kept for the idle 98 s";
}

TEST_P(QueueStoreContract, PausedRoomsAdmitNobodyAndEarnNoCredit) {
    arm(room_);
    for (int i = 0; i < 100; ++i) join(room_, user(i), kT0, i);
    EXPECT_EQ(stateOf(room_, room_.opensAt + kSecond).admitted, 10);
    auto paused = store().setPaused(room_, true, room_.opensAt + kSecond);
    ASSERT_TRUE(paused);
    EXPECT_TRUE(paused->paused);
    EXPECT_EQ(stateOf(room_, room_.opensAt + 5 * kSecond).admitted, 10);
    auto resumed = store().setPaused(room_, false, room_.opensAt + 5 * kSecond);
    ASSERT_TRUE(resumed);
    EXPECT_FALSE(resumed->paused);
    EXPECT_EQ(stateOf(room_, room_.opensAt + 6 * kSecond).admitted, 20);
}

TEST_P(QueueStoreContract, AnAdmittedShopperWhoDoesNotHoldLosesTheTurn) {
    arm(room_);
    for (int i = 0; i < 3; ++i) join(room_, user(i), kT0, i);
    const EpochMs admitted = room_.opensAt + kSecond;
    EXPECT_EQ(stateOf(room_, admitted).admitted, 3);
    auto held = store().held(room_, user(0), admitted + kSecond);
    ASSERT_TRUE(held);
    EXPECT_EQ(held->held, 1);
    EXPECT_EQ(held->active, 2);
    // A second notice for the same hold counts nothing.
    EXPECT_EQ(store().held(room_, user(0), admitted + kSecond)->held, 1);
    const QueueState over = stateOf(room_, admitted + room_.shoppingWindow.count());
    EXPECT_EQ(over.abandoned, 2);
    EXPECT_EQ(over.progress.abandoned, 2);
    EXPECT_EQ(over.active, 0);
    EXPECT_EQ(over.held, 1);
    // Too late to count as held.
    EXPECT_EQ(store().held(room_, user(1), admitted + room_.shoppingWindow.count() + 1)->held, 1);
}

TEST_P(QueueStoreContract, MaxActiveKeepsAtMostThatManyShoppersAndAHoldFreesASlot) {
    auto room = roomOpeningAt(kT0, 0, 2);
    arm(room);
    for (int i = 0; i < 5; ++i) join(room, user(i), kT0 + i);
    QueueState s = stateOf(room, kT0 + 10 * kSecond);
    EXPECT_EQ(s.admitted, 2);
    EXPECT_EQ(s.active, 2);
    auto held = store().held(room, user(0), kT0 + 11 * kSecond);
    ASSERT_TRUE(held);
    EXPECT_EQ(held->admitted, 3) << "the freed slot goes to the next in line at once";
    EXPECT_EQ(placeOf(room, user(2), kT0 + 11 * kSecond).admittedAt, kT0 + 11 * kSecond);
    // Windows ending free slots too.
    s = stateOf(room, kT0 + 11 * kSecond + room.shoppingWindow.count());
    EXPECT_EQ(s.admitted, 5);
    EXPECT_EQ(s.abandoned, 2);
}

TEST_P(QueueStoreContract, ArmingAgainKeepsTheQueue) {
    arm(room_);
    join(room_, user(1), kT0, 1);
    join(room_, user(2), kT0, 2);
    arm(room_, kT0 + 5);
    EXPECT_EQ(stateOf(room_, kT0 + 6).size, 2);
}

TEST_P(QueueStoreContract, PlaceOfSomeoneWhoNeverJoined) {
    arm(room_);
    join(room_, user(1), kT0, 1);
    const Place p = placeOf(room_, user(2), kT0);
    EXPECT_FALSE(p.joined);
    EXPECT_EQ(p.room.size, 1);
}

TEST_P(QueueStoreContract, ConcurrentJoinersGetDistinctPlacesOneEach) {
    arm(room_);
    const EpochMs open = room_.opensAt + 1;
    constexpr int kThreads = 8, kEach = 25;
    std::mutex mu;
    std::set<std::int64_t> ranks;
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; ++t)
        threads.emplace_back([&, t] {
            for (int i = 0; i < kEach; ++i) {
                // Every user joins twice: the second answer must be the first place again.
                const UserId u{"t" + std::to_string(t) + "-" + std::to_string(i)};
                auto first = store().join(room_, u, 0, open);
                auto again = store().join(room_, u, 0, open);
                std::lock_guard lock(mu);
                ASSERT_TRUE(first && again);
                EXPECT_EQ(first->rank, again->rank);
                ranks.insert(first->rank);
            }
        });
    for (auto& th : threads) th.join();
    EXPECT_EQ(ranks.size(), static_cast<std::size_t>(kThreads * kEach));
    EXPECT_EQ(*ranks.begin(), 0);
    EXPECT_EQ(*ranks.rbegin(), kThreads * kEach - 1);
    EXPECT_EQ(stateOf(room_, open).size, kThreads * kEach);
}

INSTANTIATE_TEST_SUITE_P(AllStores, QueueStoreContract, ::testing::ValuesIn(kImplementations),
                         [](const ::testing::TestParamInfo<Implementation>& param) { return param.param.name; });

// ---- Redis only ---------------------------------------------------------------------------

TEST(RedisQueueStore, EveryKeyIsUnderTheShowsHashTag) {
    EXPECT_EQ(redis::RedisQueueStore::keyPrefix(ShowId{"s-1"}), "bx:{s-1}:wr:");
    redis::RedisPool pool(redisOptions(TestEnv::get().redisUrl), 1, milliseconds(2000));
    redis::RedisQueueStore store(pool);
    WaitingRoomSettings room;
    room.show = ShowId{util::RandomIdGenerator().next()};
    room.enabled = true;
    room.opensAt = kT0;
    room.admitRate = 5;
    ASSERT_TRUE(store.arm(room, kT0));
    ASSERT_TRUE(store.join(room, UserId{"alice"}, 0, kT0 + 1000));
    ASSERT_EQ(store.state(room, kT0 + 2000)->admitted, 1);  // so the admission keys exist too
    for (const char* suffix : {"q", "st", "adm", "act"}) {
        auto type = pool.call({"TYPE", "bx:{" + room.show.str() + "}:wr:" + suffix});
        ASSERT_TRUE(type);
        EXPECT_NE(type->str, "none") << suffix;
    }
}

TEST(RedisQueueStore, ARedisRestartThatLostTheQueueFailsClosedUntilArmedAgain) {
    ThrowawayRedis server;
    redis::RedisPool pool(server.options(), 1, milliseconds(2000));
    redis::RedisQueueStore store(pool);
    WaitingRoomSettings room;
    room.show = ShowId{"restart-show"};
    room.enabled = true;
    room.opensAt = kT0;
    room.admitRate = 5;
    ASSERT_TRUE(store.arm(room, kT0));
    ASSERT_TRUE(store.join(room, UserId{"alice"}, 0, kT0 + 1000));

    server.stop();
    server.start();  // empty: no persistence

    auto lost = store.place(room, UserId{"alice"}, kT0 + 2000);
    ASSERT_FALSE(lost);
    EXPECT_EQ(lost.error().code, ErrorCode::DependencyUnavailable);
    EXPECT_EQ(lost.error().detail, "waiting room state lost; retry");
    EXPECT_FALSE(store.join(room, UserId{"bob"}, 0, kT0 + 2000)) << "no new queue behind the lost one's back";
    // An admin arms it again: a new, empty queue.
    ASSERT_TRUE(store.arm(room, kT0 + 3000));
    auto fresh = store.join(room, UserId{"bob"}, 0, kT0 + 3000);
    ASSERT_TRUE(fresh) << fresh.error().internal;
    EXPECT_EQ(fresh->rank, 0);
    EXPECT_EQ(fresh->room.size, 1);
}

}  // namespace
}  // namespace boxoffice::testing
