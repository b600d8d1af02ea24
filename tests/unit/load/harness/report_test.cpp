#include "harness/report.hpp"

#include <gtest/gtest.h>

namespace boxoffice::load {
namespace {

RunSummary twoSecondSale() {
    RunSummary r;
    r.title = "test <sale> & more";
    r.seatsOnSale = 10;
    r.users = 4;
    r.seconds = 2.0;
    r.holds = 3, r.conflicts = 5, r.orders = 3, r.confirmed = 2, r.confirmedSeats = 4;
    r.soldOutMicros = 1'500'000;
    for (int i = 0; i < 100; ++i) {
        r.stats.endpoints[Hold].latency.record(1000 + i);
        r.stats.at(i < 60 ? 0 : 1).done[Hold] += 1;
        r.stats.at(i < 60 ? 0 : 1).latency.record(1000 + i);
    }
    r.stats.endpoints[Hold].statuses[201] = 3;
    r.stats.endpoints[Hold].statuses[409] = 97;
    r.stats.endpoints[Hold].codes["SEATS_UNAVAILABLE"] = 97;
    r.stats.outcomes[Confirmed] = 2;
    r.stats.outcomes[GaveUp] = 2;
    return r;
}

TEST(Report, JsonCarriesCountsPercentilesAndTimeline) {
    const auto j = reportJson(twoSecondSale());
    EXPECT_EQ(j["requests"], 100);
    EXPECT_DOUBLE_EQ(j["requestsPerSecond"].get<double>(), 50.0);
    EXPECT_DOUBLE_EQ(j["soldOutSeconds"].get<double>(), 1.5);
    EXPECT_TRUE(j["noSeatAvailableSeconds"].is_null());
    EXPECT_EQ(j["counts"]["confirmedSeats"], 4);
    EXPECT_EQ(j["outcomes"]["gave_up"], 2);
    const auto& hold = j["endpoints"]["hold"];
    EXPECT_EQ(hold["route"], "POST /v1/holds");
    EXPECT_EQ(hold["statuses"]["409"], 97);
    EXPECT_EQ(hold["codes"]["SEATS_UNAVAILABLE"], 97);
    EXPECT_NEAR(hold["latency"]["p50Ms"].get<double>(), 1.05, 0.04);
    EXPECT_NEAR(hold["latency"]["maxMs"].get<double>(), 1.1, 0.01);
    ASSERT_EQ(j["timeline"].size(), 2u);
    EXPECT_EQ(j["timeline"][0]["requests"], 60);
    EXPECT_EQ(j["timeline"][1]["byEndpoint"]["hold"], 40);
    EXPECT_FALSE(j["endpoints"].contains("confirm"));  // nothing was sent there
}

TEST(Report, TextNamesOutcomesAndEndpoints) {
    const auto text = reportText(twoSecondSale());
    EXPECT_NE(text.find("confirmed 2"), std::string::npos);
    EXPECT_NE(text.find("gave_up 2"), std::string::npos);
    EXPECT_NE(text.find("hold"), std::string::npos);
    EXPECT_NE(text.find("SEATS_UNAVAILABLE:97"), std::string::npos);
    EXPECT_NE(text.find("1.50 s"), std::string::npos);  // sold out
}

TEST(Report, SvgIsOneDocumentWithALinePerEndpointAndEscapedTitle) {
    const auto svg = reportSvg(twoSecondSale());
    EXPECT_EQ(svg.rfind("<svg", 0), 0u);
    EXPECT_NE(svg.find("</svg>"), std::string::npos);
    EXPECT_EQ(svg.find("<sale>"), std::string::npos);  // markup in the title never reaches the SVG
    EXPECT_EQ(svg.find("& more"), std::string::npos);
    std::size_t lines = 0;
    for (auto at = svg.find("<polyline"); at != std::string::npos; at = svg.find("<polyline", at + 1)) ++lines;
    EXPECT_EQ(lines, 3u);  // throughput of `hold`, latency p50 and p99
}

TEST(Report, MicrosecondFormatting) {
    EXPECT_EQ(formatMicros(250), "250 us");
    EXPECT_EQ(formatMicros(1500), "1.50 ms");
    EXPECT_EQ(formatMicros(2'500'000), "2.50 s");
}

}  // namespace
}  // namespace boxoffice::load
