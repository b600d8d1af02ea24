#include "harness/seat_picker.hpp"

#include <set>

#include <gtest/gtest.h>

namespace boxoffice::load {
namespace {

// Two rows of 5 (A-1..A-5, B-1..B-5), then a row C with a gap in its numbers (1, 2, 5, 6).
SeatPlan smallMap() {
    std::vector<SeatInfo> seats;
    for (int n = 1; n <= 5; ++n) seats.push_back({"S-A-" + std::to_string(n), 0, n});
    for (int n = 1; n <= 5; ++n) seats.push_back({"S-B-" + std::to_string(n), 1, n});
    for (int n : {1, 2, 5, 6}) seats.push_back({"S-C-" + std::to_string(n), 2, n});
    return SeatPlan(seats);
}

std::vector<std::size_t> idx(std::initializer_list<std::size_t> l) {
    return l;
}

TEST(SeatPicker, LayoutJsonGivesRowsInOrder) {
    auto map = SeatPlan::fromLayoutJson(R"({"seats":[{"seatId":"F-A-1","section":"F","row":"A","number":1},)"
                                        R"({"seatId":"F-A-2","section":"F","row":"A","number":2},)"
                                        R"({"seatId":"F-B-1","section":"F","row":"B","number":1},)"
                                        R"({"seatId":"G-A-1","section":"G","row":"A","number":1}]})");
    ASSERT_TRUE(map);
    EXPECT_EQ(map->size(), 4u);
    EXPECT_EQ(map->rowCount(), 3u);
    EXPECT_TRUE(map->adjacent(0, 1));
    EXPECT_FALSE(map->adjacent(1, 2));  // the next row
    EXPECT_FALSE(map->adjacent(2, 3));  // another section's row A
    EXPECT_EQ(map->indexOf("F-B-1"), 2u);
    EXPECT_FALSE(map->indexOf("Z-Z-9"));
    EXPECT_FALSE(SeatPlan::fromLayoutJson("not json"));
}

TEST(SeatPicker, BestTakesTheFirstRunOfAdjacentSeats) {
    const auto map = smallMap();
    std::mt19937_64 rng(1);
    EXPECT_EQ(pickSeats(map, "AAAAAAAAAAAAAA", 3, SeatChoice::Best, 2, rng), idx({0, 1, 2}));
    // A-2 taken: A-3..A-5 is the first run of three.
    EXPECT_EQ(pickSeats(map, "AHAAAAAAAAAAAA", 3, SeatChoice::Best, 2, rng), idx({2, 3, 4}));
    // Row A has only scattered seats: the run is in row B, never across rows.
    EXPECT_EQ(pickSeats(map, "AHAHAAAAAAAAAA", 2, SeatChoice::Best, 2, rng), idx({5, 6}));
}

TEST(SeatPicker, GapsInNumbersAreNotAdjacent) {
    const auto map = smallMap();
    std::mt19937_64 rng(1);
    // Only row C is free: C-2 and C-5 are neighbours in the list but not side by side.
    EXPECT_EQ(pickSeats(map, "SSSSSSSSSSAAAA", 2, SeatChoice::Best, 2, rng), idx({10, 11}));
    EXPECT_EQ(pickSeats(map, "SSSSSSSSSSHAAA", 2, SeatChoice::Best, 2, rng), idx({12, 13}));
}

TEST(SeatPicker, ScatteredSeatsWhenNoRunFitsAndFewerWhenFewerAreLeft) {
    const auto map = smallMap();
    std::mt19937_64 rng(1);
    EXPECT_EQ(pickSeats(map, "AHAHAHAHAHSSSS", 2, SeatChoice::Best, 2, rng), idx({0, 2}));
    EXPECT_EQ(pickSeats(map, "SSSSSSSSASSSSS", 4, SeatChoice::Best, 2, rng), idx({8}));
    EXPECT_TRUE(pickSeats(map, "SSSSSSSSSSSSSS", 1, SeatChoice::Best, 2, rng).empty());
    EXPECT_TRUE(pickSeats(map, "HHHHHHHHHHHHHH", 1, SeatChoice::Random, 2, rng).empty());
}

TEST(SeatPicker, RandomPicksFreeAdjacentRunsAndSpreadsOut) {
    const auto map = smallMap();
    std::mt19937_64 rng(42);
    std::set<std::size_t> starts;
    for (int i = 0; i < 200; ++i) {
        auto p = pickSeats(map, "AAAAAAAAAAAAAA", 2, SeatChoice::Random, 2, rng);
        ASSERT_EQ(p.size(), 2u);
        EXPECT_TRUE(map.adjacent(p[0], p[1]));
        starts.insert(p[0]);
    }
    EXPECT_GE(starts.size(), 6u);
    for (int i = 0; i < 50; ++i) {
        auto p = pickSeats(map, "SSSSSSSAASSSSS", 2, SeatChoice::Random, 2, rng);
        EXPECT_EQ(p, idx({7, 8}));
    }
}

TEST(SeatPicker, FrontStaysInTheFrontRowsWhileTheyHaveSeats) {
    const auto map = smallMap();
    std::mt19937_64 rng(7);
    for (int i = 0; i < 100; ++i) {
        auto p = pickSeats(map, "AAAAAAAAAAAAAA", 2, SeatChoice::Front, 1, rng);
        ASSERT_EQ(p.size(), 2u);
        EXPECT_LT(p[1], 5u);  // row A only
    }
    // Row A sold: the best elsewhere.
    EXPECT_EQ(pickSeats(map, "SSSSSAAAAAAAAA", 2, SeatChoice::Front, 1, rng), idx({5, 6}));
}

TEST(SeatPicker, SameIsTheSameSeatsWhateverTheyShow) {
    const auto map = smallMap();
    std::mt19937_64 rng(3);
    EXPECT_EQ(pickSeats(map, "HHHHHHHHHHHHHH", 1, SeatChoice::Same, 2, rng), idx({0}));
    EXPECT_EQ(pickSeats(map, "AAAAAAAAAAAAAA", 2, SeatChoice::Same, 2, rng), idx({0, 1}));
}

}  // namespace
}  // namespace boxoffice::load
