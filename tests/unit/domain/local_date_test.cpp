#include "domain/local_date.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <map>
#include <string>

namespace boxoffice {
namespace {

// Fixed offsets by name: the date arithmetic alone, without a zoneinfo database.
class FixedOffsets final : public TimeZones {
public:
    explicit FixedOffsets(std::map<std::string, std::chrono::seconds, std::less<>> offsets)
        : offsets_(std::move(offsets)) {}
    bool isKnown(std::string_view name) const override { return offsets_.find(name) != offsets_.end(); }
    std::optional<std::chrono::seconds> utcOffset(std::string_view name, EpochMs) const override {
        const auto it = offsets_.find(name);
        if (it == offsets_.end()) return std::nullopt;
        return it->second;
    }

private:
    std::map<std::string, std::chrono::seconds, std::less<>> offsets_;
};

using std::chrono::hours;
using std::chrono::minutes;

constexpr EpochMs kJuly14Noon = 1'720'958'400'000;  // 2024-07-14T12:00:00Z
constexpr EpochMs kHour = 3'600'000;

TEST(LocalDateOnFixedOffsets, ShiftsTheInstantByTheZonesOffset) {
    const FixedOffsets zones({{"East", hours{13}}, {"West", hours{-12}}, {"Half", hours{5} + minutes{30}}});
    EXPECT_EQ(localDate(kJuly14Noon, "East", zones), "2024-07-15");
    EXPECT_EQ(localDate(kJuly14Noon - kHour - 1, "East", zones), "2024-07-14");
    EXPECT_EQ(localDate(kJuly14Noon - 1, "West", zones), "2024-07-13");
    EXPECT_EQ(localDate(kJuly14Noon, "West", zones), "2024-07-14");
    EXPECT_EQ(localDate(kJuly14Noon + 11 * kHour + 30 * 60'000, "Half", zones), "2024-07-15");
}

TEST(LocalDateOnFixedOffsets, UnknownZonesAreUtc) {
    const FixedOffsets zones({{"East", hours{13}}});
    EXPECT_EQ(localDate(kJuly14Noon + 12 * kHour - 1, "Nowhere", zones), "2024-07-14");
    EXPECT_EQ(localDate(kJuly14Noon + 12 * kHour, "Nowhere", zones), "2024-07-15");
}

TEST(LocalDateOnFixedOffsets, BeforeTheEpochFloors) {
    const FixedOffsets zones({{"UTC", hours{0}}});
    EXPECT_EQ(localDate(-1, "UTC", zones), "1969-12-31");
    EXPECT_EQ(localDate(0, "UTC", zones), "1970-01-01");
}

}  // namespace
}  // namespace boxoffice
