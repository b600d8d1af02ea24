#include "util/duration.hpp"

#include <gtest/gtest.h>

#include <optional>

namespace boxoffice {
namespace {

TEST(Durations, ParsesUnits) {
    EXPECT_EQ(parseDurationMs("500ms"), 500);
    EXPECT_EQ(parseDurationMs("90s"), 90'000);
    EXPECT_EQ(parseDurationMs("15m"), 900'000);
    EXPECT_EQ(parseDurationMs("1h"), 3'600'000);
    EXPECT_EQ(parseDurationMs("2d"), 172'800'000);
    EXPECT_EQ(parseDurationMs("30"), 30'000);
    EXPECT_EQ(parseDurationMs("0s"), 0);
}

TEST(Durations, RejectsJunk) {
    EXPECT_EQ(parseDurationMs(""), std::nullopt);
    EXPECT_EQ(parseDurationMs("s"), std::nullopt);
    EXPECT_EQ(parseDurationMs("-5s"), std::nullopt);
    EXPECT_EQ(parseDurationMs("+5s"), std::nullopt);
    EXPECT_EQ(parseDurationMs("1.5h"), std::nullopt);
    EXPECT_EQ(parseDurationMs("5 s"), std::nullopt);
    EXPECT_EQ(parseDurationMs(" 5s"), std::nullopt);
    EXPECT_EQ(parseDurationMs("5S"), std::nullopt);
    EXPECT_EQ(parseDurationMs("5w"), std::nullopt);
    EXPECT_EQ(parseDurationMs("5sec"), std::nullopt);
    EXPECT_EQ(parseDurationMs("1h30m"), std::nullopt);
}

TEST(Durations, RejectsOverflow) {
    EXPECT_EQ(parseDurationMs("9223372036854775807ms"), 9223372036854775807LL);
    EXPECT_EQ(parseDurationMs("9223372036854775808ms"), std::nullopt);
    EXPECT_EQ(parseDurationMs("9223372036854775807s"), std::nullopt);
    EXPECT_EQ(parseDurationMs("999999999999999999999999d"), std::nullopt);
}

}  // namespace
}  // namespace boxoffice
