// Moving orders on (OrderRepository::transition): confirmation, its window, closed orders, races.
#include "order_repository_fixture.hpp"

namespace {

using namespace boxoffice;
using namespace boxoffice::testing::order_repository;
using boxoffice::testing::TestEnv;
using namespace std::chrono_literals;

TEST_P(OrderRepositoryTest, ConfirmWritesTicketsPaymentAndOutbox) {
    Order o = makeOrder({"FLOOR-A-3", "FLOOR-A-4"});
    ASSERT_TRUE(repo_->create(o, message(o, "order.created")).ok());
    const EpochMs at = kNow + 5000;
    auto confirmed = confirm(o, at);
    ASSERT_TRUE(confirmed.ok()) << confirmed.error().internal;
    EXPECT_EQ(confirmed->status, OrderStatus::Confirmed);
    EXPECT_EQ(confirmed->paymentReference, std::optional<std::string>("pay-" + o.id.str()));
    EXPECT_EQ(confirmed->confirmedAt, std::optional<EpochMs>(at));
    EXPECT_EQ(confirmed->updatedAt, at);
    EXPECT_EQ(sortedSeatIds(*confirmed), sortedSeatIds(o));
    ASSERT_EQ(confirmed->tickets.size(), 2u);
    for (const auto& t : confirmed->tickets) {
        EXPECT_EQ(t.orderId, o.id);
        EXPECT_EQ(t.showId, o.showId);
        EXPECT_EQ(t.userId, o.userId);
        EXPECT_EQ(t.issuedAt, at);
        EXPECT_EQ(t.code, "T-" + o.id.str() + "-" + t.seatId.str());
    }

    auto found = repo_->find(o.id);
    ASSERT_TRUE(found.ok());
    EXPECT_EQ(found->status, OrderStatus::Confirmed);
    EXPECT_EQ(found->tickets.size(), 2u);
    // A confirmed order keeps its seats.
    EXPECT_EQ(count("SELECT COUNT(*) FROM order_seats WHERE active = 1"), 2);
    EXPECT_EQ(count("SELECT COUNT(*) FROM outbox WHERE event_type = 'order.confirmed' AND aggregate_id = '" +
                    o.id.str() + "'"),
              1);
    EXPECT_EQ(*repo_->outboxDepth(), 2);
}

TEST_P(OrderRepositoryTest, ConfirmAfterTheWindowClosedIsOrderExpiredAndChangesNothing) {
    Order o = makeOrder({"FLOOR-A-1"});
    ASSERT_TRUE(repo_->create(o, message(o, "order.created")).ok());

    // The window is [createdAt, expiresAt): at expiresAt it is already closed.
    auto late = confirm(o, o.expiresAt);
    ASSERT_FALSE(late.ok());
    EXPECT_EQ(late.error().code, ErrorCode::OrderExpired);

    auto found = repo_->find(o.id);
    ASSERT_TRUE(found.ok());
    EXPECT_EQ(found->status, OrderStatus::PaymentPending);
    EXPECT_FALSE(found->paymentReference.has_value());
    EXPECT_TRUE(found->tickets.empty());
    EXPECT_EQ(count("SELECT COUNT(*) FROM tickets"), 0);
    EXPECT_EQ(*repo_->outboxDepth(), 1);

    // ...which the domain then expires.
    auto expired = moveTo(o, OrderStatus::Expired, o.expiresAt, "order.expired");
    ASSERT_TRUE(expired.ok());
    EXPECT_EQ(expired->status, OrderStatus::Expired);

    // One millisecond earlier it would have been in time.
    Order other = makeOrder({"FLOOR-A-2"});
    ASSERT_TRUE(repo_->create(other, message(other, "order.created")).ok());
    EXPECT_TRUE(confirm(other, other.expiresAt - 1).ok());
}

TEST_P(OrderRepositoryTest, TransitionOfAnOrderNoLongerPendingIsAConflict) {
    Order o = makeOrder({"FLOOR-A-1"});
    ASSERT_TRUE(repo_->create(o, message(o, "order.created")).ok());
    ASSERT_TRUE(confirm(o, kNow + 1).ok());

    for (auto to : {OrderStatus::Cancelled, OrderStatus::Expired, OrderStatus::Failed}) {
        auto r = moveTo(o, to, kNow + 2, "order.other");
        ASSERT_FALSE(r.ok());
        EXPECT_EQ(r.error().code, ErrorCode::Conflict);
        EXPECT_EQ(r.error().detail, "order is CONFIRMED");
    }
    auto again = confirm(o, kNow + 3);
    ASSERT_FALSE(again.ok());
    EXPECT_EQ(again.error().code, ErrorCode::Conflict);

    Order c = makeOrder({"FLOOR-A-2"});
    ASSERT_TRUE(repo_->create(c, message(c, "order.created")).ok());
    ASSERT_TRUE(moveTo(c, OrderStatus::Cancelled, kNow + 4, "order.cancelled").ok());
    auto late = confirm(c, kNow + 5);
    ASSERT_FALSE(late.ok());
    EXPECT_EQ(late.error().detail, "order is CANCELLED");

    // Nothing of the refused transitions reached the database.
    auto found = repo_->find(o.id);
    ASSERT_TRUE(found.ok());
    EXPECT_EQ(found->status, OrderStatus::Confirmed);
    EXPECT_EQ(found->updatedAt, kNow + 1);
    EXPECT_EQ(found->tickets.size(), 1u);
    EXPECT_EQ(*repo_->outboxDepth(), 4);

    auto unknown = repo_->transition({OrderId{"nope"}, OrderStatus::Cancelled, kNow, std::nullopt, {}, {}});
    ASSERT_FALSE(unknown.ok());
    EXPECT_EQ(unknown.error().code, ErrorCode::NotFound);
}

TEST_P(OrderRepositoryTest, ConcurrentTransitionsOfOneOrderLetExactlyOneApply) {
    constexpr int kThreads = 8;
    for (int round = 0; round < 4; ++round) {
        Order o = makeOrder({"FLOOR-A-" + std::to_string(round + 1), "FLOOR-B-" + std::to_string(round + 1)});
        ASSERT_TRUE(repo_->create(o, message(o, "order.created")).ok());
        std::latch start(kThreads);
        std::vector<Result<Order>> results(kThreads, Error{});
        std::vector<std::thread> threads;
        for (int i = 0; i < kThreads; ++i) {
            threads.emplace_back([&, i] {
                start.arrive_and_wait();
                results[i] =
                    i % 2 == 0 ? confirm(o, kNow + 1) : moveTo(o, OrderStatus::Cancelled, kNow + 1, "order.cancelled");
            });
        }
        for (auto& t : threads) t.join();

        int applied = 0;
        for (const auto& r : results) {
            if (r.ok()) {
                ++applied;
                continue;
            }
            EXPECT_EQ(r.error().code, ErrorCode::Conflict) << r.error().detail << " / " << r.error().internal;
        }
        EXPECT_EQ(applied, 1);
        auto found = repo_->find(o.id);
        ASSERT_TRUE(found.ok());
        const std::string id = "'" + o.id.str() + "'";
        EXPECT_EQ(count("SELECT COUNT(*) FROM outbox WHERE event_type <> 'order.created' AND aggregate_id = " + id), 1);
        if (found->status == OrderStatus::Confirmed) {
            EXPECT_EQ(found->tickets.size(), 2u);
            EXPECT_EQ(count("SELECT COUNT(*) FROM order_seats WHERE active = 1 AND order_id = " + id), 2);
        } else {
            EXPECT_EQ(found->status, OrderStatus::Cancelled);
            EXPECT_EQ(count("SELECT COUNT(*) FROM tickets WHERE order_id = " + id), 0);
            EXPECT_EQ(count("SELECT COUNT(*) FROM order_seats WHERE active = 1 AND order_id = " + id), 0);
        }
    }
}

}  // namespace
