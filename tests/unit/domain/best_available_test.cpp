// The best-available rules on their own (no store): group choice within a row and across rows.
// The stores are held to the same answers by the hold store contract suite.
#include "domain/best_available.hpp"

#include <gtest/gtest.h>

#include <set>
#include <string>
#include <vector>

namespace boxoffice {
namespace {

std::vector<bool> rowOf(const std::string& pattern) {  // '.' free, 'x' taken
    std::vector<bool> out;
    for (char c : pattern) out.push_back(c == '.');
    return out;
}

TEST(BestGroupInRow, CentreFirstThenLeftOnATie) {
    auto g = bestGroupInRow(rowOf(".........."), 2);
    ASSERT_TRUE(g);
    EXPECT_EQ(g->start, 4);
    EXPECT_FALSE(g->orphan);
    g = bestGroupInRow(rowOf("....xx...."), 2);
    ASSERT_TRUE(g);
    EXPECT_EQ(g->start, 2);  // start 6 is as near the centre: the left one
}

TEST(BestGroupInRow, AvoidsStrandingASingleSeat) {
    // Four seats, two wanted: the middle pair would strand one on each side.
    auto g = bestGroupInRow(rowOf("...."), 2);
    ASSERT_TRUE(g);
    EXPECT_EQ(g->start, 0);
    EXPECT_FALSE(g->orphan);
    // Three free between taken seats: every pair strands one, and says so.
    g = bestGroupInRow(rowOf("x...x"), 2);
    ASSERT_TRUE(g);
    EXPECT_TRUE(g->orphan);
    EXPECT_FALSE(bestGroupInRow(rowOf("x.x.x"), 2));
    EXPECT_FALSE(bestGroupInRow(rowOf(""), 1));
}

class PickBestSeats : public ::testing::Test {
protected:
    // FRONT: row A (GOLD, 6 seats); BACK: rows A (GOLD, 4) and B (SILVER, 6).
    SeatIndex seats_{Layout{{LayoutSection{"FRONT", {{"A", "GOLD", 6, {}}}},
                             LayoutSection{"BACK", {{"A", "GOLD", 4, {}}, {"B", "SILVER", 6, {}}}}}}};
    std::set<std::string> taken_;

    std::vector<std::string> pick(SeatPick p) {
        std::vector<std::string> out;
        for (auto pos : pickBestSeats(
                 seats_, p, [&](std::uint32_t i) { return !taken_.contains(seats_.seats()[i].seatId.str()); }))
            out.push_back(seats_.seats()[pos].seatId.str());
        return out;
    }
    void take(const std::vector<std::string>& ids) { taken_.insert(ids.begin(), ids.end()); }
};

TEST_F(PickBestSeats, RanksSectionsThenRowsThenTheCentre) {
    EXPECT_EQ(pick({2, "", "", true}), (std::vector<std::string>{"FRONT-A-3", "FRONT-A-4"}));
    EXPECT_EQ(pick({2, "BACK", "", true}), (std::vector<std::string>{"BACK-A-1", "BACK-A-2"}));
    // Six seats, three wanted: the two centre triples would each strand a seat.
    EXPECT_EQ(pick({3, "", "SILVER", true}), (std::vector<std::string>{"BACK-B-1", "BACK-B-2", "BACK-B-3"}));
    EXPECT_TRUE(pick({7, "", "", true}).empty());
}

TEST_F(PickBestSeats, PrefersALaterRowToAnOrphanAndFallsBackToOneWhenNothingElseFits) {
    take({"FRONT-A-1", "FRONT-A-5", "FRONT-A-6"});  // FRONT-A-2..4: any pair strands one
    EXPECT_EQ(pick({2, "", "", true}), (std::vector<std::string>{"BACK-A-1", "BACK-A-2"}));
    take({"BACK-A-1", "BACK-A-2", "BACK-A-3", "BACK-A-4", "BACK-B-1", "BACK-B-2", "BACK-B-3", "BACK-B-4", "BACK-B-5",
          "BACK-B-6"});
    EXPECT_EQ(pick({2, "", "", true}), (std::vector<std::string>{"FRONT-A-3", "FRONT-A-4"}));
}

TEST_F(PickBestSeats, NotAdjacentTakesSingleSeatsOnlyWhenNoGroupFits) {
    take({"FRONT-A-1", "FRONT-A-2", "FRONT-A-4", "FRONT-A-5", "FRONT-A-6", "BACK-A-1", "BACK-A-2", "BACK-A-3",
          "BACK-A-4", "BACK-B-1", "BACK-B-2", "BACK-B-4", "BACK-B-5", "BACK-B-6"});  // free: FRONT-A-3, BACK-B-3
    EXPECT_TRUE(pick({2, "", "", true}).empty());
    EXPECT_EQ(pick({2, "", "", false}), (std::vector<std::string>{"FRONT-A-3", "BACK-B-3"}));
    EXPECT_TRUE(pick({3, "", "", false}).empty());
}

}  // namespace
}  // namespace boxoffice
