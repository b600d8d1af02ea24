// The one sqlstate table (storage/sql/sql_errors.hpp): what each PostgreSQL failure becomes for
// the client, without a server (the integration tests meet the same states from a real one).
#include "storage/sql/sql_errors.hpp"

#include <gtest/gtest.h>

namespace {

using boxoffice::ErrorCode;
using boxoffice::sql::fromPostgresState;

TEST(SqlErrors, DeadlockAndSerializationFailureAreRetryable503sNotInternalErrors) {
    for (const char* state : {"40P01", "40001"}) {
        const auto e = fromPostgresState(state, "ERROR:  deadlock detected", false);
        EXPECT_EQ(e.code, ErrorCode::DependencyUnavailable) << state;
        EXPECT_EQ(e.detail, "database busy; retry") << state;
        EXPECT_NE(e.internal.find("deadlock detected"), std::string::npos) << state;
        EXPECT_TRUE(boxoffice::sql::isPgConflictAbortSqlstate(state));
    }
}

TEST(SqlErrors, EachStateKeepsItsMeaning) {
    EXPECT_EQ(fromPostgresState("08006", "gone", false).code, ErrorCode::DependencyUnavailable);
    EXPECT_EQ(fromPostgresState("57P01", "admin shutdown", false).code, ErrorCode::DependencyUnavailable);
    EXPECT_EQ(fromPostgresState("53300", "too many", false).code, ErrorCode::DependencyUnavailable);
    EXPECT_EQ(fromPostgresState("57014", "canceled", false).code, ErrorCode::DependencyTimeout);
    EXPECT_EQ(fromPostgresState("55P03", "lock timeout", false).code, ErrorCode::DependencyTimeout);
    EXPECT_EQ(fromPostgresState("23505", "dup", false).code, ErrorCode::Conflict);
    EXPECT_EQ(fromPostgresState("23514", "check", false).code, ErrorCode::ValidationFailed);
    EXPECT_EQ(fromPostgresState("42P01", "no such table", false).code, ErrorCode::Internal);
    EXPECT_EQ(fromPostgresState("42P01", "no such table", true).code, ErrorCode::DependencyUnavailable);
    EXPECT_FALSE(boxoffice::sql::isPgConflictAbortSqlstate("23505"));
}

TEST(SqlErrors, ConstraintsAreTypedBySqlstateNeverByTheirWords) {
    using boxoffice::StoreFault;
    EXPECT_TRUE(fromPostgresState("23505", "duplicate key", false).is(StoreFault::UniqueViolation));
    EXPECT_TRUE(fromPostgresState("23503", "foreign key", false).is(StoreFault::ForeignKeyViolation));
    EXPECT_TRUE(fromPostgresState("23514", "check", false).is(StoreFault::CheckViolation));
    // A message that says so is not a unique violation: a raised exception (P0001), a lost
    // connection during one, or an Error whose log text happens to start that way.
    const auto raised = fromPostgresState("P0001", "unique_violation: duplicate key value", false);
    EXPECT_EQ(raised.fault, StoreFault::None);
    EXPECT_EQ(raised.code, ErrorCode::Internal);
    EXPECT_EQ(fromPostgresState("23505", "unique_violation", true).fault, StoreFault::None);
    EXPECT_EQ(boxoffice::Error::of(ErrorCode::Conflict, "x", "unique_violation: y").fault, StoreFault::None);
}

}  // namespace
