#pragma once
// What every error answer of the service is (README "Errors"): the status, an
// application/problem+json body with the named code, its status, type, title and detail, and the
// security headers every answer carries.
#include <gtest/gtest.h>

#include <string>

#include <nlohmann/json.hpp>

#include "support/http_client.hpp"

namespace boxoffice::testing {

inline void expectProblem(const HttpResult& r, int status, const std::string& code) {
    EXPECT_EQ(r.status, status) << r.body;
    EXPECT_EQ(r.header("content-type"), "application/problem+json") << r.body;
    auto j = nlohmann::json::parse(r.body, nullptr, false);
    ASSERT_FALSE(j.is_discarded()) << r.body;
    EXPECT_EQ(j.value("code", ""), code) << r.body;
    EXPECT_EQ(j.value("status", 0), status) << r.body;
    EXPECT_TRUE(j.contains("type") && j.contains("title") && j.contains("detail")) << r.body;
    EXPECT_EQ(r.header("x-content-type-options"), "nosniff");
}

}  // namespace boxoffice::testing
