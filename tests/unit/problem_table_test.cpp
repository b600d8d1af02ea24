#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <set>

#include "http/problem.hpp"

namespace boxoffice::http {
namespace {

TEST(ProblemTable, EveryErrorCodeHasADistinctMapping) {
    std::set<std::string_view> codes;
    for (ErrorCode c : kAllErrorCodes) {
        ErrorSpec spec = errorSpec(c);
        EXPECT_GE(spec.status, 400);
        EXPECT_LT(spec.status, 600);
        EXPECT_FALSE(spec.code.empty());
        EXPECT_FALSE(spec.title.empty());
        EXPECT_TRUE(codes.insert(spec.code).second) << "duplicate machine code " << spec.code;
    }
    // kAllErrorCodes must list every enumerator: Internal is the last one.
    EXPECT_EQ(static_cast<int>(kAllErrorCodes[std::size(kAllErrorCodes) - 1]), static_cast<int>(ErrorCode::Internal));
    EXPECT_EQ(std::size(kAllErrorCodes), static_cast<std::size_t>(ErrorCode::Internal) + 1);
}

TEST(ProblemTable, OnlyInternalIs5xxAmongClientMistakes) {
    for (ErrorCode c : {ErrorCode::MalformedJson, ErrorCode::ValidationFailed, ErrorCode::InvalidParameter,
                        ErrorCode::NotFound, ErrorCode::PayloadTooLarge, ErrorCode::SeatsUnavailable,
                        ErrorCode::IdempotencyKeyReused, ErrorCode::UnsupportedMediaType})
        EXPECT_LT(errorSpec(c).status, 500);
    EXPECT_EQ(errorSpec(ErrorCode::SeatsUnavailable).code, "SEATS_UNAVAILABLE");
    EXPECT_EQ(errorSpec(ErrorCode::SaleNotOpen).status, 409);
}

TEST(Problem, BodyHasTheProblemFieldsAndHidesInternals) {
    Error e = Error::validation("layout.sections[0].name", "must not be empty");
    e.internal = "secret stack trace";
    Response r = problem(e, "req-1");
    EXPECT_EQ(r.status, 422);
    EXPECT_EQ(r.contentType, "application/problem+json");
    auto j = nlohmann::json::parse(r.body);
    EXPECT_EQ(j["status"], 422);
    EXPECT_EQ(j["code"], "VALIDATION_FAILED");
    EXPECT_EQ(j["requestId"], "req-1");
    EXPECT_TRUE(j.contains("type"));
    EXPECT_TRUE(j.contains("title"));
    EXPECT_EQ(j["errors"][0]["field"], "layout.sections[0].name");
    EXPECT_EQ(r.body.find("secret"), std::string::npos);

    Response internal = problem(Error::internalError("boom: e.what()"), "req-2");
    EXPECT_EQ(internal.status, 500);
    EXPECT_EQ(internal.body.find("boom"), std::string::npos);
}

}  // namespace
}  // namespace boxoffice::http

namespace boxoffice::http {
namespace {

// problem() writes plain bodies itself; they must be byte for byte what the JSON tree gives.
TEST(Problem, FastBodyIsByteForByteTheJsonTreeBody) {
    std::vector<Error> cases;
    for (ErrorCode c : kAllErrorCodes) {
        cases.push_back(Error{c, "", {}, {}, {}, {}});
        cases.push_back(Error{c, "2 of the seats are held or sold by someone else", {}, {}, "internal", {}});
    }
    Error taken{ErrorCode::SeatsUnavailable, "2 of the seats are held or sold by someone else", {}, {}, {}, {}};
    taken.subjects = {"FLOOR1-A-1", "FLOOR1-A-2"};
    cases.push_back(taken);
    cases.push_back(Error::validation({{"seatIds[0]", "no seat 'X-1' in this show"}, {"showId", "is required"}}));
    // Strings that need escaping or UTF-8 handling take the JSON tree; the result is the same.
    cases.push_back(Error{ErrorCode::NotFound, "quote \" backslash \\ newline \n tab \t", {}, {}, {}, {}});
    cases.push_back(Error{ErrorCode::NotFound, "caf\xc3\xa9 and a bad byte \xff here", {}, {}, {}, {}});
    cases.push_back(Error::validation("seatIds[1]", "seat '\x01\x7f' is listed twice"));
    Error odd{ErrorCode::SeatsUnavailable, "x", {}, {}, {}, {}};
    odd.subjects = {"A\"B", "plain"};
    cases.push_back(odd);
    for (const Error& e : cases) {
        for (std::string_view rid : {"0123456789abcdef0123456789abcdef", "", "r\"id"}) {
            const Response r = problem(e, rid);
            EXPECT_EQ(r.body, problemBody(e, rid)) << e.detail;
            EXPECT_TRUE(nlohmann::json::accept(r.body)) << r.body;
        }
    }
}

}  // namespace
}  // namespace boxoffice::http

namespace boxoffice::http {
namespace {

TEST(Problem, CheckInProblemsAre409AndCarryTheFirstScan) {
    EXPECT_EQ(errorSpec(ErrorCode::AlreadyCheckedIn).status, 409);
    EXPECT_EQ(errorSpec(ErrorCode::AlreadyCheckedIn).code, "ALREADY_CHECKED_IN");
    EXPECT_EQ(errorSpec(ErrorCode::TicketVoid).status, 409);
    EXPECT_EQ(errorSpec(ErrorCode::TicketVoid).code, "TICKET_VOID");
    Error e = Error::of(ErrorCode::AlreadyCheckedIn, "checked in before");
    e.extensions = {{"checkedInAt", "2026-12-03T20:01:02.000Z"}, {"gate", "north"}, {"status", "not me"}};
    auto j = nlohmann::json::parse(problem(e, "r-1").body);
    EXPECT_EQ(j["checkedInAt"], "2026-12-03T20:01:02.000Z");
    EXPECT_EQ(j["gate"], "north");
    EXPECT_EQ(j["status"], 409) << "an extension never overrides a standard member";
    EXPECT_EQ(j["code"], "ALREADY_CHECKED_IN");
}

}  // namespace
}  // namespace boxoffice::http
