// The verifier's comparisons on hand-made states: each broken invariant is caught and names the
// seats and orders involved; a clean sale passes.
#include <gtest/gtest.h>

#include <algorithm>

#include "verifier/checks.hpp"

namespace boxoffice::load {
namespace {

bool names(const std::vector<std::string>& list, const std::string& x) {
    return std::find(list.begin(), list.end(), x) != list.end();
}

class Checks : public ::testing::Test {
protected:
    void SetUp() override {
        ledger.showId = "show";
        ledger.seatsOnSale = 4;
        ledger.seatsWanted = 3;
        ledger.tokenOf = {{"alice", "ta"}, {"bob", "tb"}};
        ledger.orders.push_back(
            {"o1", "alice", {"S-A-1", "S-A-2"}, "CONFIRMED", {{"T-1", "S-A-1"}, {"T-2", "S-A-2"}}, false});
        ledger.orders.push_back({"o2", "bob", {"S-A-3"}, "CANCELLED", {}, false});
        ledger.responses = {{"POST /v1/holds 201", 2}, {"POST /v1/orders/{id}/confirm-payment 200", 1}};

        state.source = "db";
        state.nowMs = 100000;
        state.orders["o1"] = {"o1",
                              "alice",
                              "CONFIRMED",
                              {"S-A-1", "S-A-2"},
                              {{"T-1", "o1", "S-A-1", "alice"}, {"T-2", "o1", "S-A-2", "alice"}},
                              50000,
                              std::vector<std::string>{"S-A-1", "S-A-2"}};
        state.orders["o2"] = {"o2", "bob", "CANCELLED", {"S-A-3"}, {}, 50000, std::vector<std::string>{}};
        state.tickets = state.orders["o1"].tickets;

        map.seatIds = {"S-A-1", "S-A-2", "S-A-3", "S-A-4"};
        map.statuses = "SSAA";
        map.countSold = 2;
        map.countAvailable = 2;
        map.seatCount = 4;
    }
    Ledger ledger;
    ServerState state;
    SeatMap map;
};

TEST_F(Checks, ACleanSalePassesEveryCheck) {
    EXPECT_TRUE(checkServerErrors(ledger).violations.empty());
    EXPECT_TRUE(checkNoSeatInTwoActiveOrders(state).violations.empty());
    EXPECT_TRUE(checkConfirmedWithinSupply(state, ledger.seatsOnSale).violations.empty());
    EXPECT_TRUE(checkCreatedOrdersExist(ledger, state).violations.empty());
    EXPECT_TRUE(checkConfirmedOrdersAsTold(ledger, state).violations.empty());
    EXPECT_TRUE(checkTicketsBelongToConfirmedOrders(state).violations.empty());
    EXPECT_TRUE(checkNoUnknownConfirmedOrders(ledger, state).violations.empty());
    EXPECT_TRUE(checkNoOverduePendingOrders(state, std::chrono::milliseconds(5000)).violations.empty());
    EXPECT_TRUE(checkActiveFlags(state).violations.empty());
    EXPECT_TRUE(checkSeatMapConsistent(map, ledger, 4).violations.empty());
    EXPECT_TRUE(checkSeatMapMatchesOrders(map, state).violations.empty());
    EXPECT_TRUE(checkNoStrandedCapacity(map, state).violations.empty());
    EXPECT_TRUE(checkLedgerCounts(map, ledger).violations.empty());
    EXPECT_TRUE(checkSoldOut(map, ledger).skipped) << "demand did not exceed supply";
}

TEST_F(Checks, ASeatInTwoActiveOrdersNamesTheSeatAndBothOrders) {
    state.orders["o3"] = {"o3", "bob", "PAYMENT_PENDING", {"S-A-2"}, {}, 150000, std::vector<std::string>{"S-A-2"}};
    const auto out = checkNoSeatInTwoActiveOrders(state);
    ASSERT_EQ(out.violations.size(), 1u);
    EXPECT_EQ(out.violations[0].seats, std::vector<std::string>{"S-A-2"});
    EXPECT_EQ(out.violations[0].orders, (std::vector<std::string>{"o1", "o3"}));
    // Only the guard's flag set (the status says otherwise) still counts as active.
    state.orders["o3"].status = "EXPIRED";
    EXPECT_EQ(checkNoSeatInTwoActiveOrders(state).violations.size(), 1u);
    EXPECT_EQ(checkActiveFlags(state).violations.size(), 1u);
}

TEST_F(Checks, ConfirmedOrdersMustBeAsTold) {
    state.orders["o1"].status = "EXPIRED";
    auto out = checkConfirmedOrdersAsTold(ledger, state);
    ASSERT_FALSE(out.violations.empty());
    EXPECT_TRUE(names(out.violations[0].orders, "o1"));
    state.orders["o1"].status = "CONFIRMED";
    state.orders["o1"].tickets[1].ticketCode = "T-9";
    out = checkConfirmedOrdersAsTold(ledger, state);
    ASSERT_EQ(out.violations.size(), 1u);
    EXPECT_NE(out.violations[0].message.find("T-9@S-A-2"), std::string::npos) << out.violations[0].message;
    state.orders.erase("o1");
    EXPECT_EQ(checkConfirmedOrdersAsTold(ledger, state).violations.size(), 1u);
    EXPECT_EQ(checkCreatedOrdersExist(ledger, state).violations.size(), 1u);
}

TEST_F(Checks, ATicketWithoutAConfirmedOrderIsCaught) {
    state.tickets.push_back({"T-3", "o2", "S-A-3", "bob"});
    const auto out = checkTicketsBelongToConfirmedOrders(state);
    ASSERT_EQ(out.violations.size(), 1u);
    EXPECT_EQ(out.violations[0].seats, std::vector<std::string>{"S-A-3"});
    EXPECT_EQ(out.violations[0].orders, std::vector<std::string>{"o2"});
    // And a confirmed order missing a ticket.
    state.tickets = {state.tickets[0]};
    EXPECT_EQ(checkTicketsBelongToConfirmedOrders(state).violations.size(), 1u);
}

TEST_F(Checks, AConfirmedOrderNoClientWasToldAboutIsCaughtUnlessFaultsWereInjected) {
    state.orders["o9"] = {"o9",
                          "mallory",
                          "CONFIRMED",
                          {"S-A-4"},
                          {{"T-4", "o9", "S-A-4", "mallory"}},
                          1,
                          std::vector<std::string>{"S-A-4"}};
    auto out = checkNoUnknownConfirmedOrders(ledger, state);
    ASSERT_EQ(out.violations.size(), 1u);
    EXPECT_EQ(out.violations[0].orders, std::vector<std::string>{"o9"});
    EXPECT_EQ(out.violations[0].seats, std::vector<std::string>{"S-A-4"});
    ledger.faultsInjected = true;
    out = checkNoUnknownConfirmedOrders(ledger, state);
    EXPECT_TRUE(out.violations.empty());
    EXPECT_NE(out.detail.find("o9"), std::string::npos);
}

TEST_F(Checks, APendingOrderPastItsWindowAndGraceIsCaught) {
    state.orders["o4"] = {"o4", "bob", "PAYMENT_PENDING", {"S-A-4"}, {}, 94000, std::vector<std::string>{"S-A-4"}};
    EXPECT_TRUE(checkNoOverduePendingOrders(state, std::chrono::milliseconds(7000)).violations.empty());
    const auto out = checkNoOverduePendingOrders(state, std::chrono::milliseconds(5000));
    ASSERT_EQ(out.violations.size(), 1u);
    EXPECT_EQ(out.violations[0].orders, std::vector<std::string>{"o4"});
}

TEST_F(Checks, TheSeatMapMustMatchTheOrders) {
    map.statuses = "SSSH";  // S-A-3 sold without an order, S-A-4 held by nobody
    map.countSold = 3;
    map.countHeld = 1;
    map.countAvailable = 0;
    auto out = checkSeatMapMatchesOrders(map, state);
    ASSERT_EQ(out.violations.size(), 1u);
    EXPECT_EQ(out.violations[0].seats, std::vector<std::string>{"S-A-3"});
    out = checkNoStrandedCapacity(map, state);
    ASSERT_EQ(out.violations.size(), 1u);
    EXPECT_EQ(out.violations[0].seats, std::vector<std::string>{"S-A-4"});
    EXPECT_EQ(checkLedgerCounts(map, ledger).violations.size(), 1u) << "3 sold, clients were told 2";
    map.statuses = "SAAA";  // a confirmed seat shown available
    out = checkSeatMapMatchesOrders(map, state);
    ASSERT_EQ(out.violations.size(), 1u);
    EXPECT_EQ(out.violations[0].seats, std::vector<std::string>{"S-A-2"});
    EXPECT_EQ(out.violations[0].orders, std::vector<std::string>{"o1"});
    EXPECT_FALSE(checkSeatMapConsistent(map, ledger, 4).violations.empty()) << "counts no longer match the letters";
    EXPECT_FALSE(checkSeatMapConsistent(map, ledger, 5).violations.empty());
}

TEST_F(Checks, APendingSeatShownAvailableIsCaughtOnlyWhileItsWindowIsOpen) {
    state.orders["o5"] = {"o5", "bob", "PAYMENT_PENDING", {"S-A-4"}, {}, 200000, std::vector<std::string>{"S-A-4"}};
    map.readAtMs = 100000;
    auto out = checkSeatMapMatchesOrders(map, state);
    ASSERT_EQ(out.violations.size(), 1u);
    EXPECT_EQ(out.violations[0].seats, std::vector<std::string>{"S-A-4"});
    EXPECT_EQ(out.violations[0].orders, std::vector<std::string>{"o5"});
    map.readAtMs = 200500;  // its window is over: the hold store let the seat go before the sweeper ran
    EXPECT_TRUE(checkSeatMapMatchesOrders(map, state).violations.empty());
}

TEST_F(Checks, DemandOverSupplyWithoutAbandonsMustSellOut) {
    ledger.seatsWanted = 10;
    auto out = checkSoldOut(map, ledger);
    ASSERT_FALSE(out.skipped);
    ASSERT_EQ(out.violations.size(), 1u);
    EXPECT_EQ(out.violations[0].seats, (std::vector<std::string>{"S-A-3", "S-A-4"}));
    ledger.anyoneAbandons = true;
    EXPECT_TRUE(checkSoldOut(map, ledger).skipped);
}

TEST_F(Checks, ServerErrorsFailUnlessFaultsWereInjected) {
    ledger.http5xx = 2;
    ledger.responses["POST /v1/orders 503"] = 2;
    auto out = checkServerErrors(ledger);
    ASSERT_EQ(out.violations.size(), 1u);
    EXPECT_NE(out.detail.find("POST /v1/orders 503 x2"), std::string::npos) << out.detail;
    ledger.faultsInjected = true;
    EXPECT_TRUE(checkServerErrors(ledger).violations.empty());
}

TEST_F(Checks, MetricsAreComparedAsDeltasAndSkippedWhenAbsent) {
    const auto before = parsePrometheusText(
        "boxoffice_http_requests_total{route=\"/v1/holds\",method=\"POST\",code=\"201\"} 10\n"
        "boxoffice_holds_total{outcome=\"held\"} 10\n");
    const auto after = parsePrometheusText(
        "boxoffice_http_requests_total{route=\"/v1/holds\",method=\"POST\",code=\"201\"} 12\n"
        "boxoffice_http_requests_total{route=\"/v1/orders/{id}/confirm-payment\",method=\"POST\",code=\"200\"} 1\n"
        "boxoffice_holds_total{outcome=\"held\"} 12\n");
    auto out = checkMetrics(ledger, after, before);
    EXPECT_FALSE(out.skipped);
    EXPECT_TRUE(out.violations.empty()) << out.violations[0].message;
    out = checkMetrics(ledger, after, std::nullopt);  // absolute: 12 served, 2 counted
    ASSERT_EQ(out.violations.size(), 2u);
    EXPECT_NE(out.violations[0].message.find("POST /v1/holds 201"), std::string::npos);
    ledger.transportErrors = 10;  // responses lost in transport may explain the difference
    EXPECT_TRUE(checkMetrics(ledger, after, std::nullopt).violations.empty());
    out = checkMetrics(ledger, parsePrometheusText("process_cpu_seconds_total 1\n"), std::nullopt);
    EXPECT_TRUE(out.skipped);
}

TEST(CheckRecording, OutcomesFollowViolations) {
    Verification v;
    record(v, "a", CheckOutput{"fine", {}, false});
    record(v, "b", CheckOutput{"", {{"", "broken", {"S-1"}, {"o1"}}}, false});
    record(v, "c", CheckOutput{"why", {}, true});
    ASSERT_EQ(v.checks.size(), 3u);
    EXPECT_EQ(v.checks[0].outcome, CheckResult::Outcome::Passed);
    EXPECT_EQ(v.checks[1].outcome, CheckResult::Outcome::Failed);
    EXPECT_EQ(v.checks[2].outcome, CheckResult::Outcome::Skipped);
    ASSERT_EQ(v.violations.size(), 1u);
    EXPECT_EQ(v.violations[0].check, "b");
    EXPECT_FALSE(v.ok());
    const auto j = toJson(v);
    EXPECT_EQ(j["ok"], false);
    EXPECT_EQ(j["violations"][0]["seats"][0], "S-1");
    EXPECT_EQ(j["checks"][2]["outcome"], "skipped");
    EXPECT_EQ(j["summary"], (nlohmann::json{{"passed", 1}, {"failed", 1}, {"skipped", 1}}));
}

}  // namespace
}  // namespace boxoffice::load
