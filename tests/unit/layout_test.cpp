#include <gtest/gtest.h>

#include "app/demo_seed.hpp"
#include "domain/layout.hpp"
#include "domain/layout_codec.hpp"

namespace boxoffice {
namespace {

Layout parse(const std::string& text, std::vector<FieldError>& errs) {
    return layoutFromJson(nlohmann::json::parse(text), "layout", errs);
}

bool hasField(const Result<void>& r, const std::string& field) {
    if (r.ok()) return false;
    for (const auto& f : r.error().fields)
        if (f.field == field) return true;
    return false;
}

TEST(Layout, ExpandsCountsAndExplicitNumbersIntoStableIds) {
    std::vector<FieldError> errs;
    Layout l = parse(R"({"sections":[{"name":"FLOOR","tier":"GOLD","rows":[{"label":"A","seats":3},
        {"label":"B","seats":[7,9],"tier":"SILVER"}]}]})",
                     errs);
    ASSERT_TRUE(errs.empty());
    ASSERT_TRUE(validateLayout(l).ok());
    SeatIndex idx(l);
    ASSERT_EQ(idx.size(), 5u);
    EXPECT_EQ(idx.seats()[0].seatId.str(), "FLOOR-A-1");
    EXPECT_EQ(idx.seats()[4].seatId.str(), "FLOOR-B-9");
    EXPECT_EQ(idx.tierOf(idx.seats()[4]), "SILVER");
    EXPECT_EQ(idx.find("FLOOR-B-7"), 3);
    EXPECT_EQ(idx.find("FLOOR-B-8"), -1);
    EXPECT_EQ(idx.tiers(), (std::vector<std::string>{"GOLD", "SILVER"}));
}

TEST(Layout, RoundTripsThroughItsCompactJson) {
    Layout l = app::arenaLayout(20000);
    std::vector<FieldError> errs;
    Layout back = layoutFromJson(layoutToJson(l), "layout", errs);
    ASSERT_TRUE(errs.empty());
    EXPECT_EQ(seatCount(back), 20000);
    EXPECT_EQ(layoutToJson(back), layoutToJson(l));
    EXPECT_LT(layoutToJson(l).dump().size(), 40000u) << "a 20,000-seat layout must store compactly";
}

TEST(Layout, RejectsEmptyLayouts) {
    EXPECT_TRUE(hasField(validateLayout(Layout{}), "layout.sections"));
    Layout noRows{{LayoutSection{"A", {}}}};
    EXPECT_TRUE(hasField(validateLayout(noRows), "layout.sections[0].rows"));
}

TEST(Layout, RejectsDuplicateSeatIds) {
    Layout dupRow{{LayoutSection{"A", {{"1", "T", 5, {}}, {"1", "T", 5, {}}}}}};
    EXPECT_TRUE(hasField(validateLayout(dupRow), "layout.sections[0].rows[1].label"));
    Layout dupSection{{LayoutSection{"A", {{"1", "T", 5, {}}}}, LayoutSection{"A", {{"2", "T", 5, {}}}}}};
    EXPECT_TRUE(hasField(validateLayout(dupSection), "layout.sections[1].name"));
    Layout dupNumber{{LayoutSection{"A", {{"1", "T", 0, {3, 4, 3}}}}}};
    EXPECT_TRUE(hasField(validateLayout(dupNumber), "layout.sections[0].rows[0].seats[2]"));
}

TEST(Layout, RejectsBadNamesAndAbsurdSizes) {
    Layout dash{{LayoutSection{"A-B", {{"1", "T", 5, {}}}}}};
    EXPECT_TRUE(hasField(validateLayout(dash), "layout.sections[0].name"));
    Layout huge{{LayoutSection{"A", {{"1", "T", 2'000'000, {}}}}}};
    EXPECT_TRUE(hasField(validateLayout(huge), "layout.sections[0].rows[0].seats"));
    Layout tooMany = app::arenaLayout(200001);
    EXPECT_TRUE(hasField(validateLayout(tooMany), "layout"));
    EXPECT_TRUE(validateLayout(app::arenaLayout(50000)).ok());
}

TEST(LayoutCodec, ReportsTypeErrorsWithPaths) {
    std::vector<FieldError> errs;
    parse(R"({"sections":[{"name":5,"rows":[{"label":"A","seats":"ten","tier":"X"},{"label":"B","seats":-3}]}]})",
          errs);
    std::vector<std::string> fields;
    for (const auto& e : errs) fields.push_back(e.field);
    EXPECT_NE(std::find(fields.begin(), fields.end(), "layout.sections[0].name"), fields.end());
    EXPECT_NE(std::find(fields.begin(), fields.end(), "layout.sections[0].rows[0].seats"), fields.end());
    EXPECT_NE(std::find(fields.begin(), fields.end(), "layout.sections[0].rows[1].seats"), fields.end());
    EXPECT_NE(std::find(fields.begin(), fields.end(), "layout.sections[0].rows[1].tier"), fields.end());
}

}  // namespace
}  // namespace boxoffice
