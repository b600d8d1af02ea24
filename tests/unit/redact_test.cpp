#include "util/redact.hpp"

#include <gtest/gtest.h>

namespace boxoffice::util {
namespace {

TEST(Redact, ScrubsSecretsAndPersonalData) {
    const std::string in =
        "insert failed: Failing row contains (o1, bob@example.com, +33 6 12, psp-123); "
        "url postgresql://app:hunter2@db:5432/x; Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.sig; "
        "mail alice@example.org; password=s3cret&x=1";
    const std::string out = redactSecrets(in);
    for (const char* leaked :
         {"bob@example.com", "psp-123", "+33 6 12", "hunter2", "eyJhbGciOiJIUzI1NiJ9", "alice@example.org", "s3cret"})
        EXPECT_EQ(out.find(leaked), std::string::npos) << leaked << " in " << out;
    EXPECT_NE(out.find("insert failed"), std::string::npos);
    EXPECT_NE(out.find("postgresql://app:[redacted]@db"), std::string::npos) << out;
}

TEST(Redact, LeavesOrdinaryMessagesAlone) {
    EXPECT_EQ(redactSecrets("redis pool exhausted: no free connection within 500 ms"),
              "redis pool exhausted: no free connection within 500 ms");
}

TEST(TraceParent, AcceptsOnlyValidW3cValues) {
    EXPECT_EQ(traceIdOf(std::string("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01")),
              "4bf92f3577b34da6a3ce929d0e0e4736");
    EXPECT_FALSE(traceIdOf(std::nullopt));
    EXPECT_FALSE(traceIdOf(std::string("00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01")));  // upper case
    EXPECT_FALSE(traceIdOf(std::string("00-00000000000000000000000000000000-00f067aa0ba902b7-01")));  // zero trace
    EXPECT_FALSE(traceIdOf(std::string("00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01")));  // zero parent
    EXPECT_FALSE(traceIdOf(std::string("ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01")));  // version ff
    EXPECT_FALSE(traceIdOf(std::string("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7")));     // short
    EXPECT_FALSE(traceIdOf(std::string("00_4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01")));
}

}  // namespace
}  // namespace boxoffice::util
