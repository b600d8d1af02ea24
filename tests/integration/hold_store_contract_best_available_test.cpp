// The HoldStore contract (hold_store_contract.hpp), run on every store: best available, the store
// choosing the seats (front row from the centre out, no orphans, within a tier or section, near a
// sell-out, single seats when no group fits, what releases and expiries free, the per-user cap).
#include <vector>

#include "integration/hold_store_contract.hpp"

namespace boxoffice::testing::hold_contract {
namespace {

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

}  // namespace
}  // namespace boxoffice::testing::hold_contract
