#include "domain/time.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <optional>
#include <string>
#include <thread>
#include <vector>

namespace boxoffice {
namespace {

// 2024-06-10T06:13:20Z, used as a plain anchor.
constexpr EpochMs kAnchor = 1'718'000'000'000;

EpochMs at(const char* rfc3339) {
    const auto ms = parseRfc3339(rfc3339);
    EXPECT_TRUE(ms.has_value()) << rfc3339;
    return ms.value_or(0);
}

// --- RFC 3339 -----------------------------------------------------------------------------------

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

// --- dates and zones ----------------------------------------------------------------------------

TEST(Dates, IsValidDate) {
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

TEST(Timezones, AcceptsIanaNames) {
    EXPECT_TRUE(isValidTimezone("Europe/Paris"));
    EXPECT_TRUE(isValidTimezone("America/Los_Angeles"));
    EXPECT_TRUE(isValidTimezone("Asia/Kolkata"));
    EXPECT_TRUE(isValidTimezone("UTC"));
    EXPECT_TRUE(isValidTimezone("Etc/GMT+5"));
    EXPECT_TRUE(isValidTimezone("America/Argentina/Buenos_Aires"));
}

TEST(Timezones, RejectsPathsAndJunk) {
    EXPECT_FALSE(isValidTimezone(""));
    EXPECT_FALSE(isValidTimezone("../etc/passwd"));
    EXPECT_FALSE(isValidTimezone("../../../../etc/passwd"));
    EXPECT_FALSE(isValidTimezone("Europe/../../../etc/passwd"));
    EXPECT_FALSE(isValidTimezone("/etc/passwd"));
    EXPECT_FALSE(isValidTimezone("/usr/share/zoneinfo/UTC"));
    EXPECT_FALSE(isValidTimezone("./UTC"));
    EXPECT_FALSE(isValidTimezone("Europe//Paris"));
    EXPECT_FALSE(isValidTimezone("Europe/Paris/"));
    EXPECT_FALSE(isValidTimezone("Europe\\Paris"));
    EXPECT_FALSE(isValidTimezone(std::string("UTC\0", 4)));
    EXPECT_FALSE(isValidTimezone("Europe/Atlantis"));
    EXPECT_FALSE(isValidTimezone(std::string(65, 'A')));
    // Present in the zoneinfo tree but not zones: a directory and a text table.
    EXPECT_FALSE(isValidTimezone("Europe"));
    EXPECT_FALSE(isValidTimezone("zone.tab"));
}

TEST(LocalDate, Utc) {
    EXPECT_EQ(localDate(at("2024-06-10T23:59:59.999Z"), "UTC"), "2024-06-10");
    EXPECT_EQ(localDate(at("2024-06-11T00:00:00Z"), "UTC"), "2024-06-11");
    EXPECT_EQ(localDate(-1, "UTC"), "1969-12-31");
}

TEST(LocalDate, ParisAcrossMidnightWinterAndSummer) {
    // Winter, CET (+01:00).
    EXPECT_EQ(localDate(at("2024-01-14T22:59:59Z"), "Europe/Paris"), "2024-01-14");
    EXPECT_EQ(localDate(at("2024-01-14T23:00:00Z"), "Europe/Paris"), "2024-01-15");
    // Summer, CEST (+02:00).
    EXPECT_EQ(localDate(at("2024-07-14T21:59:59Z"), "Europe/Paris"), "2024-07-14");
    EXPECT_EQ(localDate(at("2024-07-14T22:00:00Z"), "Europe/Paris"), "2024-07-15");
}

TEST(LocalDate, ParisAroundDstSwitches) {
    // Spring forward 2024-03-31 01:00Z. The evening before is still CET, so midnight is 23:00Z.
    EXPECT_EQ(localDate(at("2024-03-30T22:59:59Z"), "Europe/Paris"), "2024-03-30");
    EXPECT_EQ(localDate(at("2024-03-30T23:00:00Z"), "Europe/Paris"), "2024-03-31");
    // The evening after is CEST, so 22:30Z is already the next day.
    EXPECT_EQ(localDate(at("2024-03-31T22:30:00Z"), "Europe/Paris"), "2024-04-01");
    // Fall back 2024-10-27 01:00Z: the evening before is CEST, the evening after CET.
    EXPECT_EQ(localDate(at("2024-10-26T22:30:00Z"), "Europe/Paris"), "2024-10-27");
    EXPECT_EQ(localDate(at("2024-10-27T22:30:00Z"), "Europe/Paris"), "2024-10-27");
    EXPECT_EQ(localDate(at("2024-10-27T23:00:00Z"), "Europe/Paris"), "2024-10-28");
}

TEST(LocalDate, ParisBeyondTheTransitionTableUsesTheFooterRule) {
    // zoneinfo files list transitions only up to 2037 (or to the last rule change, in "slim" builds);
    // later instants follow the POSIX rule in the footer, still with DST.
    EXPECT_EQ(localDate(at("2100-07-01T21:59:59Z"), "Europe/Paris"), "2100-07-01");
    EXPECT_EQ(localDate(at("2100-07-01T22:30:00Z"), "Europe/Paris"), "2100-07-02");
    EXPECT_EQ(localDate(at("2100-01-01T22:30:00Z"), "Europe/Paris"), "2100-01-01");
    EXPECT_EQ(localDate(at("2100-01-01T23:30:00Z"), "Europe/Paris"), "2100-01-02");
}

TEST(LocalDate, LosAngeles) {
    // PDT (-07:00) in July, PST (-08:00) in January.
    EXPECT_EQ(localDate(at("2024-07-05T06:59:59Z"), "America/Los_Angeles"), "2024-07-04");
    EXPECT_EQ(localDate(at("2024-07-05T07:00:00Z"), "America/Los_Angeles"), "2024-07-05");
    EXPECT_EQ(localDate(at("2024-01-05T07:30:00Z"), "America/Los_Angeles"), "2024-01-04");
    EXPECT_EQ(localDate(at("2024-01-05T08:00:00Z"), "America/Los_Angeles"), "2024-01-05");
    // Spring forward 2024-03-10 10:00Z: the following evening is PDT.
    EXPECT_EQ(localDate(at("2024-03-11T06:59:59Z"), "America/Los_Angeles"), "2024-03-10");
    EXPECT_EQ(localDate(at("2024-03-11T07:00:00Z"), "America/Los_Angeles"), "2024-03-11");
}

TEST(LocalDate, KolkataHalfHourOffset) {
    EXPECT_EQ(localDate(at("2024-05-01T18:29:59Z"), "Asia/Kolkata"), "2024-05-01");
    EXPECT_EQ(localDate(at("2024-05-01T18:30:00Z"), "Asia/Kolkata"), "2024-05-02");
    EXPECT_EQ(localDate(at("2090-05-01T18:30:00Z"), "Asia/Kolkata"), "2090-05-02");
}

TEST(LocalDate, SouthernHemisphereDstSpansNewYear) {
    // Sydney: AEDT (+11:00) in January, AEST (+10:00) in July; both inside and beyond the table.
    EXPECT_EQ(localDate(at("2024-01-15T13:00:00Z"), "Australia/Sydney"), "2024-01-16");
    EXPECT_EQ(localDate(at("2024-07-15T13:30:00Z"), "Australia/Sydney"), "2024-07-15");
    EXPECT_EQ(localDate(at("2100-01-15T13:00:00Z"), "Australia/Sydney"), "2100-01-16");
    EXPECT_EQ(localDate(at("2100-07-15T13:30:00Z"), "Australia/Sydney"), "2100-07-15");
}

TEST(LocalDate, UnknownZoneFallsBackToUtc) {
    EXPECT_EQ(localDate(at("2024-07-14T22:30:00Z"), "Europe/Atlantis"), "2024-07-14");
    EXPECT_EQ(localDate(at("2024-07-14T22:30:00Z"), "../etc/passwd"), "2024-07-14");
    EXPECT_EQ(localDate(at("2024-07-14T22:30:00Z"), ""), "2024-07-14");
}

TEST(LocalDate, ConcurrentFirstUseAgreesWithSequentialResults) {
    // Several threads race to load the same cold zones; every answer must match.
    const char* zones[] = {"Europe/Berlin", "America/New_York", "Asia/Tokyo", "Pacific/Auckland"};
    const EpochMs instant = at("2024-07-14T23:30:00Z");
    std::vector<std::thread> threads;
    std::vector<std::string> results(32);
    for (std::size_t t = 0; t < results.size(); ++t) {
        threads.emplace_back([&, t] {
            for (std::size_t i = 0; i < 200; ++i) results[t] += localDate(instant, zones[(t + i) % 4]);
        });
    }
    for (auto& th : threads) th.join();
    std::string expected;
    for (std::size_t t = 0; t < results.size(); ++t) {
        expected.clear();
        for (std::size_t i = 0; i < 200; ++i) expected += localDate(instant, zones[(t + i) % 4]);
        EXPECT_EQ(results[t], expected);
    }
    EXPECT_EQ(localDate(instant, "Asia/Tokyo"), "2024-07-15");
    EXPECT_EQ(localDate(instant, "America/New_York"), "2024-07-14");
}

// --- TZif edge cases, from hand-built files under $TZDIR -------------------------------------------

void putBe32(std::string& out, std::uint32_t v) {
    for (int shift = 24; shift >= 0; shift -= 8) out.push_back(static_cast<char>((v >> shift) & 0xFF));
}

void putHeader(std::string& out, std::uint32_t timecnt, std::uint32_t typecnt, std::uint32_t charcnt) {
    out += "TZif2";
    out.append(15, '\0');
    for (const std::uint32_t count : {0u, 0u, 0u, timecnt, typecnt, charcnt}) putBe32(out, count);
}

// A "slim" TZif v2 file: no transitions at all, one standard type, everything else in the footer.
std::string slimTzif(std::int32_t utoff, const std::string& designation, const std::string& footer) {
    std::string out;
    putHeader(out, 0, 1, 1);
    out.append(6, '\0');  // v1 ttinfo
    out.push_back('\0');  // v1 designation
    putHeader(out, 0, 1, static_cast<std::uint32_t>(designation.size() + 1));
    putBe32(out, static_cast<std::uint32_t>(utoff));
    out.push_back('\0');  // isdst
    out.push_back('\0');  // desigidx
    out += designation;
    out.push_back('\0');
    out += "\n" + footer + "\n";
    return out;
}

class HandBuiltZones : public ::testing::Test {
protected:
    void SetUp() override {
        dir_ = std::filesystem::path(::testing::TempDir()) / ("boxoffice_tz_" + std::to_string(::getpid()));
        std::filesystem::create_directories(dir_ / "Boxoffice_Test");
        if (const char* old = std::getenv("TZDIR")) oldTzdir_ = old;
        ::setenv("TZDIR", dir_.c_str(), 1);
    }
    void TearDown() override {
        if (oldTzdir_)
            ::setenv("TZDIR", oldTzdir_->c_str(), 1);
        else
            ::unsetenv("TZDIR");
        std::filesystem::remove_all(dir_);
    }
    void write(const std::string& name, const std::string& bytes) {
        std::ofstream(dir_ / name, std::ios::binary) << bytes;
    }

    std::filesystem::path dir_;
    std::optional<std::string> oldTzdir_;
};

TEST_F(HandBuiltZones, SlimFileFollowsFooterRule) {
    write("Boxoffice_Test/Slim_Paris", slimTzif(3600, "CET", "CET-1CEST,M3.5.0,M10.5.0/3"));
    ASSERT_TRUE(isValidTimezone("Boxoffice_Test/Slim_Paris"));
    EXPECT_EQ(localDate(at("2024-07-14T22:00:00Z"), "Boxoffice_Test/Slim_Paris"), "2024-07-15");
    EXPECT_EQ(localDate(at("2024-01-14T22:30:00Z"), "Boxoffice_Test/Slim_Paris"), "2024-01-14");
    EXPECT_EQ(localDate(at("2024-03-30T23:00:00Z"), "Boxoffice_Test/Slim_Paris"), "2024-03-31");
    EXPECT_EQ(localDate(at("2024-03-31T22:30:00Z"), "Boxoffice_Test/Slim_Paris"), "2024-04-01");
    EXPECT_EQ(localDate(at("2024-10-27T22:30:00Z"), "Boxoffice_Test/Slim_Paris"), "2024-10-27");
}

TEST_F(HandBuiltZones, QuotedNamesAndNegativeRuleTimes) {
    // America/Nuuk since 2023: DST switches at -02:00 / -01:00 local, i.e. the evening before.
    write("Boxoffice_Test/Nuuk", slimTzif(-7200, "-02", "<-02>2<-01>,M3.5.0/-1,M10.5.0/0"));
    ASSERT_TRUE(isValidTimezone("Boxoffice_Test/Nuuk"));
    EXPECT_EQ(localDate(at("2024-07-01T00:30:00Z"), "Boxoffice_Test/Nuuk"), "2024-06-30");  // -01:00
    EXPECT_EQ(localDate(at("2024-07-01T01:00:00Z"), "Boxoffice_Test/Nuuk"), "2024-07-01");
    EXPECT_EQ(localDate(at("2024-01-01T01:30:00Z"), "Boxoffice_Test/Nuuk"), "2023-12-31");  // -02:00
    // Spring forward at "-1:00" on Sunday 2024-03-31, i.e. Saturday 23:00 standard time = 01:00Z.
    EXPECT_EQ(localDate(at("2024-03-31T00:59:59Z"), "Boxoffice_Test/Nuuk"), "2024-03-30");
    EXPECT_EQ(localDate(at("2024-03-31T01:00:00Z"), "Boxoffice_Test/Nuuk"), "2024-03-31");
}

TEST_F(HandBuiltZones, FixedOffsetFooter) {
    write("Boxoffice_Test/Plus_0530", slimTzif(19800, "IST", "IST-5:30"));
    EXPECT_EQ(localDate(at("2024-05-01T18:30:00Z"), "Boxoffice_Test/Plus_0530"), "2024-05-02");
}

TEST_F(HandBuiltZones, UnparseableFooterFallsBackToTheLastType) {
    write("Boxoffice_Test/Odd_Footer", slimTzif(3600, "CET", "this is not a TZ string"));
    ASSERT_TRUE(isValidTimezone("Boxoffice_Test/Odd_Footer"));
    EXPECT_EQ(localDate(at("2024-07-14T22:30:00Z"), "Boxoffice_Test/Odd_Footer"), "2024-07-14");
    EXPECT_EQ(localDate(at("2024-07-14T23:00:00Z"), "Boxoffice_Test/Odd_Footer"), "2024-07-15");
}

TEST_F(HandBuiltZones, CorruptFilesAreNotZones) {
    const std::string good = slimTzif(3600, "CET", "CET-1CEST,M3.5.0,M10.5.0/3");
    write("Boxoffice_Test/Truncated", good.substr(0, 60));
    write("Boxoffice_Test/Bad_Magic", "TZig" + good.substr(4));
    write("Boxoffice_Test/Empty", "");
    EXPECT_FALSE(isValidTimezone("Boxoffice_Test/Truncated"));
    EXPECT_FALSE(isValidTimezone("Boxoffice_Test/Bad_Magic"));
    EXPECT_FALSE(isValidTimezone("Boxoffice_Test/Empty"));
    EXPECT_EQ(localDate(at("2024-07-14T23:30:00Z"), "Boxoffice_Test/Truncated"), "2024-07-14");
}

// --- durations ------------------------------------------------------------------------------------

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
