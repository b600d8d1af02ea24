// The verifier's payment checks on hand-made states: a paid order without a succeeded payment, a
// refund whose tickets or seats were not released, a FAILED order still holding a seat are each
// caught and named; a clean sale passes; each says why when it is skipped.
#include <gtest/gtest.h>

#include "verifier/checks.hpp"

namespace boxoffice::load {
namespace {

class PaymentChecks : public ::testing::Test {
protected:
    void SetUp() override {
        ledger.showId = "show";
        ledger.seatsOnSale = 4;
        ledger.paidThroughProvider = true;
        // alice bought two seats; bob bought one and refunded it; carol's payment failed.
        ledger.orders.push_back(
            {"o1", "alice", {"S-A-1", "S-A-2"}, "CONFIRMED", {{"T-1", "S-A-1"}, {"T-2", "S-A-2"}}, false, "confirmed"});
        SeenOrder refunded{"o2", "bob", {"S-A-3"}, "REFUNDED", {}, false, "confirmed"};
        refunded.refundRequested = true;
        refunded.refundedSeatIds = {"S-A-3"};
        ledger.orders.push_back(refunded);
        ledger.orders.push_back({"o3", "carol", {"S-A-4"}, "FAILED", {}, false, "failed"});

        state.source = "db";
        state.nowMs = 100000;
        state.orders["o1"] = {"o1",
                              "alice",
                              "CONFIRMED",
                              {"S-A-1", "S-A-2"},
                              {{"T-1", "o1", "S-A-1", "alice"}, {"T-2", "o1", "S-A-2", "alice"}},
                              50000,
                              std::vector<std::string>{"S-A-1", "S-A-2"}};
        state.orders["o2"] = {"o2", "bob", "REFUNDED", {"S-A-3"}, {}, 50000, std::vector<std::string>{}};
        state.orders["o3"] = {"o3", "carol", "FAILED", {"S-A-4"}, {}, 50000, std::vector<std::string>{}};
        state.tickets = state.orders["o1"].tickets;

        records.byOrder["o1"] = {{"SUCCEEDED"}, {}};
        records.byOrder["o2"] = {{"SUCCEEDED"}, {"succeeded"}};
        records.byOrder["o3"] = {{"FAILED"}, {}};

        map.seatIds = {"S-A-1", "S-A-2", "S-A-3", "S-A-4"};
        map.statuses = "SSAA";
        map.countSold = 2;
        map.countAvailable = 2;
        map.seatCount = 4;
    }
    // `seat`'s letter in the map.
    void letter(const std::string& seat, char c) {
        for (std::size_t i = 0; i < map.seatIds.size(); ++i)
            if (map.seatIds[i] == seat) map.statuses[i] = c;
    }

    Ledger ledger;
    ServerState state;
    PaymentRecords records;
    SeatMap map;
};

TEST_F(PaymentChecks, ACleanSalePassesEachCheck) {
    for (const auto& out : {checkPaidOrdersHaveSucceededPayments(ledger, state, records),
                            checkRefundsAsTold(ledger, state, &records, map, false),
                            checkFailedOrdersHoldNoSeat(ledger, state, map, false)}) {
        EXPECT_FALSE(out.skipped) << out.detail;
        EXPECT_TRUE(out.violations.empty()) << out.violations[0].message;
    }
}

TEST_F(PaymentChecks, AConfirmedOrRefundedOrderWithoutASucceededPaymentIsCaught) {
    records.byOrder["o1"].paymentStatuses = {"PENDING"};
    records.byOrder["o2"].paymentStatuses = {"FAILED"};
    const auto out = checkPaidOrdersHaveSucceededPayments(ledger, state, records);
    ASSERT_EQ(out.violations.size(), 2u);
    EXPECT_EQ(out.violations[0].orders, std::vector<std::string>{"o1"});
    EXPECT_NE(out.violations[0].message.find("without a succeeded payment"), std::string::npos);
    EXPECT_EQ(out.violations[1].orders, std::vector<std::string>{"o2"});

    // No record at all (no payment was ever made) is caught, not passed over.
    records.byOrder.erase("o1");
    records.byOrder["o2"].paymentStatuses = {"SUCCEEDED"};
    records.readErrors = {"payments of order o1: HTTP 404"};
    const auto unread = checkPaidOrdersHaveSucceededPayments(ledger, state, records);
    ASSERT_EQ(unread.violations.size(), 1u);
    EXPECT_NE(unread.violations[0].message.find("could not be read"), std::string::npos);
}

TEST_F(PaymentChecks, ConfirmPaymentRecordsNoPaymentSoThePaymentCheckIsSkipped) {
    ledger.paidThroughProvider = false;
    records.byOrder.clear();
    const auto out = checkPaidOrdersHaveSucceededPayments(ledger, state, records);
    EXPECT_TRUE(out.skipped);
    EXPECT_NE(out.detail.find("confirm-payment"), std::string::npos);
}

TEST_F(PaymentChecks, ARefundWhoseTicketIsStillValidIsCaught) {
    state.tickets.push_back({"T-3", "o2", "S-A-3", "bob"});
    const auto out = checkRefundsAsTold(ledger, state, &records, map, false);
    ASSERT_EQ(out.violations.size(), 1u);
    EXPECT_NE(out.violations[0].message.find("T-3@S-A-3"), std::string::npos);
    EXPECT_EQ(out.violations[0].orders, std::vector<std::string>{"o2"});
}

TEST_F(PaymentChecks, ARefundedSeatStillActiveInItsOrderIsCaught) {
    state.orders["o2"].flaggedActiveSeatIds = std::vector<std::string>{"S-A-3"};
    EXPECT_EQ(checkRefundsAsTold(ledger, state, &records, map, false).violations.size(), 1u);
    // Through the API (no flags): a whole refund whose order is still CONFIRMED.
    state.orders["o2"].flaggedActiveSeatIds.reset();
    state.orders["o2"].status = "CONFIRMED";
    const auto api = checkRefundsAsTold(ledger, state, &records, map, false);
    ASSERT_EQ(api.violations.size(), 1u);
    EXPECT_NE(api.violations[0].message.find("still holds the refunded seats"), std::string::npos);
}

TEST_F(PaymentChecks, ARefundWithoutARecordIsCaughtWhenTheRecordsWereRead) {
    records.byOrder["o2"].refundStatuses.clear();
    const auto out = checkRefundsAsTold(ledger, state, &records, map, false);
    ASSERT_EQ(out.violations.size(), 1u);
    EXPECT_NE(out.violations[0].message.find("none is recorded"), std::string::npos);
    // Without the records the rest is still checked, and the detail says what was not.
    const auto unread = checkRefundsAsTold(ledger, state, nullptr, map, false);
    EXPECT_TRUE(unread.violations.empty());
    EXPECT_NE(unread.detail.find("records not read"), std::string::npos);
}

TEST_F(PaymentChecks, ARefundedSeatMustBeBackOnSaleOrInSomeoneElsesOrder) {
    letter("S-A-3", 'S');  // sold, but to nobody
    auto out = checkRefundsAsTold(ledger, state, &records, map, false);
    ASSERT_EQ(out.violations.size(), 1u);
    EXPECT_EQ(out.violations[0].seats, std::vector<std::string>{"S-A-3"});
    // Sold again to dave: as it should be.
    state.orders["o4"] = {"o4",
                          "dave",
                          "CONFIRMED",
                          {"S-A-3"},
                          {{"T-4", "o4", "S-A-3", "dave"}},
                          50000,
                          std::vector<std::string>{"S-A-3"}};
    EXPECT_TRUE(checkRefundsAsTold(ledger, state, &records, map, false).violations.empty());
    // Held outside any order once every hold expired: stranded; while holds may be live, not known.
    state.orders.erase("o4");
    letter("S-A-3", 'H');
    EXPECT_EQ(checkRefundsAsTold(ledger, state, &records, map, false).violations.size(), 1u);
    EXPECT_TRUE(checkRefundsAsTold(ledger, state, &records, map, true).violations.empty());
}

TEST_F(PaymentChecks, NoRefundToldSkipsTheRefundCheck) {
    ledger.orders[1].refundedSeatIds.clear();
    const auto out = checkRefundsAsTold(ledger, state, &records, map, false);
    EXPECT_TRUE(out.skipped);
    EXPECT_NE(out.detail.find("1 asked for"), std::string::npos);
}

TEST_F(PaymentChecks, AFailedOrderHoldingASeatIsCaught) {
    state.orders["o3"].flaggedActiveSeatIds = std::vector<std::string>{"S-A-4"};
    state.tickets.push_back({"T-5", "o3", "S-A-4", "carol"});
    letter("S-A-4", 'S');
    const auto out = checkFailedOrdersHoldNoSeat(ledger, state, map, false);
    ASSERT_EQ(out.violations.size(), 3u);  // its ticket, its flag, its seat sold to nobody else
    for (const auto& v : out.violations) EXPECT_EQ(v.orders, std::vector<std::string>{"o3"});
    // A pending order of someone else's may hold it.
    state.orders["o3"].flaggedActiveSeatIds = std::vector<std::string>{};
    state.tickets.pop_back();
    letter("S-A-4", 'H');
    state.orders["o5"] = {"o5", "erin", "PAYMENT_PENDING", {"S-A-4"}, {}, 150000, std::vector<std::string>{"S-A-4"}};
    EXPECT_TRUE(checkFailedOrdersHoldNoSeat(ledger, state, map, false).violations.empty());
}

TEST_F(PaymentChecks, AnOrderToldFailedThatIsNotFailedIsCaught) {
    state.orders["o3"].status = "CONFIRMED";
    const auto out = checkFailedOrdersHoldNoSeat(ledger, state, map, false);
    ASSERT_EQ(out.violations.size(), 1u);
    EXPECT_NE(out.violations[0].message.find("told its payment failed, but it is CONFIRMED"), std::string::npos);
    // Nothing failed and nobody was told so: skipped, saying why.
    ledger.orders[2].lastStatus = "CONFIRMED";
    EXPECT_TRUE(checkFailedOrdersHoldNoSeat(ledger, state, map, false).skipped);
}

}  // namespace
}  // namespace boxoffice::load
