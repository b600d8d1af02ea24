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
