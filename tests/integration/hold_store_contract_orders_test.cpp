// The HoldStore contract (hold_store_contract.hpp), run on every store: orders (their seats outlive
// the hold, are sold for good or given back by a release or a refund) and restore (the claims SQL
// knows loaded over what the store holds, and the users' seat counts with them).
#include <set>
#include <vector>

#include "integration/hold_store_contract.hpp"

namespace boxoffice::testing::hold_contract {
namespace {

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

}  // namespace
}  // namespace boxoffice::testing::hold_contract
