// The fault-injection run's own invariants (loadtest/chaos/chaos_checks): each on a hand-made
// history, clean and with the violation it exists to catch.
#include "chaos_checks.hpp"

#include <gtest/gtest.h>

namespace boxoffice::load::chaos {
namespace {

History twoUsers() {
    History h;
    h.userIds = {"u0", "u1"};
    return h;
}

HoldAck hold(std::uint32_t user, std::string id, std::vector<std::string> seats, std::int64_t sent) {
    HoldAck a;
    a.user = user;
    a.holdId = std::move(id);
    a.seatIds = std::move(seats);
    a.sentUs = sent;
    a.ackUs = sent + 1000;
    return a;
}

ErrorAnswer error(int status, std::int64_t sent, std::int64_t done, bool problem = true, bool retryAfter = true) {
    ErrorAnswer e;
    e.endpoint = Hold;
    e.status = status;
    e.what = status ? "DEPENDENCY_UNAVAILABLE" : "connection reset";
    e.problemJson = problem;
    e.retryAfter = retryAfter;
    e.sentUs = sent;
    e.doneUs = done;
    return e;
}

SeatMap mapOf(std::vector<std::string> ids, std::string letters) {
    SeatMap m;
    m.seatIds = std::move(ids);
    m.statuses = std::move(letters);
    m.seatCount = static_cast<long long>(m.seatIds.size());
    return m;
}

TEST(ChaosChecks, LedgerCarriesAcknowledgedConfirmationsWithTheirTickets) {
    History h = twoUsers();
    h.orders.push_back({0, "o1", "h1", {"A-1", "A-2"}, 10});
    h.orders.push_back({1, "o2", "h2", {"A-3"}, 20});
    h.orders.push_back({1, "o3", "h3", {"A-4"}, 30});
    h.confirms.push_back({0, "o1", {{"t1", "A-1"}, {"t2", "A-2"}}, 40});
    h.expiredTold.push_back("o3");
    const Ledger l = ledgerFrom(h, "show", 10);
    ASSERT_EQ(l.orders.size(), 3u);
    EXPECT_EQ(l.orders[0].lastStatus, "CONFIRMED");
    EXPECT_EQ(l.orders[0].userId, "u0");
    EXPECT_EQ(l.orders[0].tickets.size(), 2u);
    EXPECT_EQ(l.orders[1].lastStatus, "UNKNOWN");
    EXPECT_EQ(l.orders[2].lastStatus, "EXPIRED");
    EXPECT_TRUE(l.faultsInjected);
}

TEST(ChaosChecks, HoldSentAfterAnAcknowledgedSaleOfItsSeatIsAViolation) {
    History h = twoUsers();
    h.holds.push_back(hold(0, "h1", {"A-1"}, 100));
    h.orders.push_back({0, "o1", "h1", {"A-1"}, 200});
    h.confirms.push_back({0, "o1", {{"t1", "A-1"}}, 300});
    // Sent before the confirmation was acknowledged: the service may have raced it; not counted.
    h.holds.push_back(hold(1, "h2", {"A-1", "A-2"}, 250));
    EXPECT_TRUE(checkNoHoldOnAcknowledgedSale(h).violations.empty());

    h.holds.push_back(hold(1, "h3", {"A-2", "A-1"}, 301));
    const auto out = checkNoHoldOnAcknowledgedSale(h);
    ASSERT_EQ(out.violations.size(), 1u);
    EXPECT_EQ(out.violations[0].seats, std::vector<std::string>{"A-1"});
    EXPECT_EQ(out.violations[0].orders, std::vector<std::string>{"h3"});
}

TEST(ChaosChecks, Every5xxMustBeA503ProblemWithRetryAfter) {
    History h;
    h.errors.push_back(error(503, 1, 2));
    h.errors.push_back(error(0, 1, 2, false, false));  // a lost answer has no body to judge
    EXPECT_TRUE(checkErrorsAre503Problems(h).violations.empty());
    h.errors.push_back(error(500, 1, 2));
    h.errors.push_back(error(503, 1, 2, false, true));
    h.errors.push_back(error(503, 1, 2, true, false));
    const auto out = checkErrorsAre503Problems(h);
    ASSERT_EQ(out.violations.size(), 1u);
    EXPECT_NE(out.violations[0].message.find("3 5xx answers"), std::string::npos) << out.violations[0].message;
}

TEST(ChaosChecks, ErrorsCountOnlyInsideTheFaultWindowPlusGrace) {
    History h;
    const FaultWindow w{1'000'000, 4'000'000};
    h.errors.push_back(error(503, 900'000, 1'100'000));  // in flight when the fault hit
    h.errors.push_back(error(0, 5'500'000, 8'000'000));  // sent within the grace, timed out later
    EXPECT_TRUE(checkNoErrorsOutsideWindow(h, w, 2'000'000).violations.empty());

    h.errors.push_back(error(503, 500'000, 900'000));      // before the fault
    h.errors.push_back(error(503, 6'100'000, 6'200'000));  // after the grace
    const auto out = checkNoErrorsOutsideWindow(h, w, 2'000'000);
    ASSERT_EQ(out.violations.size(), 1u);
    EXPECT_NE(out.violations[0].message.find("2 errors outside"), std::string::npos) << out.violations[0].message;

    // Without a fault, any error is outside.
    History quiet;
    quiet.errors.push_back(error(503, 10, 20));
    EXPECT_EQ(checkNoErrorsOutsideWindow(quiet, FaultWindow{}, 2'000'000).violations.size(), 1u);
}

TEST(ChaosChecks, KeysMustEndOnARealAnswerAndNoneStayInProgress) {
    History h;
    KeyChain ok;
    ok.key = "u0-order-1";
    ok.attempts = 3;
    ok.definitive = true;
    ok.finalStatus = 201;
    h.chains.push_back(ok);
    EXPECT_TRUE(checkKeysAnswered(h, {}).violations.empty());

    KeyChain stuck = ok;
    stuck.key = "u0-confirm-2";
    stuck.definitive = false;
    stuck.finalStatus = 409;
    stuck.inProgressAnswers = 40;
    h.chains.push_back(stuck);
    const auto out = checkKeysAnswered(h, {{"u0", "u0-confirm-2"}});
    ASSERT_EQ(out.violations.size(), 2u);
    EXPECT_NE(out.violations[0].message.find("u0-confirm-2"), std::string::npos);
    EXPECT_NE(out.violations[1].message.find("status_code NULL"), std::string::npos);
}

TEST(ChaosChecks, SeatMapSoldLettersMustBeExactlyTheConfirmedSeats) {
    const SeatMap m = mapOf({"A-1", "A-2", "A-3", "A-4"}, "SHAA");
    EXPECT_TRUE(checkSeatMapSoldExactly(m, {"A-1"}, {"A-1"}).violations.empty());
    // Confirmed after the map was read: not yet expected to be sold.
    EXPECT_TRUE(checkSeatMapSoldExactly(m, {"A-1"}, {"A-1", "A-3"}).violations.empty());

    // A sold seat shown available (the store lost it), and a sold letter nobody bought.
    const auto lost = checkSeatMapSoldExactly(m, {"A-1", "A-3"}, {"A-1", "A-3"});
    ASSERT_EQ(lost.violations.size(), 1u);
    EXPECT_EQ(lost.violations[0].seats, std::vector<std::string>{"A-3"});
    EXPECT_NE(lost.violations[0].message.find("A-3=A"), std::string::npos);
    const auto phantom = checkSeatMapSoldExactly(m, {}, {});
    ASSERT_EQ(phantom.violations.size(), 1u);
    EXPECT_EQ(phantom.violations[0].seats, std::vector<std::string>{"A-1"});
}

TEST(ChaosChecks, AHeldLetterOutsideAPendingOrderIsStranded) {
    ServerState db;
    ServerOrder pending;
    pending.orderId = "o1";
    pending.status = "PAYMENT_PENDING";
    pending.seatIds = {"A-2"};
    db.orders["o1"] = pending;
    EXPECT_TRUE(checkNoStrandedHolds(mapOf({"A-1", "A-2"}, "AH"), db).violations.empty());
    const auto out = checkNoStrandedHolds(mapOf({"A-1", "A-2"}, "HH"), db);
    ASSERT_EQ(out.violations.size(), 1u);
    EXPECT_EQ(out.violations[0].seats, std::vector<std::string>{"A-1"});
}

TEST(ChaosChecks, RecoveryTimes) {
    History h;
    h.holds.push_back(hold(0, "h1", {"A-1"}, 900));    // sent before the restore
    h.holds.push_back(hold(0, "h2", {"A-2"}, 2'500));  // acked at 3'500
    h.holds.push_back(hold(0, "h3", {"A-3"}, 2'100));  // acked at 3'100: the first
    EXPECT_EQ(firstHoldAfter(h, 2'000), std::optional<std::int64_t>(1'100));
    EXPECT_EQ(firstHoldAfter(h, 10'000), std::nullopt);

    // Agreement counts from the start of the last unbroken agreeing run.
    const std::vector<AgreementSample> s{{1'000, true}, {2'000, false}, {3'000, true}, {4'000, true}};
    EXPECT_EQ(agreedAfter(s, 500), std::optional<std::int64_t>(2'500));
    EXPECT_EQ(agreedAfter({{1'000, true}, {2'000, false}}, 0), std::nullopt);
    EXPECT_EQ(agreedAfter({}, 0), std::nullopt);
}

TEST(ChaosChecks, AnOrderOnALiveHoldMustNotBeRefused) {
    History h;
    h.orders.push_back({0, "o1", "h1", {"A-1"}, 10});
    OrderRefusal late;
    late.holdId = "h2";
    late.status = 409;
    late.code = "HOLD_NOT_ACTIVE";
    late.attempts = 4;
    late.holdSentUs = 1'000'000;
    late.sentUs = 4'900'000;  // the hold (4 s TTL) may have expired already: not counted
    h.ordersRefused.push_back(late);
    EXPECT_TRUE(checkOrdersOnLiveHoldsAccepted(h, 4'000'000, 250'000).violations.empty());

    OrderRefusal stalled = late;  // sent on a live hold, answered once it had expired: the truth
    stalled.holdId = "h4";
    stalled.sentUs = 2'000'000;
    stalled.answeredUs = 4'900'000;
    h.ordersRefused.push_back(stalled);
    EXPECT_TRUE(checkOrdersOnLiveHoldsAccepted(h, 4'000'000, 250'000).violations.empty());

    OrderRefusal burnt = late;  // the retry after a 503, 1 s into the hold's life
    burnt.holdId = "h3";
    burnt.sentUs = 2'000'000;
    burnt.answeredUs = 2'010'000;
    h.ordersRefused.push_back(burnt);
    const auto out = checkOrdersOnLiveHoldsAccepted(h, 4'000'000, 250'000);
    ASSERT_EQ(out.violations.size(), 1u);
    EXPECT_EQ(out.violations[0].orders, std::vector<std::string>{"h3"});
    EXPECT_NE(out.violations[0].message.find("HOLD_NOT_ACTIVE on a retry"), std::string::npos)
        << out.violations[0].message;

    // A Redis that came back without its data took holds granted before the restore with it.
    EXPECT_TRUE(checkOrdersOnLiveHoldsAccepted(h, 4'000'000, 250'000, 1'500'000).violations.empty());
    EXPECT_EQ(checkOrdersOnLiveHoldsAccepted(h, 4'000'000, 250'000, 500'000).violations.size(), 1u);
}

TEST(ChaosChecks, HoldsMustNotFailWhenOnlyPostgresIsFaulty) {
    History h;
    h.holds.push_back(hold(0, "h1", {"A-1"}, 10));
    ErrorAnswer order = error(503, 1, 2);
    order.endpoint = Order;
    h.errors.push_back(order);
    EXPECT_TRUE(checkHoldsWithoutPostgres(h).violations.empty());
    h.errors.push_back(error(503, 3, 4));
    EXPECT_EQ(checkHoldsWithoutPostgres(h).violations.size(), 1u);
}

TEST(ChaosChecks, LatenciesDuringTheFaultCountOnlyRequestsSentWhileItLasted) {
    History h;
    h.timings.push_back({Hold, 201, 500, 1'500});       // before the fault
    h.timings.push_back({Hold, 503, 2'000, 502'000});   // 500 ms
    h.timings.push_back({Hold, 201, 3'000, 4'000});     // 1 ms
    h.timings.push_back({Order, 0, 9'000, 3'009'000});  // lost, 3 s
    h.timings.push_back({Order, 201, 20'000, 21'000});  // after the restore
    const auto lines = latenciesDuring(h, FaultWindow{1'000, 10'000});
    ASSERT_EQ(lines.size(), 2u);
    EXPECT_NE(lines[0].find("hold x2 (1 failed)"), std::string::npos) << lines[0];
    EXPECT_NE(lines[0].find("max 500 ms"), std::string::npos) << lines[0];
    EXPECT_NE(lines[1].find("order x1 (1 failed)"), std::string::npos) << lines[1];
    EXPECT_TRUE(latenciesDuring(h, FaultWindow{}).empty());
}

TEST(ChaosChecks, FailFastLimitsHoldsAndSeatMapReadsDuringTheFault) {
    History h;
    const FaultWindow w{1'000, 10'000'000};
    h.timings.push_back({Hold, 503, 2'000, 502'000});
    h.timings.push_back({Availability, 200, 3'000, 13'000});
    h.timings.push_back({Order, 201, 4'000, 3'004'000});  // orders may wait on the database
    EXPECT_TRUE(checkFailFast(h, w, 600'000).violations.empty());
    h.timings.push_back({Availability, 200, 5'000, 2'905'000});  // queued behind a frozen Redis
    const auto out = checkFailFast(h, w, 600'000);
    ASSERT_EQ(out.violations.size(), 1u);
    EXPECT_NE(out.violations[0].message.find("availability"), std::string::npos) << out.violations[0].message;
    EXPECT_TRUE(checkFailFast(h, FaultWindow{}, 600'000).skipped);
}

}  // namespace
}  // namespace boxoffice::load::chaos
