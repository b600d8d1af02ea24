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

}  // namespace
}  // namespace boxoffice::http
