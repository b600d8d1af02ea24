// One contract for every HoldStore: the embedded store and the Redis store must give the same
// answers, so a deployment can swap one for the other without the booking flow noticing.
// Time is injected through `now`; nothing here sleeps.
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <barrier>
#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <ostream>
#include <random>
#include <set>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "domain/booking_ports.hpp"
#include "domain/clock.hpp"
#include "domain/hold_id.hpp"
#include "storage/memory/memory_hold_store.hpp"
#include "storage/redis/redis_hold_store.hpp"
#include "storage/redis/redis_pool.hpp"
#include "storage/redis/redis_url.hpp"
#include "support/test_env.hpp"
#include "util/random_id.hpp"

namespace boxoffice {

// Readable failures: gtest finds these by ADL, so they live in the enums' namespace. Static, so
// they cannot clash with another test file's.
[[maybe_unused]] static void PrintTo(HoldResult::Kind k, std::ostream* os) {
    static constexpr const char* kNames[] = {"Held", "Unavailable", "UserLimitReached", "NotReady"};
    *os << kNames[static_cast<int>(k)];
}
[[maybe_unused]] static void PrintTo(HoldChange c, std::ostream* os) {
    static constexpr const char* kNames[] = {"Done", "NotFound", "NotHeld"};
    *os << kNames[static_cast<int>(c)];
}
[[maybe_unused]] static void PrintTo(HoldStatus s, std::ostream* os) {
    *os << holdStatusName(s);
}
[[maybe_unused]] static void PrintTo(SeatStatus s, std::ostream* os) {
    static constexpr const char* kNames[] = {"Available", "Held", "Sold"};
    *os << kNames[static_cast<int>(s)];
}

namespace testing {
namespace {

using std::chrono::milliseconds;

constexpr EpochMs kMinute = 60 * 1000;
constexpr EpochMs kHour = 60 * kMinute;
constexpr EpochMs kDay = 24 * kHour;
constexpr EpochMs kHoldTtl = 10 * kMinute;

// ---- the implementations under test: add a store here and it runs the whole contract ----------

/// Owns one store and whatever it needs (a pool) for the length of a test.
class StoreUnderTest {
public:
    virtual ~StoreUnderTest() = default;
    virtual HoldStore& store() = 0;
};

struct Implementation {
    std::string name;  // a gtest parameter name: letters and digits only
    std::function<std::unique_ptr<StoreUnderTest>()> make;
};
void PrintTo(const Implementation& impl, std::ostream* os) {
    *os << impl.name;
}

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

// ---- helpers -------------------------------------------------------------------------------

// Four rows of ten: FLOOR-A-1 .. FLOOR-D-10.
const SeatIndex& seatIndex() {
    static const SeatIndex index(Layout{{LayoutSection{
        "FLOOR", {{"A", "GOLD", 10, {}}, {"B", "GOLD", 10, {}}, {"C", "SILVER", 10, {}}, {"D", "SILVER", 10, {}}}}}});
    return index;
}

SeatId seat(char row, int number) {
    return SeatId{std::string("FLOOR-") + row + "-" + std::to_string(number)};
}

std::string randomHex32(IdGenerator& ids) {
    std::string out;
    for (const char c : ids.next())
        if (c != '-') out.push_back(c);
    return out;
}

std::set<SeatId> asSet(const std::vector<SeatId>& v) {
    return {v.begin(), v.end()};
}

class HoldStoreContract : public ::testing::TestWithParam<Implementation> {
protected:
    void SetUp() override {
        impl_ = GetParam().make();
        ASSERT_NE(impl_, nullptr) << GetParam().name << " store is not built into this binary";
        show_ = newShow();
    }

    HoldStore& store() { return impl_->store(); }

    // Every test works on shows of its own, so tests may share one Redis and run in parallel.
    ShowId newShow() { return ShowId{ids_.next()}; }
    HoldId newHoldId(const ShowId& show) { return makeHoldId(show, randomHex32(ids_)); }
    UserId newUser() { return UserId{"user-" + ids_.next()}; }
    OrderId newOrder() { return OrderId{ids_.next()}; }

    void restore(const ShowId& show, const std::vector<SeatClaim>& claims = {}) {
        auto r = store().restore(show, claims, t0_);
        ASSERT_TRUE(r.ok()) << r.error().internal;
    }

    HoldRequest request(const UserId& user, std::vector<SeatId> seats, EpochMs now, EpochMs ttl = kHoldTtl,
                        int maxSeatsPerUser = 10) {
        return HoldRequest{newHoldId(show_), show_, user, std::move(seats), now, now + ttl, maxSeatsPerUser, {}, {}};
    }

    HoldResult hold(const HoldRequest& req) {
        auto r = store().hold(req);
        if (!r.ok()) {
            ADD_FAILURE() << "hold failed: " << r.error().detail << " / " << r.error().internal;
            return HoldResult{HoldResult::Kind::NotReady, {}, 0, {}};
        }
        return *r;
    }

    /// Holds `seats` for `user` at `now`, failing the test unless it succeeds.
    HoldId held(const UserId& user, std::vector<SeatId> seats, EpochMs now, EpochMs ttl = kHoldTtl) {
        const HoldRequest req = request(user, std::move(seats), now, ttl);
        const HoldResult r = hold(req);
        EXPECT_EQ(r.kind, HoldResult::Kind::Held) << "unavailable: " << r.unavailable.size();
        return req.holdId;
    }

    HoldResult::Kind tryHold(const UserId& user, std::vector<SeatId> seats, EpochMs now) {
        return hold(request(user, std::move(seats), now)).kind;
    }

    std::optional<Hold> find(const HoldId& id, EpochMs now) {
        auto r = store().findHold(id, now);
        EXPECT_TRUE(r.ok());
        return r.ok() ? *r : std::nullopt;
    }

    std::optional<HoldStatus> statusOfHold(const HoldId& id, EpochMs now) {
        auto h = find(id, now);
        return h ? std::optional<HoldStatus>(h->status) : std::nullopt;
    }

    HoldChange release(const HoldId& id, const UserId& user, EpochMs now) {
        auto r = store().release(id, user, now);
        EXPECT_TRUE(r.ok());
        return r.ok() ? *r : HoldChange::NotFound;
    }

    HoldChange attach(const HoldId& id, const UserId& user, const OrderId& order, EpochMs orderExpiresAt, EpochMs now) {
        auto r = store().attachToOrder(id, user, order, orderExpiresAt, now);
        EXPECT_TRUE(r.ok());
        return r.ok() ? *r : HoldChange::NotFound;
    }

    AvailabilitySnapshot snapshot(EpochMs now, const ShowId* show = nullptr) {
        auto r = store().snapshot(show ? *show : show_, seatIndex(), now);
        EXPECT_TRUE(r.ok());
        return r.ok() ? *r : AvailabilitySnapshot{};
    }

    SeatStatus statusOf(const SeatId& seatId, EpochMs now) {
        const auto s = snapshot(now);
        const long pos = seatIndex().find(seatId.str());
        if (pos < 0 || static_cast<std::size_t>(pos) >= s.status.size()) {
            ADD_FAILURE() << "no status for " << seatId.str();
            return SeatStatus::Available;
        }
        return s.status[static_cast<std::size_t>(pos)];
    }

    /// A best-available request on `show` (the suite's own show unless given) of `seating`.
    HoldRequest pickRequest(const UserId& user, int quantity, EpochMs now, bool adjacent = true,
                            std::string section = "", std::string tier = "", const ShowId* show = nullptr,
                            const SeatIndex* seating = nullptr, EpochMs ttl = kHoldTtl) {
        const ShowId& s = show ? *show : show_;
        HoldRequest r{newHoldId(s), s, user, {}, now, now + ttl, 10, {}, {}};
        r.pick = SeatPick{quantity, std::move(section), std::move(tier), adjacent};
        // Not owned: the layouts of this suite are static.
        r.seating =
            std::shared_ptr<const SeatIndex>(std::shared_ptr<const SeatIndex>{}, seating ? seating : &seatIndex());
        return r;
    }

    /// The seats a best-available hold got, failing the test unless it was granted with exactly
    /// `quantity` distinct seats that the hold record and the seat map agree on.
    std::vector<SeatId> picked(const HoldRequest& req) {
        const HoldResult r = hold(req);
        EXPECT_EQ(r.kind, HoldResult::Kind::Held);
        if (r.kind != HoldResult::Kind::Held) return {};
        EXPECT_EQ(static_cast<int>(r.seatIds.size()), req.pick->quantity);
        EXPECT_EQ(asSet(r.seatIds).size(), r.seatIds.size());
        const auto h = find(req.holdId, req.now);
        EXPECT_TRUE(h.has_value());
        if (h) {
            EXPECT_EQ(asSet(h->seatIds), asSet(r.seatIds));
        }
        return r.seatIds;
    }

    util::RandomIdGenerator ids_;
    std::unique_ptr<StoreUnderTest> impl_;
    ShowId show_;
    // The real time: a store that keys its own TTLs off the wall clock stays consistent with `now`.
    const EpochMs t0_ = SystemClock().nowMs();
};

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

// ---- orders --------------------------------------------------------------------------------

TEST_P(HoldStoreContract, OrderedSeatsOutliveTheHoldUntilTheOrderExpires) {
    restore(show_);
    const UserId a = newUser(), b = newUser();
    const HoldId h = held(a, {seat('A', 5), seat('A', 6)}, t0_);
    const OrderId order = newOrder();
    const EpochMs orderExpiresAt = t0_ + 20 * kMinute;
    ASSERT_EQ(attach(h, a, order, orderExpiresAt, t0_ + kMinute), HoldChange::Done);

    const EpochMs afterHoldExpiry = t0_ + 15 * kMinute;
    EXPECT_EQ(statusOfHold(h, afterHoldExpiry), HoldStatus::Ordered);
    EXPECT_EQ(statusOf(seat('A', 5), afterHoldExpiry), SeatStatus::Held);
    EXPECT_EQ(tryHold(b, {seat('A', 6)}, afterHoldExpiry), HoldResult::Kind::Unavailable);
    // The hold is no longer HELD: neither released nor ordered twice.
    EXPECT_EQ(release(h, a, t0_ + 2 * kMinute), HoldChange::NotHeld);
    EXPECT_EQ(attach(h, a, newOrder(), orderExpiresAt, t0_ + 2 * kMinute), HoldChange::NotHeld);

    EXPECT_EQ(statusOf(seat('A', 5), orderExpiresAt), SeatStatus::Available);
    EXPECT_EQ(tryHold(b, {seat('A', 5), seat('A', 6)}, orderExpiresAt), HoldResult::Kind::Held);
}

TEST_P(HoldStoreContract, AttachNeedsAHeldUnexpiredHoldOfTheUser) {
    restore(show_);
    const UserId a = newUser(), b = newUser();
    const HoldId h = held(a, {seat('A', 7)}, t0_);
    EXPECT_EQ(attach(h, b, newOrder(), t0_ + 20 * kMinute, t0_ + 1), HoldChange::NotFound);
    EXPECT_EQ(attach(newHoldId(show_), a, newOrder(), t0_ + 20 * kMinute, t0_ + 1), HoldChange::NotFound);
    EXPECT_EQ(attach(h, a, newOrder(), t0_ + kHoldTtl + 20 * kMinute, t0_ + kHoldTtl), HoldChange::NotHeld);
    EXPECT_EQ(statusOfHold(h, t0_ + kHoldTtl), HoldStatus::Expired);
}

TEST_P(HoldStoreContract, ReleaseOrderFreesOnlyWhatTheOrderStillOwns) {
    restore(show_);
    const UserId a = newUser(), b = newUser();
    const std::vector<SeatId> seats{seat('B', 1), seat('B', 2)};
    const HoldId h = held(a, seats, t0_);
    const OrderId order = newOrder();
    ASSERT_EQ(attach(h, a, order, t0_ + 20 * kMinute, t0_ + 1), HoldChange::Done);

    // Another order's release does not touch these seats.
    ASSERT_TRUE(store().releaseOrder(show_, newOrder(), a, seats, t0_ + 2).ok());
    EXPECT_EQ(statusOf(seat('B', 1), t0_ + 2), SeatStatus::Held);

    ASSERT_TRUE(store().releaseOrder(show_, order, a, seats, t0_ + 3).ok());
    EXPECT_EQ(snapshot(t0_ + 3).held, 0);
    EXPECT_EQ(tryHold(b, seats, t0_ + 3), HoldResult::Kind::Held);

    // A late release of the same order (a second sweeper) must not free b's hold.
    ASSERT_TRUE(store().releaseOrder(show_, order, a, seats, t0_ + 4).ok());
    EXPECT_EQ(statusOf(seat('B', 1), t0_ + 4), SeatStatus::Held);
    EXPECT_EQ(tryHold(a, {seat('B', 2)}, t0_ + 4), HoldResult::Kind::Unavailable);
}

TEST_P(HoldStoreContract, SoldSeatsStaySoldForever) {
    restore(show_);
    const UserId a = newUser(), b = newUser();
    const std::vector<SeatId> seats{seat('C', 7), seat('C', 8)};
    const HoldId h = held(a, seats, t0_);
    const OrderId order = newOrder();
    ASSERT_EQ(attach(h, a, order, t0_ + 20 * kMinute, t0_ + 1), HoldChange::Done);
    ASSERT_TRUE(store().sell(show_, order, a, seats, t0_ + 2).ok());
    ASSERT_TRUE(store().sell(show_, order, a, seats, t0_ + 3).ok());  // idempotent

    EXPECT_EQ(statusOf(seat('C', 7), t0_ + 3), SeatStatus::Sold);
    const EpochMs muchLater = t0_ + 365 * kDay;
    const auto s = snapshot(muchLater);
    EXPECT_EQ(s.sold, 2);
    EXPECT_EQ(s.held, 0);
    const HoldResult r = hold(request(b, {seat('C', 6), seat('C', 7)}, muchLater));
    EXPECT_EQ(r.kind, HoldResult::Kind::Unavailable);
    EXPECT_EQ(r.unavailable, std::vector<SeatId>{seat('C', 7)});
}

TEST_P(HoldStoreContract, ARefundsReleaseGivesSoldSeatsBackAndOnlyThoseOfTheOrder) {
    restore(show_);
    const UserId a = newUser(), b = newUser();
    const std::vector<SeatId> seats{seat('C', 1), seat('C', 2)};
    const HoldId h = held(a, seats, t0_);
    const OrderId order = newOrder();
    ASSERT_EQ(attach(h, a, order, t0_ + 20 * kMinute, t0_ + 1), HoldChange::Done);
    ASSERT_TRUE(store().sell(show_, order, a, seats, t0_ + 2).ok());
    ASSERT_EQ(store().showState(show_)->soldSeats, 2);

    // Another order's release leaves the sale alone.
    ASSERT_TRUE(store().releaseOrder(show_, newOrder(), a, seats, t0_ + 3).ok());
    EXPECT_EQ(statusOf(seat('C', 1), t0_ + 3), SeatStatus::Sold);
    // One seat refunded: on sale again at once, the other still sold, the sold count follows.
    ASSERT_TRUE(store().releaseOrder(show_, order, a, {seat('C', 2)}, t0_ + 4).ok());
    EXPECT_EQ(statusOf(seat('C', 2), t0_ + 4), SeatStatus::Available);
    EXPECT_EQ(statusOf(seat('C', 1), t0_ + 4), SeatStatus::Sold);
    EXPECT_EQ(store().showState(show_)->soldSeats, 1);
    EXPECT_EQ(snapshot(t0_ + 4).sold, 1);
    EXPECT_EQ(tryHold(b, {seat('C', 2)}, t0_ + 5), HoldResult::Kind::Held);
    // Released again (a retried refund): b's new hold is not touched, nothing is counted twice.
    ASSERT_TRUE(store().releaseOrder(show_, order, a, {seat('C', 2)}, t0_ + 6).ok());
    EXPECT_EQ(statusOf(seat('C', 2), t0_ + 6), SeatStatus::Held);
    EXPECT_EQ(store().showState(show_)->soldSeats, 1);
}

// ---- the per-user cap ----------------------------------------------------------------------

std::vector<SeatId> row(char r, int from, int count) {
    std::vector<SeatId> out;
    for (int i = 0; i < count; ++i) out.push_back(seat(r, from + i));
    return out;
}

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

// ---- restore -------------------------------------------------------------------------------

TEST_P(HoldStoreContract, RestoreLoadsClaimsAndTheUsersSeatCounts) {
    restore(show_);
    const UserId holder = newUser(), buyer = newUser(), payer = newUser(), other = newUser();
    // Live holds from before the restore: one on a seat SQL knows as sold, one on a free seat.
    const HoldId overlapping = held(holder, {seat('A', 1), seat('A', 2)}, t0_);
    const HoldId untouched = held(holder, {seat('D', 10)}, t0_);

    const OrderId sold = newOrder(), pendingOrder = newOrder(), closedOrder = newOrder();
    const std::vector<SeatClaim> claims{
        {seat('A', 1), sold, buyer, 0},
        {seat('B', 1), pendingOrder, payer, t0_ + 20 * kMinute},
        {seat('B', 2), pendingOrder, payer, t0_ + 20 * kMinute},
        {seat('C', 1), closedOrder, payer, t0_ - 1},  // its payment window closed already
    };
    auto restored = store().restore(show_, claims, t0_ + 1);
    ASSERT_TRUE(restored.ok()) << restored.error().internal;

    EXPECT_EQ(statusOf(seat('A', 1), t0_ + 2), SeatStatus::Sold);
    EXPECT_EQ(statusOf(seat('B', 1), t0_ + 2), SeatStatus::Held);
    EXPECT_EQ(statusOf(seat('B', 2), t0_ + 2), SeatStatus::Held);
    EXPECT_EQ(statusOf(seat('C', 1), t0_ + 2), SeatStatus::Available);
    EXPECT_EQ(statusOf(seat('D', 10), t0_ + 2), SeatStatus::Held);
    EXPECT_EQ(statusOfHold(untouched, t0_ + 2), HoldStatus::Held);

    // The claim won: releasing the old hold does not free the sold seat.
    EXPECT_EQ(tryHold(other, {seat('A', 1)}, t0_ + 2), HoldResult::Kind::Unavailable);
    (void)release(overlapping, holder, t0_ + 3);
    EXPECT_EQ(statusOf(seat('A', 1), t0_ + 3), SeatStatus::Sold);
    EXPECT_EQ(tryHold(other, {seat('B', 2)}, t0_ + 3), HoldResult::Kind::Unavailable);

    // The claimed seats count against their users' allowance.
    HoldResult r = hold(request(payer, row('C', 2, 9), t0_ + 4));
    EXPECT_EQ(r.kind, HoldResult::Kind::UserLimitReached);
    EXPECT_EQ(r.userSeats, 2);
    r = hold(request(buyer, row('C', 1, 10), t0_ + 4));
    EXPECT_EQ(r.kind, HoldResult::Kind::UserLimitReached);
    EXPECT_EQ(r.userSeats, 1);

    // The pending claim belongs to its order: releaseOrder frees it.
    ASSERT_TRUE(store().releaseOrder(show_, pendingOrder, payer, {seat('B', 1), seat('B', 2)}, t0_ + 5).ok());
    EXPECT_EQ(statusOf(seat('B', 1), t0_ + 5), SeatStatus::Available);
}

TEST_P(HoldStoreContract, RestoringTwiceIsHarmless) {
    const UserId buyer = newUser();
    const std::vector<SeatClaim> claims{{seat('A', 3), newOrder(), buyer, 0}};
    ASSERT_TRUE(store().restore(show_, claims, t0_).ok());
    ASSERT_TRUE(store().restore(show_, claims, t0_ + 1).ok());
    const auto s = snapshot(t0_ + 2);
    EXPECT_TRUE(s.ready);
    EXPECT_EQ(s.sold, 1);
    const HoldResult r = hold(request(buyer, row('B', 1, 10), t0_ + 3));
    EXPECT_EQ(r.kind, HoldResult::Kind::UserLimitReached);
    EXPECT_EQ(r.userSeats, 1);
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

// ---- concurrency ---------------------------------------------------------------------------

TEST_P(HoldStoreContract, RaceForOneSeatHasExactlyOneWinnerPerRound) {
    constexpr int kThreads = 200;
    constexpr int kRounds = 50;
    // A show per round: no release between rounds, so a stuck seat cannot hide a second winner.
    std::vector<ShowId> shows;
    for (int i = 0; i < kRounds; ++i) {
        shows.push_back(newShow());
        restore(shows.back());
    }
    std::vector<HoldRequest> requests;  // [round * kThreads + thread], built before the race
    for (int round = 0; round < kRounds; ++round)
        for (int t = 0; t < kThreads; ++t)
            requests.push_back(HoldRequest{
                newHoldId(shows[round]), shows[round], newUser(), {seat('C', 5)}, t0_, t0_ + kHoldTtl, 10, {}, {}});

    std::vector<std::atomic<int>> winners(kRounds);
    std::atomic<int> refused{0}, failures{0};
    std::barrier start(kThreads);
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; ++t) {
        threads.emplace_back([&, t] {
            for (int round = 0; round < kRounds; ++round) {
                start.arrive_and_wait();
                auto r = store().hold(requests[static_cast<std::size_t>(round * kThreads + t)]);
                if (!r)
                    ++failures;
                else if (r->kind == HoldResult::Kind::Held)
                    ++winners[static_cast<std::size_t>(round)];
                else if (r->kind == HoldResult::Kind::Unavailable)
                    ++refused;
            }
        });
    }
    for (auto& th : threads) th.join();

    EXPECT_EQ(failures.load(), 0);
    EXPECT_EQ(refused.load(), kRounds * (kThreads - 1));
    for (int round = 0; round < kRounds; ++round) {
        EXPECT_EQ(winners[static_cast<std::size_t>(round)].load(), 1) << "round " << round;
        const auto s = snapshot(t0_ + 1, &shows[static_cast<std::size_t>(round)]);
        EXPECT_EQ(s.held, 1) << "round " << round;
    }
}

TEST_P(HoldStoreContract, OverlappingRequestsNeverShareASeat) {
    restore(show_);
    constexpr int kUsers = 32;
    constexpr int kAttempts = 25;
    std::mutex mu;
    std::map<HoldId, std::vector<SeatId>> wins;
    std::atomic<int> failures{0};
    std::barrier start(kUsers);
    std::vector<std::thread> threads;
    for (int u = 0; u < kUsers; ++u) {
        std::vector<HoldRequest> mine;
        std::mt19937 rng(static_cast<unsigned>(u) * 7919U + 17U);
        const UserId user = newUser();
        for (int i = 0; i < kAttempts; ++i) {
            const char r = static_cast<char>('A' + std::uniform_int_distribution<int>(0, 3)(rng));
            const int len = std::uniform_int_distribution<int>(2, 4)(rng);
            const int from = std::uniform_int_distribution<int>(1, 11 - len)(rng);
            mine.push_back(request(user, row(r, from, len), t0_ + i));
        }
        threads.emplace_back([&, mine = std::move(mine)] {
            start.arrive_and_wait();
            for (const auto& req : mine) {
                auto r = store().hold(req);
                if (!r) {
                    ++failures;
                } else if (r->kind == HoldResult::Kind::Held) {
                    std::lock_guard lock(mu);
                    wins.emplace(req.holdId, req.seatIds);
                }
            }
        });
    }
    for (auto& th : threads) th.join();
    EXPECT_EQ(failures.load(), 0);
    ASSERT_FALSE(wins.empty());

    std::map<SeatId, HoldId> ownerOf;
    for (const auto& [id, seats] : wins) {
        for (const auto& s : seats) {
            const auto [it, fresh] = ownerOf.emplace(s, id);
            EXPECT_TRUE(fresh) << s.str() << " held by " << it->second.str() << " and " << id.str();
        }
        EXPECT_EQ(statusOfHold(id, t0_ + kAttempts), HoldStatus::Held);
    }
    const auto s = snapshot(t0_ + kAttempts);
    EXPECT_EQ(s.held, static_cast<int>(ownerOf.size()));
    for (const auto& [seatId, id] : ownerOf) {
        const long pos = seatIndex().find(seatId.str());
        ASSERT_GE(pos, 0);
        EXPECT_EQ(s.status[static_cast<std::size_t>(pos)], SeatStatus::Held) << seatId.str();
    }
}

// ---- best available ------------------------------------------------------------------------

TEST_P(HoldStoreContract, BestAvailablePairsFillTheFrontRowFromTheCentreOut) {
    restore(show_);
    const UserId u = newUser();
    EXPECT_EQ(picked(pickRequest(u, 2, t0_)), (std::vector<SeatId>{seat('A', 5), seat('A', 6)}));
    // Two clean pairs are as near the centre: the left one first.
    EXPECT_EQ(picked(pickRequest(u, 2, t0_ + 1)), (std::vector<SeatId>{seat('A', 3), seat('A', 4)}));
    EXPECT_EQ(picked(pickRequest(u, 2, t0_ + 2)), (std::vector<SeatId>{seat('A', 7), seat('A', 8)}));
    EXPECT_EQ(statusOf(seat('A', 5), t0_ + 3), SeatStatus::Held);
    EXPECT_EQ(snapshot(t0_ + 3).held, 6);
}

TEST_P(HoldStoreContract, BestAvailableLeavesNoOrphanWhenAnotherRowCanAvoidIt) {
    restore(show_);
    const UserId other = newUser(), u = newUser();
    held(other, row('A', 4, 7), t0_);  // A-1..A-3 free: any pair there strands one seat
    EXPECT_EQ(picked(pickRequest(u, 2, t0_ + 1)), (std::vector<SeatId>{seat('B', 5), seat('B', 6)}));
    // Once nothing else is left, the orphan-leaving pair nearest the centre is better than none.
    held(newUser(), row('B', 1, 4), t0_ + 2);
    held(newUser(), row('B', 7, 4), t0_ + 2);
    held(newUser(), row('C', 1, 10), t0_ + 2);
    held(newUser(), row('D', 1, 10), t0_ + 2);
    EXPECT_EQ(picked(pickRequest(u, 2, t0_ + 3)), (std::vector<SeatId>{seat('A', 2), seat('A', 3)}));
    EXPECT_EQ(statusOf(seat('A', 1), t0_ + 3), SeatStatus::Available);
}

TEST_P(HoldStoreContract, BestAvailableKeepsToTheTierOrSection) {
    restore(show_);
    const UserId u = newUser();
    EXPECT_EQ(picked(pickRequest(u, 3, t0_, true, "", "SILVER")),
              (std::vector<SeatId>{seat('C', 4), seat('C', 5), seat('C', 6)}));

    static const SeatIndex twoSections(
        Layout{{LayoutSection{"FRONT", {{"A", "GOLD", 4, {}}}}, LayoutSection{"BACK", {{"A", "GOLD", 4, {}}}}}});
    const ShowId show = newShow();
    restore(show);
    // The centre pair of four would strand a seat on each side: an end pair is better.
    EXPECT_EQ(picked(pickRequest(u, 2, t0_, true, "BACK", "", &show, &twoSections)),
              (std::vector<SeatId>{SeatId{"BACK-A-1"}, SeatId{"BACK-A-2"}}));
    // Sections rank in layout order.
    EXPECT_EQ(picked(pickRequest(u, 2, t0_, true, "", "", &show, &twoSections)),
              (std::vector<SeatId>{SeatId{"FRONT-A-1"}, SeatId{"FRONT-A-2"}}));
    EXPECT_EQ(hold(pickRequest(u, 3, t0_, true, "BACK", "", &show, &twoSections)).kind, HoldResult::Kind::Unavailable);
}

TEST_P(HoldStoreContract, BestAvailableNearSellOutFindsTheLastSeats) {
    restore(show_);
    held(newUser(), row('A', 2, 9), t0_);
    held(newUser(), row('B', 1, 10), t0_);
    held(newUser(), row('C', 1, 10), t0_);
    held(newUser(), row('D', 1, 8), t0_);  // free: A-1, D-9, D-10
    const UserId u = newUser();
    EXPECT_EQ(picked(pickRequest(u, 2, t0_ + 1)), (std::vector<SeatId>{seat('D', 9), seat('D', 10)}));
    EXPECT_EQ(hold(pickRequest(u, 2, t0_ + 2)).kind, HoldResult::Kind::Unavailable);
    EXPECT_EQ(picked(pickRequest(u, 1, t0_ + 3)), (std::vector<SeatId>{seat('A', 1)}));
    EXPECT_EQ(hold(pickRequest(u, 1, t0_ + 4, false)).kind, HoldResult::Kind::Unavailable);
    EXPECT_EQ(snapshot(t0_ + 4).available, 0);
}

TEST_P(HoldStoreContract, BestAvailableNotAdjacentTakesTheBestSingleSeatsWhenNoGroupFits) {
    restore(show_);
    held(newUser(), row('A', 2, 9), t0_);
    held(newUser(), row('B', 1, 10), t0_);
    held(newUser(), row('C', 1, 10), t0_);
    held(newUser(), row('D', 1, 9), t0_);  // free: A-1, D-10
    const UserId u = newUser();
    EXPECT_EQ(hold(pickRequest(u, 2, t0_ + 1, true)).kind, HoldResult::Kind::Unavailable);
    EXPECT_EQ(asSet(picked(pickRequest(u, 2, t0_ + 2, false))), asSet({seat('A', 1), seat('D', 10)}));
}

TEST_P(HoldStoreContract, BestAvailableWithNothingFreeIsUnavailableAndChangesNothing) {
    restore(show_);
    for (char r : {'A', 'B', 'C', 'D'}) held(newUser(), row(r, 1, 10), t0_);
    const UserId u = newUser();
    const HoldRequest req = pickRequest(u, 1, t0_ + 1, false);
    EXPECT_EQ(hold(req).kind, HoldResult::Kind::Unavailable);
    EXPECT_FALSE(find(req.holdId, t0_ + 1).has_value());
    EXPECT_EQ(snapshot(t0_ + 1).held, 40);
}

TEST_P(HoldStoreContract, BestAvailableSeesSeatsFreedByReleaseExpiryAndOrderEnds) {
    restore(show_);
    const UserId x = newUser(), u = newUser();
    // Row A taken, then freed in each of the ways a seat comes back; the front row must be
    // offered again every time (an index that remembered row A as full would offer row B).
    const HoldId h = held(x, row('A', 1, 10), t0_);
    EXPECT_EQ(picked(pickRequest(u, 2, t0_ + 1)), (std::vector<SeatId>{seat('B', 5), seat('B', 6)}));
    ASSERT_EQ(release(h, x, t0_ + 2), HoldChange::Done);
    EXPECT_EQ(picked(pickRequest(u, 2, t0_ + 3)), (std::vector<SeatId>{seat('A', 5), seat('A', 6)}));

    const ShowId show = newShow();
    restore(show);
    const UserId y = newUser(), v = newUser();
    HoldRequest shortHold = request(y, row('A', 1, 10), t0_, kMinute);
    shortHold.holdId = newHoldId(show);
    shortHold.showId = show;
    ASSERT_EQ(hold(shortHold).kind, HoldResult::Kind::Held);
    EXPECT_EQ(picked(pickRequest(v, 2, t0_ + 1, true, "", "", &show)),
              (std::vector<SeatId>{seat('B', 5), seat('B', 6)}));
    EXPECT_EQ(picked(pickRequest(v, 2, t0_ + kMinute, true, "", "", &show)),
              (std::vector<SeatId>{seat('A', 5), seat('A', 6)}));

    // An order whose window ends before its hold would have, and an order released early.
    const ShowId third = newShow();
    restore(third);
    const UserId z = newUser(), w = newUser();
    HoldRequest longHold = request(z, row('A', 1, 10), t0_, kHour);
    longHold.holdId = newHoldId(third);
    longHold.showId = third;
    ASSERT_EQ(hold(longHold).kind, HoldResult::Kind::Held);
    EXPECT_EQ(picked(pickRequest(w, 1, t0_ + 1, true, "", "", &third)), (std::vector<SeatId>{seat('B', 5)}));
    const OrderId order = newOrder();
    ASSERT_EQ(attach(longHold.holdId, z, order, t0_ + 2 * kMinute, t0_ + 2), HoldChange::Done);
    EXPECT_EQ(picked(pickRequest(w, 1, t0_ + 2 * kMinute, true, "", "", &third)), (std::vector<SeatId>{seat('A', 5)}));

    // An order released long before its window ends.
    const UserId c = newUser();
    HoldRequest rowC = request(c, row('C', 1, 10), t0_, kHour);
    rowC.holdId = newHoldId(third);
    rowC.showId = third;
    ASSERT_EQ(hold(rowC).kind, HoldResult::Kind::Held);
    EXPECT_EQ(picked(pickRequest(w, 1, t0_ + 3, true, "", "SILVER", &third)), (std::vector<SeatId>{seat('D', 5)}));
    const OrderId orderC = newOrder();
    ASSERT_EQ(attach(rowC.holdId, c, orderC, t0_ + kHour, t0_ + 4), HoldChange::Done);
    EXPECT_EQ(picked(pickRequest(w, 1, t0_ + 4, true, "", "SILVER", &third)), (std::vector<SeatId>{seat('D', 6)}));
    ASSERT_TRUE(store().releaseOrder(third, orderC, c, row('C', 1, 10), t0_ + 5).ok());
    EXPECT_EQ(picked(pickRequest(w, 2, t0_ + 6, true, "", "SILVER", &third)),
              (std::vector<SeatId>{seat('C', 5), seat('C', 6)}));
}

TEST_P(HoldStoreContract, BestAvailableCountsAgainstTheUserCap) {
    restore(show_);
    const UserId u = newUser();
    held(u, row('D', 1, 9), t0_);
    HoldRequest two = pickRequest(u, 2, t0_ + 1);
    const HoldResult r = hold(two);
    EXPECT_EQ(r.kind, HoldResult::Kind::UserLimitReached);
    EXPECT_EQ(r.userSeats, 9);
    EXPECT_EQ(snapshot(t0_ + 1).held, 9);
    EXPECT_EQ(picked(pickRequest(u, 1, t0_ + 2)), (std::vector<SeatId>{seat('A', 5)}));
    EXPECT_EQ(hold(pickRequest(u, 1, t0_ + 3)).kind, HoldResult::Kind::UserLimitReached);
}

TEST_P(HoldStoreContract, ConcurrentBestAvailableHoldsNeverShareASeat) {
    restore(show_);
    constexpr int kUsers = 24;
    std::mutex mu;
    std::map<HoldId, std::vector<SeatId>> wins;
    std::atomic<int> failures{0};
    std::barrier start(kUsers);
    std::vector<std::thread> threads;
    for (int u = 0; u < kUsers; ++u) {
        const UserId user = newUser();
        std::vector<HoldRequest> mine;
        for (int i = 0; i < 6; ++i) mine.push_back(pickRequest(user, 1 + (u + i) % 3, t0_ + i, u % 2 == 0));
        threads.emplace_back([&, mine = std::move(mine)] {
            start.arrive_and_wait();
            for (const auto& req : mine) {
                auto r = store().hold(req);
                if (!r) {
                    ++failures;
                } else if (r->kind == HoldResult::Kind::Held) {
                    std::lock_guard lock(mu);
                    wins.emplace(req.holdId, r->seatIds);
                }
            }
        });
    }
    for (auto& th : threads) th.join();
    EXPECT_EQ(failures.load(), 0);
    std::map<SeatId, HoldId> ownerOf;
    for (const auto& [id, seats] : wins) {
        for (const auto& s : seats) {
            const auto [it, fresh] = ownerOf.emplace(s, id);
            EXPECT_TRUE(fresh) << s.str() << " held by " << it->second.str() << " and " << id.str();
        }
        const auto h = find(id, t0_ + 10);
        ASSERT_TRUE(h.has_value());
        EXPECT_EQ(asSet(h->seatIds), asSet(seats));
    }
    // 24 users want up to 12 seats each from 40: the hall ends full, every seat in one hold.
    const auto s = snapshot(t0_ + 10);
    EXPECT_EQ(s.held, static_cast<int>(ownerOf.size()));
    EXPECT_GE(s.held, 36);
}

INSTANTIATE_TEST_SUITE_P(AllStores, HoldStoreContract, ::testing::ValuesIn(kImplementations),
                         [](const ::testing::TestParamInfo<Implementation>& param) { return param.param.name; });

}  // namespace
}  // namespace testing
}  // namespace boxoffice
