// The waiting room's checks on hand-made ledgers: a queue honoured in order passes; holds sent or
// granted without an admission, a position told twice or changed, and admissions out of order
// (by the service's times beyond a call's duration, and by the answers) are each caught and named.
#include <gtest/gtest.h>

#include "verifier/checks.hpp"

namespace boxoffice::load {
namespace {

bool mentions(const CheckOutput& out, const std::string& part) {
    for (const auto& v : out.violations)
        if (v.message.find(part) != std::string::npos) return true;
    return false;
}

class QueueChecks : public ::testing::Test {
protected:
    // Three users in line, admitted one second apart in the order of their positions; each was
    // last told WAITING (sent) before the one ahead was told ADMITTED.
    void SetUp() override {
        queue.gated = true;
        queue.places = {place("ann", 1, 61'000, 1'000'000, 500'000), place("bea", 2, 62'000, 2'000'000, 1'500'000),
                        place("cal", 3, 63'000, 3'000'000, 2'500'000)};
        queue.holdsSent = 5, queue.holdsGranted = 3;
    }
    static SeenQueuePlace place(const std::string& user, long long position, long long windowEnds,
                                std::int64_t admittedSeen, std::int64_t lastWaitingSent) {
        SeenQueuePlace p;
        p.userId = user;
        p.position = position;
        p.windowEndsAtMs = windowEnds;
        p.admittedSeenMicros = admittedSeen;
        p.lastWaitingSentMicros = lastWaitingSent;
        return p;
    }
    QueueLedger queue;
};

TEST_F(QueueChecks, AQueueHonouredInOrderPasses) {
    const auto holds = checkHoldsCarriedAdmission(queue);
    EXPECT_FALSE(holds.skipped);
    EXPECT_TRUE(holds.violations.empty());
    EXPECT_NE(holds.detail.find("5 holds sent"), std::string::npos) << holds.detail;
    const auto stable = checkQueuePlacesStable(queue);
    EXPECT_FALSE(stable.skipped);
    EXPECT_TRUE(stable.violations.empty());
    const auto order = checkQueueAdmittedInOrder(queue);
    EXPECT_FALSE(order.skipped);
    EXPECT_TRUE(order.violations.empty()) << order.violations[0].message;
    EXPECT_NE(order.detail.find("3 of 3"), std::string::npos) << order.detail;
}

TEST_F(QueueChecks, AShowWithoutARoomSkipsThem) {
    queue.gated = false;
    EXPECT_TRUE(checkHoldsCarriedAdmission(queue).skipped);
    EXPECT_TRUE(checkQueuePlacesStable(queue).skipped);
    EXPECT_TRUE(checkQueueAdmittedInOrder(queue).skipped);
}

TEST_F(QueueChecks, NobodyToldAPositionIsSkippedNotPassed) {
    for (auto& p : queue.places) p.position = 0;
    EXPECT_TRUE(checkQueuePlacesStable(queue).skipped);
    EXPECT_TRUE(checkQueueAdmittedInOrder(queue).skipped);
}

TEST_F(QueueChecks, HoldsSentWithoutAnAdmissionAreViolationsEvenWhenPlanted) {
    queue.holdsSentWithoutAdmission = 2;
    queue.plantedWithoutAdmission = 2;
    queue.refusedMissing = 2;
    const auto out = checkHoldsCarriedAdmission(queue);
    ASSERT_EQ(out.violations.size(), 1u);
    EXPECT_TRUE(mentions(out, "2 hold request(s)"));
    EXPECT_TRUE(mentions(out, "2 planted"));
    EXPECT_NE(out.detail.find("2 missing"), std::string::npos) << out.detail;
}

TEST_F(QueueChecks, AHoldGrantedWithoutAnAdmissionIsTheGateFailing) {
    queue.holdsSentWithoutAdmission = 1;
    queue.holdsGrantedWithoutAdmission = 1;
    const auto out = checkHoldsCarriedAdmission(queue);
    ASSERT_EQ(out.violations.size(), 2u);
    EXPECT_TRUE(mentions(out, "the service granted 1 hold(s) sent without an admission"));
}

TEST_F(QueueChecks, APositionToldTwiceOrChangedIsCaught) {
    queue.places[2].position = 2;  // cal told bea's place
    queue.places[0].positionChanged = true;
    queue.places[0].otherPosition = 7;
    const auto out = checkQueuePlacesStable(queue);
    ASSERT_EQ(out.violations.size(), 2u);
    EXPECT_TRUE(mentions(out, "bea and cal at 2"));
    EXPECT_TRUE(mentions(out, "ann: 1 then 7"));
}

TEST_F(QueueChecks, AnAdmissionBeforeSomeoneAheadIsCaughtByTheServicesTimes) {
    // cal (3) admitted at 61.5 s, before bea (2) at 62 s; the answers alone do not show it.
    queue.places[2].windowEndsAtMs = 61'500;
    const auto out = checkQueueAdmittedInOrder(queue);
    ASSERT_EQ(out.violations.size(), 1u);
    EXPECT_TRUE(mentions(out, "bea (2) admitted 500 ms after cal (3)"));
    EXPECT_TRUE(mentions(out, "1 user(s) admitted after someone who was behind them"));
}

TEST_F(QueueChecks, AnyAdmissionTimeLaterThanSomeonesBehindIsAnInversion) {
    // The queue store's time never moves back, so even 1 ms of disorder is someone let in out of
    // turn: no tolerance for a call's duration any more.
    queue.places[2].windowEndsAtMs = 61'970;
    auto out = checkQueueAdmittedInOrder(queue);
    ASSERT_EQ(out.violations.size(), 1u);
    EXPECT_TRUE(mentions(out, "bea (2) admitted 30 ms after cal (3)"));
    queue.places[2].windowEndsAtMs = 61'999;
    out = checkQueueAdmittedInOrder(queue);
    ASSERT_EQ(out.violations.size(), 1u);
    EXPECT_TRUE(mentions(out, "bea (2) admitted 1 ms after cal (3)"));
}

TEST_F(QueueChecks, AUserToldToWaitAfterSomeoneBehindWasAdmittedIsCaughtByTheAnswers) {
    // ann (1) was told WAITING in answer to a request sent at 2.5 s; bea (2) had been told
    // ADMITTED at 2 s. ann was admitted in the end, and the service's times are in order.
    queue.places[0].lastWaitingSentMicros = 2'500'000;
    queue.places[0].admittedSeenMicros = 2'600'000;
    const auto out = checkQueueAdmittedInOrder(queue);
    ASSERT_EQ(out.violations.size(), 1u);
    EXPECT_TRUE(mentions(out, "ann (1) still waiting 500 ms after bea (2) was admitted"));
}

TEST_F(QueueChecks, SomeoneNeverAdmittedWhileOthersBehindGotInIsCaught) {
    queue.places[0].windowEndsAtMs = 0;  // ann never admitted
    queue.places[0].admittedSeenMicros = -1;
    queue.places[0].lastWaitingSentMicros = 4'000'000;  // still waiting after both behind were let in
    const auto out = checkQueueAdmittedInOrder(queue);
    ASSERT_EQ(out.violations.size(), 1u);
    EXPECT_TRUE(mentions(out, "ann (1) still waiting"));
    EXPECT_NE(out.detail.find("2 of 3"), std::string::npos) << out.detail;
}

TEST_F(QueueChecks, UsersAdmittedInTheSameCallAreInOrder) {
    for (auto& p : queue.places) p.windowEndsAtMs = 61'000;
    EXPECT_TRUE(checkQueueAdmittedInOrder(queue).violations.empty());
}

}  // namespace
}  // namespace boxoffice::load
