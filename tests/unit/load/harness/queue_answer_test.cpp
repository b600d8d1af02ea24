// What a queued user reads from the waiting room's answers, and when it asks again.
#include "harness/queue_answer.hpp"

#include <gtest/gtest.h>

namespace boxoffice::load {
namespace {

using std::chrono::milliseconds;

QueueSettings oneToFive() {
    QueueSettings q;
    q.pollMin = milliseconds(1000), q.pollMax = milliseconds(5000);
    return q;
}

TEST(QueueAnswer, ReadsAWaitingPlace) {
    const auto a =
        parseQueueAnswer(R"({"showId":"s","status":"WAITING","preQueue":false,"position":42,"peopleAhead":30,)"
                         R"("estimatedWaitSeconds":3,"queueSize":100,"paused":false,"windowEndsAt":null})");
    ASSERT_TRUE(a);
    EXPECT_EQ(a->status, QueueAnswer::Status::Waiting);
    EXPECT_FALSE(a->preQueue);
    EXPECT_EQ(a->position, 42);
    EXPECT_EQ(a->peopleAhead, 30);
    EXPECT_EQ(a->estimatedWaitSeconds, 3);
    EXPECT_EQ(a->windowEndsAtMs, 0);
}

TEST(QueueAnswer, ReadsAPreQueuePlaceWithoutAPosition) {
    const auto a = parseQueueAnswer(
        R"({"status":"WAITING","preQueue":true,"position":null,"peopleAhead":0,"estimatedWaitSeconds":null})");
    ASSERT_TRUE(a);
    EXPECT_TRUE(a->preQueue);
    EXPECT_EQ(a->position, 0);
    EXPECT_FALSE(a->estimatedWaitSeconds);
}

TEST(QueueAnswer, ReadsAnAdmissionWithItsTokenAndWindow) {
    const auto a = parseQueueAnswer(
        R"({"status":"ADMITTED","preQueue":false,"position":7,"peopleAhead":0,"estimatedWaitSeconds":0,)"
        R"("admissionToken":"abc.def","admissionExpiresAt":"2026-12-04T02:00:30.000Z",)"
        R"("windowEndsAt":"2026-12-04T02:01:00.250Z"})");
    ASSERT_TRUE(a);
    EXPECT_EQ(a->status, QueueAnswer::Status::Admitted);
    EXPECT_EQ(a->admissionToken, "abc.def");
    EXPECT_EQ(a->windowEndsAtMs % 1000, 250);
    EXPECT_GT(a->windowEndsAtMs, 0);
}

TEST(QueueAnswer, AnAdmissionWithoutATokenCountsAsWaitingAndOthersAreRefused) {
    const auto a = parseQueueAnswer(R"({"status":"ADMITTED","position":7})");
    ASSERT_TRUE(a);
    EXPECT_EQ(a->status, QueueAnswer::Status::Waiting);
    const auto e = parseQueueAnswer(R"({"status":"EXPIRED","position":7,"windowEndsAt":"2026-12-04T02:01:00Z"})");
    ASSERT_TRUE(e);
    EXPECT_EQ(e->status, QueueAnswer::Status::Expired);
    EXPECT_FALSE(parseQueueAnswer(R"({"status":"LOST"})"));
    EXPECT_FALSE(parseQueueAnswer(R"({"code":"NOT_FOUND"})"));
    EXPECT_FALSE(parseQueueAnswer("not json"));
}

TEST(QueueAnswer, PollsAfterHalfTheEstimateWithinTheBounds) {
    const auto q = oneToFive();
    QueueAnswer a;
    a.position = 10;
    a.estimatedWaitSeconds = 4;  // half: 2 s, +-10 %
    EXPECT_EQ(nextPollMicros(a, q, 0, 0.5), 2'000'000);
    EXPECT_EQ(nextPollMicros(a, q, 0, 0.0), 1'800'000);
    EXPECT_EQ(nextPollMicros(a, q, 0, 1.0), 2'200'000);
    a.estimatedWaitSeconds = 1;  // half a second is below pollMin
    EXPECT_EQ(nextPollMicros(a, q, 0, 0.5), 1'000'000);
    a.estimatedWaitSeconds = 600;  // ten minutes: capped, not hammered nor forgotten
    EXPECT_EQ(nextPollMicros(a, q, 0, 0.5), 5'000'000);
    a.estimatedWaitSeconds.reset();  // paused: the base interval
    EXPECT_EQ(nextPollMicros(a, q, 0, 0.5), 1'000'000);
}

TEST(QueueAnswer, ThePreQueuePollsJustAfterTheOpening) {
    const auto q = oneToFive();
    QueueAnswer a;
    a.preQueue = true;
    EXPECT_EQ(nextPollMicros(a, q, 3'000'000, 0.0), 3'000'000);
    EXPECT_EQ(nextPollMicros(a, q, 3'000'000, 0.5), 3'500'000);
    EXPECT_EQ(nextPollMicros(a, q, 0, 0.5), 1'000'000);  // opening unknown or past
}

TEST(QueueAnswer, RetryAfterIsHonouredNeverBelowTheBaseInterval) {
    const auto q = oneToFive();
    EXPECT_EQ(retryAfterMicros("3", q, 0.0), 3'000'000);
    EXPECT_EQ(retryAfterMicros("3", q, 0.5), 3'300'000);
    EXPECT_EQ(retryAfterMicros("0", q, 0.0), 1'000'000);
    EXPECT_EQ(retryAfterMicros("", q, 0.0), 1'000'000);
    EXPECT_EQ(retryAfterMicros("soon", q, 0.0), 1'000'000);
}

TEST(QueueAnswer, RefusalsByTheServicesReason) {
    EXPECT_EQ(classifyRefusal(R"({"code":"FORBIDDEN","detail":"admission token required: join the queue"})"),
              AdmissionRefusal::Missing);
    EXPECT_EQ(classifyRefusal(R"({"code":"FORBIDDEN","detail":"admission token expired: ask GET"})"),
              AdmissionRefusal::Expired);
    EXPECT_EQ(classifyRefusal(R"({"code":"FORBIDDEN","detail":"admission token is for another user"})"),
              AdmissionRefusal::Other);
}

}  // namespace
}  // namespace boxoffice::load
