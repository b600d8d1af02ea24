#include <gtest/gtest.h>

#include "verifier/seat_map.hpp"

namespace boxoffice::load {
namespace {

using nlohmann::json;

TEST(SeatMapLetters, CountsEachLetterAndFlagsOthers) {
    const LetterCounts c = countLetters("AAHSSSx");
    EXPECT_EQ(c.available, 2);
    EXPECT_EQ(c.held, 1);
    EXPECT_EQ(c.sold, 3);
    EXPECT_EQ(c.other, 1);
}

TEST(SeatMapLetters, PairsLettersWithLayoutIdsAndFindsInconsistencies) {
    const json layout = {{"seats", {{{"seatId", "F-A-1"}}, {{"seatId", "F-A-2"}}, {{"seatId", "F-A-3"}}}}};
    const json good = {{"statuses", "ASH"}, {"seatCount", 3}, {"counts", {{"AVAILABLE", 1}, {"HELD", 1}, {"SOLD", 1}}}};
    const SeatMap m = seatMapFrom(layout, good);
    EXPECT_EQ(seatsWithLetter(m, 'S'), std::vector<std::string>{"F-A-2"});
    EXPECT_EQ(seatsWithLetter(m, 'H'), std::vector<std::string>{"F-A-3"});
    EXPECT_TRUE(seatMapInconsistencies(m).empty());

    const json bad = {{"statuses", "ASSS"}, {"seatCount", 3}, {"counts", {{"AVAILABLE", 1}, {"HELD", 1}, {"SOLD", 1}}}};
    const auto problems = seatMapInconsistencies(seatMapFrom(layout, bad));
    // 4 letters vs 3 layout seats, vs seatCount 3, HELD 1 vs 0 H, SOLD 1 vs 3 S.
    EXPECT_EQ(problems.size(), 4u);
    EXPECT_THROW(seatMapFrom(layout, json{{"statuses", "A"}}), std::runtime_error);
}

}  // namespace
}  // namespace boxoffice::load
