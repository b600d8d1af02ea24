#include "util/rfc3339.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <optional>
#include <string>

namespace boxoffice {
namespace {

using EpochMs = std::int64_t;  // as domain/clock.hpp has it; this library does not depend on domain/

// 2024-06-10T06:13:20Z, used as a plain anchor.
constexpr EpochMs kAnchor = 1'718'000'000'000;

EpochMs at(const char* rfc3339) {
    const auto ms = parseRfc3339(rfc3339);
    EXPECT_TRUE(ms.has_value()) << rfc3339;
    return ms.value_or(0);
}

bool isValidDate(std::string_view text) {
    return parseFullDate(text).has_value();
}

TEST(Rfc3339, ParsesUtc) {
    EXPECT_EQ(parseRfc3339("1970-01-01T00:00:00Z"), 0);
    EXPECT_EQ(parseRfc3339("2024-06-10T06:13:20Z"), kAnchor);
    EXPECT_EQ(parseRfc3339("9999-12-31T23:59:59Z"), 253402300799000);
}

TEST(Rfc3339, ParsesOffsets) {
    EXPECT_EQ(parseRfc3339("2024-06-10T08:13:20+02:00"), kAnchor);
    EXPECT_EQ(parseRfc3339("2024-06-09T23:13:20-07:00"), kAnchor);
    EXPECT_EQ(parseRfc3339("2024-06-10T11:43:20+05:30"), kAnchor);
    EXPECT_EQ(parseRfc3339("2024-06-10T06:13:20+00:00"), kAnchor);
    // RFC 3339 4.3: -00:00 means "UTC, local offset unknown".
    EXPECT_EQ(parseRfc3339("2024-06-10T06:13:20-00:00"), kAnchor);
    // The instant is range-checked too, not only the written year: the service writes instants back
    // in UTC (formatRfc3339) and must accept what it writes (found by tests/fuzz, target json_body).
    EXPECT_EQ(parseRfc3339("1970-01-01T00:00:00+01:00"), std::nullopt);
    EXPECT_EQ(parseRfc3339("1970-01-01T00:00:00-01:00"), 3'600'000);
    EXPECT_EQ(parseRfc3339("9999-12-31T23:30:00-01:00"), std::nullopt);
    EXPECT_EQ(parseRfc3339("9999-12-31T23:30:00+01:00"), 253'402'295'400'000);
}

TEST(Rfc3339, ParsesFractionsTruncatingBelowMilliseconds) {
    EXPECT_EQ(parseRfc3339("2024-06-10T06:13:20.5Z"), kAnchor + 500);
    EXPECT_EQ(parseRfc3339("2024-06-10T06:13:20.12Z"), kAnchor + 120);
    EXPECT_EQ(parseRfc3339("2024-06-10T06:13:20.123Z"), kAnchor + 123);
    EXPECT_EQ(parseRfc3339("2024-06-10T06:13:20.123999999Z"), kAnchor + 123);
    EXPECT_EQ(parseRfc3339("2024-06-10T08:13:20.007+02:00"), kAnchor + 7);
    EXPECT_EQ(parseRfc3339("2024-06-10T06:13:20.Z"), std::nullopt);
}

TEST(Rfc3339, AcceptsLowerCaseAndSpaceSeparators) {
    EXPECT_EQ(parseRfc3339("2024-06-10t06:13:20z"), kAnchor);
    EXPECT_EQ(parseRfc3339("2024-06-10 06:13:20Z"), kAnchor);
}

TEST(Rfc3339, LeapDays) {
    EXPECT_TRUE(parseRfc3339("2024-02-29T12:00:00Z").has_value());
    EXPECT_TRUE(parseRfc3339("2000-02-29T12:00:00Z").has_value());
    EXPECT_FALSE(parseRfc3339("2023-02-29T12:00:00Z").has_value());
    EXPECT_FALSE(parseRfc3339("2100-02-29T12:00:00Z").has_value());
    EXPECT_FALSE(parseRfc3339("2024-02-30T12:00:00Z").has_value());
    EXPECT_FALSE(parseRfc3339("2024-04-31T12:00:00Z").has_value());
}

TEST(Rfc3339, RejectsOutOfRangeFields) {
    EXPECT_FALSE(parseRfc3339("2024-06-10T24:00:00Z").has_value());
    EXPECT_FALSE(parseRfc3339("2024-06-10T23:60:00Z").has_value());
    EXPECT_FALSE(parseRfc3339("2024-06-10T23:59:60Z").has_value());
    EXPECT_FALSE(parseRfc3339("2024-13-10T00:00:00Z").has_value());
    EXPECT_FALSE(parseRfc3339("2024-00-10T00:00:00Z").has_value());
    EXPECT_FALSE(parseRfc3339("2024-06-00T00:00:00Z").has_value());
    EXPECT_FALSE(parseRfc3339("1969-12-31T23:59:59Z").has_value());
    EXPECT_FALSE(parseRfc3339("2024-06-10T00:00:00+24:00").has_value());
    EXPECT_FALSE(parseRfc3339("2024-06-10T00:00:00+01:60").has_value());
}

TEST(Rfc3339, RejectsMalformedText) {
    EXPECT_FALSE(parseRfc3339("2024-06-10T06:13:20").has_value()) << "no offset";
    EXPECT_FALSE(parseRfc3339("2024-06-10T06:13:20.123").has_value()) << "no offset";
    EXPECT_FALSE(parseRfc3339("2024-06-10").has_value());
    EXPECT_FALSE(parseRfc3339("").has_value());
    EXPECT_FALSE(parseRfc3339("2024-06-10X06:13:20Z").has_value());
    EXPECT_FALSE(parseRfc3339("2024-6-10T06:13:20Z").has_value());
    EXPECT_FALSE(parseRfc3339("2024-06-10T6:13:20Z").has_value());
    EXPECT_FALSE(parseRfc3339("2024-06-10T06:13:20+0200").has_value());
    EXPECT_FALSE(parseRfc3339("2024-06-10T06:13:20+02").has_value());
    EXPECT_FALSE(parseRfc3339("2024-06-10T06:13:20Z ").has_value());
    EXPECT_FALSE(parseRfc3339(" 2024-06-10T06:13:20Z").has_value());
    EXPECT_FALSE(parseRfc3339("2024-06-10T06:13:20ZZ").has_value());
    EXPECT_FALSE(parseRfc3339("+2024-06-10T06:13:20Z").has_value());
    EXPECT_FALSE(parseRfc3339("2024-06-10T06:13:2aZ").has_value());
}

TEST(Rfc3339, FormatsUtcWithMilliseconds) {
    EXPECT_EQ(formatRfc3339(0), "1970-01-01T00:00:00.000Z");
    EXPECT_EQ(formatRfc3339(kAnchor + 7), "2024-06-10T06:13:20.007Z");
    EXPECT_EQ(formatRfc3339(at("2024-02-29T23:59:59.999Z")), "2024-02-29T23:59:59.999Z");
    EXPECT_EQ(formatRfc3339(253402300799999), "9999-12-31T23:59:59.999Z");
    // Pre-epoch instants must floor, not truncate toward zero.
    EXPECT_EQ(formatRfc3339(-1), "1969-12-31T23:59:59.999Z");
}

TEST(Rfc3339, FormatThenParseRoundTrips) {
    for (EpochMs ms = 0; ms < 400LL * 366 * 86'400'000; ms += 86'400'000LL * 97 + 3'600'000 * 7 + 61'001) {
        ASSERT_EQ(parseRfc3339(formatRfc3339(ms)), ms) << formatRfc3339(ms);
    }
}

TEST(Rfc3339, ParsesWhatTheHarnessReads) {
    // The cases the flash-sale harness's own parser had before it called this one.
    EXPECT_EQ(parseRfc3339("1970-01-01T00:00:01.250Z"), 1250);
    EXPECT_EQ(parseRfc3339("2026-12-31T20:00:00.000Z"), 1798747200000LL);
    EXPECT_EQ(parseRfc3339("2026-12-31T21:00:00+01:00"), 1798747200000LL);
    EXPECT_EQ(parseRfc3339("2026-12-31T20:00:00"), std::nullopt);
    EXPECT_EQ(parseRfc3339("soon"), std::nullopt);
}

// --- full-dates -----------------------------------------------------------------------------------

TEST(FullDate, ParsesCalendarDates) {
    EXPECT_TRUE(isValidDate("2024-02-29"));
    EXPECT_TRUE(isValidDate("2023-12-31"));
    EXPECT_TRUE(isValidDate("2000-02-29"));
    EXPECT_FALSE(isValidDate("2023-02-29"));
    EXPECT_FALSE(isValidDate("1900-02-29"));
    EXPECT_FALSE(isValidDate("2023-04-31"));
    EXPECT_FALSE(isValidDate("2023-13-01"));
    EXPECT_FALSE(isValidDate("2023-00-01"));
    EXPECT_FALSE(isValidDate("2023-01-00"));
    EXPECT_FALSE(isValidDate("2023-1-01"));
    EXPECT_FALSE(isValidDate("2023/01/01"));
    EXPECT_FALSE(isValidDate("2023-01-01T00:00:00Z"));
    EXPECT_FALSE(isValidDate("2023-01-01 "));
    EXPECT_FALSE(isValidDate(""));
}

TEST(FullDate, ParsesToTheCalendarDayAndFormatsBack) {
    using namespace std::chrono;
    EXPECT_EQ(parseFullDate("2024-02-29"), year_month_day{year{2024} / February / 29});
    EXPECT_EQ(formatFullDate(year{2024} / March / 1), "2024-03-01");
    EXPECT_EQ(formatFullDate(year{987} / January / 2), "0987-01-02");
    EXPECT_EQ(formatFullDate(year{10000} / January / 2), "10000-01-02");
}

}  // namespace
}  // namespace boxoffice
