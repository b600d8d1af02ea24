#include <gtest/gtest.h>

#include <string>

#include "domain/result.hpp"

namespace boxoffice {
namespace {

TEST(Result, HoldsAValueOrAnError) {
    Result<int> ok = 42;
    ASSERT_TRUE(ok.ok());
    EXPECT_EQ(*ok, 42);

    Result<int> bad = Error::notFound("show");
    ASSERT_FALSE(bad.ok());
    EXPECT_EQ(bad.error().code, ErrorCode::NotFound);
    EXPECT_EQ(bad.error().detail, "show not found");
}

TEST(Result, VoidResult) {
    Result<void> ok;
    EXPECT_TRUE(ok.ok());
    Result<void> bad = Error::validation("name", "is required");
    ASSERT_FALSE(bad.ok());
    EXPECT_EQ(bad.error().fields.size(), 1u);
    EXPECT_EQ(bad.error().fields[0].field, "name");
}

TEST(Error, ValidationDetailNamesFirstFieldAndCount) {
    Error e = Error::validation(std::vector<FieldError>{{"a", "bad"}, {"b", "worse"}});
    EXPECT_EQ(e.code, ErrorCode::ValidationFailed);
    EXPECT_EQ(e.detail, "a: bad (and 1 more)");
}

}  // namespace
}  // namespace boxoffice
