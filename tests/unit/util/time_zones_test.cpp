#include "util/time_zones.hpp"

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

#include "domain/local_date.hpp"
#include "util/rfc3339.hpp"

// The system's zoneinfo read through cctz, and domain/local_date on top of it.
namespace boxoffice {
namespace {

EpochMs at(const char* rfc3339) {
    const auto ms = parseRfc3339(rfc3339);
    EXPECT_TRUE(ms.has_value()) << rfc3339;
    return ms.value_or(0);
}

const util::ZoneinfoTimeZones& systemZones() {
    static const util::ZoneinfoTimeZones zones(util::zoneinfoDirectory());
    return zones;
}

bool isValidTimezone(std::string_view tz) {
    return systemZones().isKnown(tz);
}

std::string localDate(EpochMs ms, std::string_view tz) {
    return boxoffice::localDate(ms, tz, systemZones());
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

// --- TZif edge cases, from hand-built files under $TZDIR ------------------------------------------

void putBe32(std::string& out, std::uint32_t v) {
    for (int shift = 24; shift >= 0; shift -= 8) out.push_back(static_cast<char>((v >> shift) & 0xFF));
}

void putHeader(std::string& out, std::uint32_t timecnt, std::uint32_t typecnt, std::uint32_t charcnt) {
    out += "TZif2";
    out.append(15, '\0');
    for (const std::uint32_t count : {0u, 0u, 0u, timecnt, typecnt, charcnt}) putBe32(out, count);
}

struct LocalTimeType {
    std::int32_t utoff;
    bool isdst;
    std::string designation;
};

struct Transition {
    std::int64_t at;  // UTC seconds
    std::uint8_t type;
};

// A TZif v2 file as "zic -b slim" writes one: the transitions up to the last rule change (none at
// all for a zone that never changed), everything later in the footer's POSIX TZ rule.
std::string slimTzif(const std::vector<LocalTimeType>& types, const std::vector<Transition>& transitions,
                     const std::string& footer) {
    std::string out;
    putHeader(out, 0, 1, 1);
    out.append(6, '\0');  // v1 ttinfo
    out.push_back('\0');  // v1 designation
    std::string designations;
    std::vector<std::size_t> index;
    for (const auto& t : types) {
        index.push_back(designations.size());
        designations += t.designation + '\0';
    }
    putHeader(out, static_cast<std::uint32_t>(transitions.size()), static_cast<std::uint32_t>(types.size()),
              static_cast<std::uint32_t>(designations.size()));
    for (const auto& t : transitions) {
        const auto at = static_cast<std::uint64_t>(t.at);
        putBe32(out, static_cast<std::uint32_t>(at >> 32));
        putBe32(out, static_cast<std::uint32_t>(at));
    }
    for (const auto& t : transitions) out.push_back(static_cast<char>(t.type));
    for (std::size_t i = 0; i < types.size(); ++i) {
        putBe32(out, static_cast<std::uint32_t>(types[i].utoff));
        out.push_back(types[i].isdst ? '\1' : '\0');
        out.push_back(static_cast<char>(index[i]));
    }
    out += designations;
    out += "\n" + footer + "\n";
    return out;
}

// One standard type and no transition.
std::string slimTzif(std::int32_t utoff, const std::string& designation, const std::string& footer) {
    return slimTzif({{utoff, false, designation}}, {}, footer);
}

// Europe/Paris as a slim file: the last transitions are 1996's, when the EU rule took over.
std::string slimParis() {
    return slimTzif({{3600, false, "CET"}, {7200, true, "CEST"}},
                    {{at("1996-03-31T01:00:00Z") / 1000, 1}, {at("1996-10-27T01:00:00Z") / 1000, 0}},
                    "CET-1CEST,M3.5.0,M10.5.0/3");
}

class HandBuiltZones : public ::testing::Test {
protected:
    void SetUp() override {
        dir_ = std::filesystem::path(::testing::TempDir()) / ("boxoffice_tz_" + std::to_string(::getpid()));
        std::filesystem::create_directories(dir_ / "Boxoffice_Test");
        if (const char* old = std::getenv("TZDIR")) oldTzdir_ = old;
        ::setenv("TZDIR", dir_.c_str(), 1);
        // As the service builds its zones at start-up: from $TZDIR.
        zones_.emplace(util::zoneinfoDirectory());
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
    bool isValidTimezone(std::string_view tz) const { return zones_->isKnown(tz); }
    std::string localDate(EpochMs ms, std::string_view tz) const { return boxoffice::localDate(ms, tz, *zones_); }

    std::filesystem::path dir_;
    std::optional<std::string> oldTzdir_;
    std::optional<util::ZoneinfoTimeZones> zones_;
};

TEST_F(HandBuiltZones, SlimFileFollowsFooterRule) {
    write("Boxoffice_Test/Slim_Paris", slimParis());
    ASSERT_TRUE(isValidTimezone("Boxoffice_Test/Slim_Paris"));
    EXPECT_EQ(localDate(at("2024-07-14T22:00:00Z"), "Boxoffice_Test/Slim_Paris"), "2024-07-15");
    EXPECT_EQ(localDate(at("2024-01-14T22:30:00Z"), "Boxoffice_Test/Slim_Paris"), "2024-01-14");
    EXPECT_EQ(localDate(at("2024-03-30T23:00:00Z"), "Boxoffice_Test/Slim_Paris"), "2024-03-31");
    EXPECT_EQ(localDate(at("2024-03-31T22:30:00Z"), "Boxoffice_Test/Slim_Paris"), "2024-04-01");
    EXPECT_EQ(localDate(at("2024-10-27T22:30:00Z"), "Boxoffice_Test/Slim_Paris"), "2024-10-27");
}

TEST_F(HandBuiltZones, QuotedNamesAndNegativeRuleTimes) {
    // America/Nuuk since 2023: DST switches at -02:00 / -01:00 local, i.e. the evening before.
    write("Boxoffice_Test/Nuuk",
          slimTzif({{-7200, false, "-02"}, {-3600, true, "-01"}},
                   {{at("2023-03-26T01:00:00Z") / 1000, 1}, {at("2023-10-29T01:00:00Z") / 1000, 0}},
                   "<-02>2<-01>,M3.5.0/-1,M10.5.0/0"));
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
    const std::string good = slimParis();
    write("Boxoffice_Test/Truncated", good.substr(0, 60));
    write("Boxoffice_Test/Bad_Magic", "TZig" + good.substr(4));
    write("Boxoffice_Test/Empty", "");
    EXPECT_FALSE(isValidTimezone("Boxoffice_Test/Truncated"));
    EXPECT_FALSE(isValidTimezone("Boxoffice_Test/Bad_Magic"));
    EXPECT_FALSE(isValidTimezone("Boxoffice_Test/Empty"));
    EXPECT_EQ(localDate(at("2024-07-14T23:30:00Z"), "Boxoffice_Test/Truncated"), "2024-07-14");
}

TEST_F(HandBuiltZones, ReadsTheDirectoryTzdirNamesNotTheSystemOne) {
    write("Boxoffice_Test/Plus_0100", slimTzif(3600, "CET", "CET-1"));
    EXPECT_TRUE(isValidTimezone("Boxoffice_Test/Plus_0100"));
    // The system's zones are not in this directory.
    EXPECT_FALSE(isValidTimezone("Europe/Paris"));
    EXPECT_EQ(localDate(at("2024-07-14T22:30:00Z"), "Europe/Paris"), "2024-07-14");
    // Another directory is another database, even for the same name.
    const util::ZoneinfoTimeZones system("/usr/share/zoneinfo");
    EXPECT_TRUE(system.isKnown("Europe/Paris"));
    EXPECT_FALSE(system.isKnown("Boxoffice_Test/Plus_0100"));
}

TEST_F(HandBuiltZones, AZoneFileOutsideTheDirectoryIsNeverRead) {
    // A valid zone one level above the zoneinfo directory, and one reached through an absolute path.
    const auto outside = dir_.parent_path() / ("boxoffice_outside_" + std::to_string(::getpid()));
    std::ofstream(outside, std::ios::binary) << slimParis();
    const std::string name = outside.filename().string();
    EXPECT_FALSE(isValidTimezone("../" + name));
    EXPECT_FALSE(isValidTimezone("Boxoffice_Test/../../" + name));
    EXPECT_FALSE(isValidTimezone(outside.string()));
    EXPECT_EQ(localDate(at("2024-07-14T22:30:00Z"), "../" + name), "2024-07-14");
    std::filesystem::remove(outside);
}

TEST_F(HandBuiltZones, NotAZoneFile) {
    std::filesystem::create_directories(dir_ / "Boxoffice_Test" / "Directory");
    std::filesystem::create_symlink("/dev/zero", dir_ / "Boxoffice_Test" / "Device");
    write("Boxoffice_Test/Too_Big", slimParis() + std::string(2 << 20, '\0'));
    EXPECT_FALSE(isValidTimezone("Boxoffice_Test/Directory"));
    EXPECT_FALSE(isValidTimezone("Boxoffice_Test/Device"));
    EXPECT_FALSE(isValidTimezone("Boxoffice_Test/Too_Big"));
    EXPECT_FALSE(isValidTimezone("Boxoffice_Test/Missing"));
}

TEST(ZoneinfoDirectory, TzdirWhenSetAndNotEmpty) {
    std::optional<std::string> old;
    if (const char* v = std::getenv("TZDIR")) old = v;
    ::setenv("TZDIR", "/somewhere/zoneinfo", 1);
    EXPECT_EQ(util::zoneinfoDirectory(), "/somewhere/zoneinfo");
    ::setenv("TZDIR", "", 1);
    EXPECT_EQ(util::zoneinfoDirectory(), "/usr/share/zoneinfo");
    ::unsetenv("TZDIR");
    EXPECT_EQ(util::zoneinfoDirectory(), "/usr/share/zoneinfo");
    if (old) ::setenv("TZDIR", old->c_str(), 1);
}

}  // namespace
}  // namespace boxoffice
