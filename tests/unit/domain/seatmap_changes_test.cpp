// The live seat map's pure part: the diff of two snapshots, event ids, and resuming from the ring.
#include "domain/seatmap_changes.hpp"

#include <gtest/gtest.h>

namespace boxoffice {
namespace {

using S = SeatStatus;

TEST(SeatMapDiff, OnlyTheSeatsWhoseStatusChangedInLayoutOrder) {
    const std::vector<S> before{S::Available, S::Held, S::Sold, S::Available};
    const std::vector<S> after{S::Held, S::Held, S::Available, S::Sold};
    EXPECT_EQ(diffStatuses(before, after), (std::vector<SeatChange>{{0, S::Held}, {2, S::Available}, {3, S::Sold}}));
    EXPECT_TRUE(diffStatuses(after, after).empty());
}

TEST(SeatMapDiff, AMissingSeatCountsAsAvailable) {
    EXPECT_EQ(diffStatuses({}, {S::Available, S::Held}), (std::vector<SeatChange>{{1, S::Held}}));
}

TEST(FeedEventIdTest, RoundTripsAndRefusesAnythingElse) {
    const FeedEventId id{"a1b2c3d4", 42};
    EXPECT_EQ(id.str(), "a1b2c3d4.42");
    auto parsed = FeedEventId::parse("a1b2c3d4.42");
    ASSERT_TRUE(parsed);
    EXPECT_EQ(parsed->epoch, "a1b2c3d4");
    EXPECT_EQ(parsed->sequence, 42u);
    for (const char* bad : {"", "42", ".42", "abc.", "abc.4x", "abc.-1", "abc. 4"})
        EXPECT_FALSE(FeedEventId::parse(bad)) << bad;
}

TEST(ChangeRingTest, AnIdInTheRingGetsExactlyTheMissedChangesMerged) {
    ChangeRing ring(8);
    ring.push(1, 2, {{0, S::Held}});
    ring.push(2, 5, {{1, S::Held}, {0, S::Sold}});
    ring.push(5, 6, {{1, S::Available}, {3, S::Held}});
    // From 2: the two later steps, each seat once with its latest status.
    EXPECT_EQ(ring.since(2, 6), (std::vector<SeatChange>{{0, S::Sold}, {1, S::Available}, {3, S::Held}}));
    EXPECT_EQ(ring.since(5, 6), (std::vector<SeatChange>{{1, S::Available}, {3, S::Held}}));
    EXPECT_EQ(ring.since(1, 6), (std::vector<SeatChange>{{0, S::Sold}, {1, S::Available}, {3, S::Held}}));
    ASSERT_TRUE(ring.since(6, 6));
    EXPECT_TRUE(ring.since(6, 6)->empty()) << "up to date: nothing to send";
}

TEST(ChangeRingTest, TooOldOrUnknownIdsCannotResume) {
    ChangeRing ring(2);
    ring.push(1, 2, {{0, S::Held}});
    ring.push(2, 3, {{1, S::Held}});
    ring.push(3, 4, {{2, S::Held}});  // the step from 1 falls out
    EXPECT_EQ(ring.size(), 2u);
    EXPECT_FALSE(ring.since(1, 4));
    EXPECT_TRUE(ring.since(2, 4));
    EXPECT_FALSE(ring.since(99, 4)) << "never one of ours";
    EXPECT_FALSE(ring.since(3, 7)) << "the ring does not lead to the current state";
}

TEST(ChangeRingTest, AGapOrAClearForgetsEverythingBefore) {
    ChangeRing ring(8);
    ring.push(1, 2, {{0, S::Held}});
    ring.push(5, 6, {{1, S::Held}});  // not from 2: a hole
    EXPECT_FALSE(ring.since(1, 6));
    EXPECT_TRUE(ring.since(5, 6));
    ring.clear();
    EXPECT_FALSE(ring.since(5, 6));
}

}  // namespace
}  // namespace boxoffice
