// The plain reader of hold bodies against the JSON one: whatever it accepts, the JSON reader
// accepts with the same result; everything else it leaves to the JSON reader.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "http/booking_dto.hpp"

namespace boxoffice::http {
namespace {

std::string seats(int n) {
    std::string out;
    for (int i = 0; i < n; ++i) out += (i ? ",\"S-" : "\"S-") + std::to_string(i) + "\"";
    return out;
}

TEST(PlainHoldBody, AgreesWithTheJsonReaderOnWhatItAccepts) {
    const std::vector<std::string> accepted = {
        R"({"showId":"00000000-0000-4000-8000-00000000d003","seatIds":["FLOOR1-A-1","FLOOR1-A-2"]})",
        R"({"showId":"s","seatIds":[]})",
        R"({"showId":"s","seatIds":["a b 'c' {d} [e],f:g"]})",
        "{\"showId\":\"s\",\"seatIds\":[" + seats(100) + "]}",
        "{\"showId\":\"" + std::string(64, 'x') + "\",\"seatIds\":[\"" + std::string(64, 'y') + "\"]}",
    };
    for (const auto& body : accepted) {
        auto plain = parsePlainHoldBody(body);
        ASSERT_TRUE(plain.has_value()) << body;
        auto viaJson = parseHoldBody(Json::parse(body));
        ASSERT_TRUE(viaJson.ok()) << body;
        EXPECT_EQ(plain->showId, viaJson->showId) << body;
        EXPECT_EQ(plain->seatIds, viaJson->seatIds) << body;
    }
}

TEST(PlainHoldBody, LeavesEverythingElseToTheJsonReader) {
    const std::vector<std::string> declined = {
        "",
        "{}",
        R"({ "showId":"s","seatIds":["a"]})",                                 // whitespace
        R"({"seatIds":["a"],"showId":"s"})",                                  // other key order
        R"({"showId":"s","seatIds":["a"],"extra":1})",                        // extra key
        R"({"showId":"s","seatIds":["a"]} )",                                 // trailing bytes
        R"({"showId":"s","seatIds":["a"]}{})",                                // two documents
        R"({"showId":"","seatIds":["a"]})",                                   // empty show (422 from the JSON reader)
        R"({"showId":"s","seatIds":[""]})",                                   // empty seat
        R"({"showId":"s","seatIds":["a\"b"]})",                               // escape
        R"({"showId":"s","seatIds":["a\u0041"]})",                            // unicode escape
        "{\"showId\":\"s\",\"seatIds\":[\"caf\xc3\xa9\"]}",                   // non-ASCII
        "{\"showId\":\"s\",\"seatIds\":[\"a\tb\"]}",                          // control byte
        R"({"showId":"s","seatIds":["a",]})",                                 // trailing comma
        R"({"showId":"s","seatIds":["a"})",                                   // unterminated array
        R"({"showId":"s","seatIds":["a)",                                     // unterminated string
        R"({"showId":1,"seatIds":["a"]})",                                    // wrong type
        R"({"showId":"s","seatIds":[1]})",                                    // wrong type
        R"({"showId":"s","seatIds":"a"})",                                    // not an array
        "{\"showId\":\"s\",\"seatIds\":[" + seats(101) + "]}",                // too many seats (422)
        "{\"showId\":\"" + std::string(65, 'x') + "\",\"seatIds\":[\"a\"]}",  // too long (422)
    };
    for (const auto& body : declined) EXPECT_FALSE(parsePlainHoldBody(body).has_value()) << body;
}

TEST(HoldBody, BestAvailableBodiesAreReadAndChecked) {
    auto pair = parseHoldBody(Json::parse(R"({"showId":"s","quantity":2,"tier":"GOLD"})"));
    ASSERT_TRUE(pair.ok());
    ASSERT_TRUE(pair->pick.has_value());
    EXPECT_EQ(pair->pick->quantity, 2);
    EXPECT_EQ(pair->pick->tier, "GOLD");
    EXPECT_TRUE(pair->pick->section.empty());
    EXPECT_TRUE(pair->pick->adjacent) << "adjacent defaults to true";
    EXPECT_TRUE(pair->seatIds.empty());
    auto apart = parseHoldBody(Json::parse(R"({"showId":"s","quantity":3,"section":"FLOOR","adjacent":false})"));
    ASSERT_TRUE(apart.ok());
    EXPECT_FALSE(apart->pick->adjacent);
    EXPECT_EQ(apart->pick->section, "FLOOR");
    // The plain reader never takes a best-available body: it is left to the JSON reader.
    EXPECT_FALSE(parsePlainHoldBody(R"({"showId":"s","quantity":2})").has_value());
    // The explicit form is unchanged.
    auto explicitSeats = parseHoldBody(Json::parse(R"({"showId":"s","seatIds":["A-1"]})"));
    ASSERT_TRUE(explicitSeats.ok());
    EXPECT_FALSE(explicitSeats->pick.has_value());

    const std::vector<std::pair<std::string, std::string>> refused = {
        {R"({"showId":"s","quantity":0})", "quantity"},
        {R"({"showId":"s","quantity":"2"})", "quantity"},
        {R"({"showId":"s","quantity":2.5})", "quantity"},
        {R"({"showId":"s","quantity":2,"seatIds":["A-1"]})", "quantity"},
        {R"({"showId":"s","quantity":2,"adjacent":"yes"})", "adjacent"},
        {R"({"showId":"s","quantity":2,"tier":""})", "tier"},
        {R"({"showId":"s","seatIds":["A-1"],"tier":"GOLD"})", "tier"},
        {R"({"quantity":2})", "showId"},
    };
    for (const auto& [body, field] : refused) {
        auto r = parseHoldBody(Json::parse(body));
        ASSERT_FALSE(r.ok()) << body;
        bool named = false;
        for (const auto& e : r.error().fields) named = named || e.field == field;
        EXPECT_TRUE(named) << body << " should name " << field;
    }
}

}  // namespace
}  // namespace boxoffice::http
