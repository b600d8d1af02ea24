// The booking rules on fakes (domain/booking_service, inventory, seatmap_service): no server, a
// clock the test moves. The same rules run against PostgreSQL, SQLite and Redis in the integration
// suite; here each rule is pinned down on its own.
#include "domain/booking_service.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <memory>

#include "domain/inventory.hpp"
#include "domain/seatmap_service.hpp"
#include "storage/memory/memory_hold_store.hpp"
#include "tickets/ed25519_ticket_signer.hpp"
#include "support/fake_clock.hpp"
#include "unit/domain/fakes.hpp"
#include "util/random_id.hpp"

namespace boxoffice::testing {
namespace {

using std::chrono::milliseconds;
using std::chrono::minutes;

class BookingRules : public ::testing::Test {
protected:
    BookingRules() {
        (void)catalog_.createVenue({VenueId{"v-1"}, "Hall", "1 Main St", "Europe/Paris",
                                    Layout{{LayoutSection{"FLOOR", {LayoutRow{"A", "GOLD", 10, {}}}}}},
                                    clock_.nowMs()});
        Show show;
        show.id = ShowId{"s-1"};
        show.eventId = EventId{"e-1"};
        show.venueId = VenueId{"v-1"};
        show.startsAt = clock_.nowMs() + 86'400'000;
        show.localDate = "2027-01-16";
        show.saleOpensAt = clock_.nowMs() - 1000;
        show.saleClosesAt = clock_.nowMs() + 86'000'000;
        show.currency = "EUR";
        show.prices = {{"GOLD", 5000}};
        (void)catalog_.createShow(show);
    }

    Result<Hold> hold(const std::string& user, const std::vector<std::string>& seats) {
        std::vector<SeatId> ids;
        for (const auto& s : seats) ids.emplace_back(s);
        return booking_.hold(UserId{user}, show_, ids);
    }
    Result<Order> order(const std::string& user, const Hold& h) {
        return booking_.placeOrder(UserId{user}, h.id, Customer{"Ada", "ada@example.com", ""}, "");
    }
    SeatStatus statusOf(const std::string& seat) {
        auto seating = seatmaps_.seating(show_);
        EXPECT_TRUE(seating.ok());
        auto snap = holds_.snapshot(show_, *(*seating)->seats, clock_.nowMs());
        EXPECT_TRUE(snap.ok());
        return snap->status[static_cast<std::size_t>((*seating)->seats->find(seat))];
    }

    const ShowId show_{"s-1"};
    FakeClock clock_;
    util::RandomIdGenerator ids_;
    FakeCatalog catalog_;
    FakeOrders orders_;
    memory::MemoryHoldStore holds_;
    Inventory inventory_{holds_, orders_, milliseconds(2000)};
    SeatMapService seatmaps_{catalog_, inventory_, clock_, milliseconds(0), milliseconds(0)};
    std::unique_ptr<tickets::Ed25519TicketSigner> signer_ = tickets::Ed25519TicketSigner::generate();
    BookingService booking_{
        seatmaps_, inventory_, orders_, clock_, ids_, *signer_, BookingSettings{4, 4, minutes(10), minutes(5)}};
};

TEST_F(BookingRules, AHoldAnOrderAndAPaymentSellExactlyTheHeldSeats) {
    auto h = hold("ann", {"FLOOR-A-1", "FLOOR-A-2"});
    ASSERT_TRUE(h.ok()) << h.error().detail;
    EXPECT_EQ(statusOf("FLOOR-A-1"), SeatStatus::Held);
    auto o = order("ann", *h);
    ASSERT_TRUE(o.ok()) << o.error().detail;
    EXPECT_EQ(o->amountMinor, 10000);
    auto paid = booking_.confirm(UserId{"ann"}, o->id, "psp-1", "");
    ASSERT_TRUE(paid.ok()) << paid.error().detail;
    EXPECT_EQ(paid->status, OrderStatus::Confirmed);
    ASSERT_EQ(paid->tickets.size(), 2u);
    EXPECT_EQ(statusOf("FLOOR-A-1"), SeatStatus::Sold);
    EXPECT_EQ(statusOf("FLOOR-A-2"), SeatStatus::Sold);
    EXPECT_EQ(statusOf("FLOOR-A-3"), SeatStatus::Available);
    // Paying again (a retry) answers with the same order and sells nothing twice.
    auto again = booking_.confirm(UserId{"ann"}, o->id, "psp-1", "");
    ASSERT_TRUE(again.ok());
    EXPECT_EQ(again->tickets.size(), 2u);
}

TEST_F(BookingRules, ASeatSomeoneHoldsIsRefusedNamingExactlyThatSeat) {
    ASSERT_TRUE(hold("ann", {"FLOOR-A-1"}).ok());
    auto refused = hold("ben", {"FLOOR-A-1", "FLOOR-A-2"});
    ASSERT_FALSE(refused.ok());
    EXPECT_EQ(refused.error().code, ErrorCode::SeatsUnavailable);
    EXPECT_EQ(refused.error().subjects, std::vector<std::string>{"FLOOR-A-1"});
    EXPECT_EQ(statusOf("FLOOR-A-2"), SeatStatus::Available) << "a refused hold takes nothing";
}

TEST_F(BookingRules, OnePersonHoldsAtMostTheCapAcrossHolds) {
    ASSERT_TRUE(hold("ann", {"FLOOR-A-1", "FLOOR-A-2", "FLOOR-A-3"}).ok());
    auto over = hold("ann", {"FLOOR-A-4", "FLOOR-A-5"});
    ASSERT_FALSE(over.ok());
    EXPECT_EQ(over.error().code, ErrorCode::SeatLimitReached);
    EXPECT_TRUE(hold("ann", {"FLOOR-A-4"}).ok()) << "up to the cap is fine";
}

TEST_F(BookingRules, AnExpiredHoldFreesItsSeatsAndCannotBeOrdered) {
    auto h = hold("ann", {"FLOOR-A-1"});
    ASSERT_TRUE(h.ok());
    clock_.advance(minutes(10) + milliseconds(1));
    EXPECT_EQ(statusOf("FLOOR-A-1"), SeatStatus::Available);
    auto late = order("ann", *h);
    ASSERT_FALSE(late.ok());
    EXPECT_EQ(late.error().code, ErrorCode::HoldNotActive);
    EXPECT_TRUE(hold("ben", {"FLOOR-A-1"}).ok());
}

TEST_F(BookingRules, APaymentAfterTheWindowIsRefusedAndTheSweepFreesTheSeats) {
    auto h = hold("ann", {"FLOOR-A-1"});
    ASSERT_TRUE(h.ok());
    auto o = order("ann", *h);
    ASSERT_TRUE(o.ok());
    clock_.advance(minutes(5) + milliseconds(1));
    auto late = booking_.confirm(UserId{"ann"}, o->id, "psp-1", "");
    ASSERT_FALSE(late.ok());
    EXPECT_EQ(late.error().code, ErrorCode::OrderExpired);
    EXPECT_EQ(booking_.order(UserId{"ann"}, o->id)->status, OrderStatus::Expired);
    EXPECT_EQ(*booking_.sweep(100), 0) << "expired already, by the refused payment";
    // The store keeps an expired order's seats for the release grace (SQL frees them on the sweep).
    clock_.advance(milliseconds(2001));
    EXPECT_TRUE(hold("ben", {"FLOOR-A-1"}).ok());
}

TEST_F(BookingRules, TheSweeperExpiresUnpaidOrdersAndGivesTheirSeatsBack) {
    auto h = hold("ann", {"FLOOR-A-1", "FLOOR-A-2"});
    ASSERT_TRUE(h.ok());
    auto o = order("ann", *h);
    ASSERT_TRUE(o.ok());
    EXPECT_EQ(*booking_.sweep(100), 0) << "nothing is due yet";
    clock_.advance(minutes(5) + milliseconds(1));
    EXPECT_EQ(*booking_.sweep(100), 1);
    EXPECT_EQ(booking_.order(UserId{"ann"}, o->id)->status, OrderStatus::Expired);
    EXPECT_EQ(statusOf("FLOOR-A-1"), SeatStatus::Available);
    EXPECT_TRUE(hold("ben", {"FLOOR-A-1", "FLOOR-A-2"}).ok());
}

TEST_F(BookingRules, SomeoneElsesHoldAndOrderAreNotFound) {
    auto h = hold("ann", {"FLOOR-A-1"});
    ASSERT_TRUE(h.ok());
    auto theirs = order("ben", *h);
    ASSERT_FALSE(theirs.ok());
    EXPECT_EQ(theirs.error().code, ErrorCode::NotFound);
    auto o = order("ann", *h);
    ASSERT_TRUE(o.ok());
    auto pay = booking_.confirm(UserId{"ben"}, o->id, "psp", "");
    ASSERT_FALSE(pay.ok());
    EXPECT_EQ(pay.error().code, ErrorCode::NotFound);
}

// Inventory: a show marked suspect (a store operation failed after SQL changed) is restored from
// SQL before its next hold, so a sale the store never heard of is not held again.
TEST_F(BookingRules, ASuspectShowIsRestoredFromTheOrdersBeforeItsNextHold) {
    ASSERT_TRUE(hold("ann", {"FLOOR-A-9"}).ok());  // the show is in the store and ready
    Order sold;
    sold.id = OrderId{"o-planted"};
    sold.showId = show_;
    sold.userId = UserId{"cat"};
    sold.holdId = HoldId{"h-planted"};
    sold.seats = {{SeatId{"FLOOR-A-1"}, "GOLD", 5000}};
    orders_.plantSale(sold);
    EXPECT_TRUE(hold("ben", {"FLOOR-A-2"}).ok()) << "the store does not know yet: other seats are unaffected";
    inventory_.markSuspect(show_);
    auto refused = hold("ben", {"FLOOR-A-1"});
    ASSERT_FALSE(refused.ok());
    EXPECT_EQ(refused.error().code, ErrorCode::SeatsUnavailable);
    EXPECT_FALSE(inventory_.isSuspect(show_));
    EXPECT_EQ(statusOf("FLOOR-A-1"), SeatStatus::Sold);
}

TEST_F(BookingRules, HoldsAreRefusedOutsideTheSaleWindow) {
    Show closed = *catalog_.findShow(show_);
    closed.saleOpensAt = clock_.nowMs() + 60'000;
    ASSERT_TRUE(catalog_.updateShow(closed).ok());
    SeatMapService seatmaps(catalog_, inventory_, clock_, milliseconds(0), milliseconds(0));
    BookingService booking(seatmaps, inventory_, orders_, clock_, ids_, *signer_, BookingSettings{});
    auto early = booking.hold(UserId{"ann"}, show_, {SeatId{"FLOOR-A-1"}});
    ASSERT_FALSE(early.ok());
    EXPECT_EQ(early.error().code, ErrorCode::SaleNotOpen);
}

}  // namespace
}  // namespace boxoffice::testing
