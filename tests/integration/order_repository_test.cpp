// Creating orders (OrderRepository::create, find): every field, the refusals, the races for a seat.
// The fixture and its dialects: order_repository_fixture.hpp, instantiated here for all files.
#include "order_repository_fixture.hpp"

namespace {

using namespace boxoffice;
using namespace boxoffice::testing::order_repository;
using boxoffice::testing::TestEnv;
using namespace std::chrono_literals;

TEST_P(OrderRepositoryTest, CreateThenFindRoundTripsEveryField) {
    Order o = makeOrder({"FLOOR-A-2", "FLOOR-A-1"});
    o.customer.phone = "+33 1 23 45 67 89";
    ASSERT_TRUE(repo_->create(o, message(o, "order.created")).ok());

    auto found = repo_->find(o.id);
    ASSERT_TRUE(found.ok()) << found.error().internal;
    EXPECT_EQ(found->id, o.id);
    EXPECT_EQ(found->showId, o.showId);
    EXPECT_EQ(found->userId, o.userId);
    EXPECT_EQ(found->holdId, o.holdId);
    EXPECT_EQ(found->status, OrderStatus::PaymentPending);
    EXPECT_EQ(found->amountMinor, 10000);
    EXPECT_EQ(found->currency, "EUR");
    EXPECT_EQ(found->customer.name, "Ada Lovelace");
    EXPECT_EQ(found->customer.email, "ada@example.com");
    EXPECT_EQ(found->customer.phone, "+33 1 23 45 67 89");
    EXPECT_EQ(found->traceContext, o.traceContext);
    EXPECT_EQ(found->expiresAt, o.expiresAt);
    EXPECT_EQ(found->createdAt, kNow);
    EXPECT_EQ(found->updatedAt, kNow);
    EXPECT_FALSE(found->paymentReference.has_value());
    EXPECT_FALSE(found->confirmedAt.has_value());
    EXPECT_TRUE(found->tickets.empty());
    ASSERT_EQ(found->seats.size(), 2u);
    EXPECT_EQ(sortedSeatIds(*found), (std::vector<std::string>{"FLOOR-A-1", "FLOOR-A-2"}));
    EXPECT_EQ(found->seats[0].tier, "GOLD");
    EXPECT_EQ(found->seats[0].priceMinor, 5000);

    EXPECT_EQ(
        count("SELECT COUNT(*) FROM outbox WHERE event_type = 'order.created' AND aggregate_id = '" + o.id.str() + "'"),
        1);
    auto depth = repo_->outboxDepth();
    ASSERT_TRUE(depth.ok());
    EXPECT_EQ(*depth, 1);

    auto missing = repo_->find(OrderId{"no-such-order"});
    ASSERT_FALSE(missing.ok());
    EXPECT_EQ(missing.error().code, ErrorCode::NotFound);
}

TEST_P(OrderRepositoryTest, EmptyOptionalFieldsStayEmpty) {
    Order o = makeOrder({"FLOOR-A-1"});
    o.traceContext.clear();
    ASSERT_TRUE(repo_->create(o, message(o, "order.created")).ok());
    auto found = repo_->find(o.id);
    ASSERT_TRUE(found.ok());
    EXPECT_EQ(found->customer.phone, "");
    EXPECT_EQ(found->traceContext, "");
    EXPECT_EQ(count("SELECT COUNT(*) FROM orders WHERE customer_phone IS NULL AND trace_context IS NULL"), 1);
}

TEST_P(OrderRepositoryTest, OverlappingOrderGetsSeatsUnavailableNamingExactlyTheOverlap) {
    Order first = makeOrder({"FLOOR-A-1", "FLOOR-A-2", "FLOOR-A-3"});
    ASSERT_TRUE(repo_->create(first, message(first, "order.created")).ok());

    Order second = makeOrder({"FLOOR-A-4", "FLOOR-A-3", "FLOOR-A-2"}, "user-2");
    auto r = repo_->create(second, message(second, "order.created"));
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code, ErrorCode::SeatsUnavailable) << r.error().internal;
    EXPECT_EQ(r.error().detail, "seats are no longer available");
    EXPECT_EQ(sorted(r.error().subjects), (std::vector<std::string>{"FLOOR-A-2", "FLOOR-A-3"}));

    // Nothing of the second order remains; the first is untouched.
    EXPECT_EQ(repo_->find(second.id).error().code, ErrorCode::NotFound);
    auto kept = repo_->find(first.id);
    ASSERT_TRUE(kept.ok());
    EXPECT_EQ(kept->status, OrderStatus::PaymentPending);
    EXPECT_EQ(sortedSeatIds(*kept), sortedSeatIds(first));
    EXPECT_EQ(count("SELECT COUNT(*) FROM order_seats WHERE active = 1"), 3);
    EXPECT_EQ(*repo_->outboxDepth(), 1);

    // The same seat of another show is a different seat.
    Order elsewhere = makeOrder({"FLOOR-A-2"}, "user-2", kNow, "show-2");
    EXPECT_TRUE(repo_->create(elsewhere, message(elsewhere, "order.created")).ok());
}

TEST_P(OrderRepositoryTest, SecondOrderForTheSameHoldIsAConflict) {
    Order first = makeOrder({"FLOOR-A-1"});
    ASSERT_TRUE(repo_->create(first, message(first, "order.created")).ok());

    Order again = makeOrder({"FLOOR-A-5"});
    again.holdId = first.holdId;
    auto r = repo_->create(again, message(again, "order.created"));
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code, ErrorCode::Conflict);

    // A retry of the very same order (same id, same hold, same seats) is a conflict too, not a
    // seat problem: the seats are its own.
    auto retried = repo_->create(first, message(first, "order.created"));
    ASSERT_FALSE(retried.ok());
    EXPECT_EQ(retried.error().code, ErrorCode::Conflict);
    EXPECT_EQ(count("SELECT COUNT(*) FROM orders"), 1);
    EXPECT_EQ(*repo_->outboxDepth(), 1);
}

TEST_P(OrderRepositoryTest, ConcurrentOrdersForOneSeatLetExactlyOneWin) {
    constexpr int kThreads = 16;
    for (const std::string seat : {"FLOOR-A-1", "FLOOR-A-7"}) {
        std::vector<Order> orders;
        for (int i = 0; i < kThreads; ++i) orders.push_back(makeOrder({seat, "OWN-" + seat + "-" + std::to_string(i)}));
        std::latch start(kThreads);
        std::vector<Result<void>> results(kThreads);
        std::vector<std::thread> threads;
        for (int i = 0; i < kThreads; ++i) {
            threads.emplace_back([&, i] {
                const OutboxMessage m = message(orders[i], "order.created");
                start.arrive_and_wait();
                results[i] = repo_->create(orders[i], m);
            });
        }
        for (auto& t : threads) t.join();

        int won = 0;
        for (int i = 0; i < kThreads; ++i) {
            if (results[i].ok()) {
                ++won;
                continue;
            }
            const Error& e = results[i].error();
            EXPECT_EQ(e.code, ErrorCode::SeatsUnavailable) << e.detail << " / " << e.internal;
            EXPECT_EQ(e.subjects, std::vector<std::string>{seat});
        }
        EXPECT_EQ(won, 1) << seat;
        EXPECT_EQ(count("SELECT COUNT(*) FROM order_seats WHERE active = 1 AND seat_id = '" + seat + "'"), 1);
    }
    EXPECT_EQ(count("SELECT COUNT(*) FROM orders"), 2);
    EXPECT_EQ(*repo_->outboxDepth(), 2);
}

TEST_P(OrderRepositoryTest, SeatCanBeOrderedAgainAfterExpiryCancellationOrFailure) {
    Order a = makeOrder({"FLOOR-A-1", "FLOOR-A-2"});
    ASSERT_TRUE(repo_->create(a, message(a, "order.created")).ok());
    auto expired = moveTo(a, OrderStatus::Expired, a.expiresAt, "order.expired");
    ASSERT_TRUE(expired.ok()) << expired.error().internal;
    EXPECT_EQ(expired->status, OrderStatus::Expired);
    EXPECT_EQ(expired->updatedAt, a.expiresAt);

    Order b = makeOrder({"FLOOR-A-1"}, "user-2");
    ASSERT_TRUE(repo_->create(b, message(b, "order.created")).ok());
    auto cancelled = moveTo(b, OrderStatus::Cancelled, kNow + 10, "order.cancelled");
    ASSERT_TRUE(cancelled.ok());
    EXPECT_EQ(cancelled->status, OrderStatus::Cancelled);

    Order c = makeOrder({"FLOOR-A-1", "FLOOR-A-2"}, "user-3");
    ASSERT_TRUE(repo_->create(c, message(c, "order.created")).ok());
    auto failed = moveTo(c, OrderStatus::Failed, kNow + 20, "order.failed");
    ASSERT_TRUE(failed.ok());
    EXPECT_EQ(failed->status, OrderStatus::Failed);

    Order d = makeOrder({"FLOOR-A-2", "FLOOR-A-1"}, "user-4");
    ASSERT_TRUE(repo_->create(d, message(d, "order.created")).ok());

    EXPECT_EQ(repo_->find(a.id)->status, OrderStatus::Expired);
    EXPECT_EQ(repo_->find(b.id)->status, OrderStatus::Cancelled);
    EXPECT_EQ(count("SELECT COUNT(*) FROM order_seats WHERE active = 1"), 2);
    EXPECT_EQ(count("SELECT COUNT(*) FROM order_seats WHERE active = 1 AND order_id = '" + d.id.str() + "'"), 2);
    EXPECT_EQ(*repo_->outboxDepth(), 7);
}

TEST_P(OrderRepositoryTest, SeatIdsWithQuotesBackslashesCommasAndBracesRoundTrip) {
    // On PostgreSQL the seats travel as one array literal: every character that literal treats
    // specially must come back unchanged.
    const std::vector<std::string> seats{"A\"1", "B\\2", "C,3", "D 4", "{E}", "NULL"};
    Order o = makeOrder(seats);
    ASSERT_TRUE(repo_->create(o, message(o, "order.created")).ok());
    auto found = repo_->find(o.id);
    ASSERT_TRUE(found.ok()) << found.error().internal;
    EXPECT_EQ(sortedSeatIds(*found), sorted(seats));

    auto confirmed = confirm(o, kNow + 1);
    ASSERT_TRUE(confirmed.ok()) << confirmed.error().internal;
    std::vector<std::string> ticketSeats;
    for (const auto& t : confirmed->tickets) {
        EXPECT_EQ(t.code, "T-" + o.id.str() + "-" + t.seatId.str());
        ticketSeats.push_back(t.seatId.str());
    }
    EXPECT_EQ(sorted(ticketSeats), sorted(seats));
    EXPECT_EQ(repo_->find(o.id)->tickets.size(), seats.size());

    // The same seat once more is refused by name, quotes and all.
    Order again = makeOrder({"A\"1"}, "user-2");
    auto r = repo_->create(again, message(again, "order.created"));
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code, ErrorCode::SeatsUnavailable);
    EXPECT_EQ(r.error().subjects, std::vector<std::string>{"A\"1"});
}

INSTANTIATE_TEST_SUITE_P(Dialects, OrderRepositoryTest,
                         ::testing::Values(Store{Dialect::Postgres, true}, Store{Dialect::Postgres, false},
                                           Store{Dialect::Sqlite, false}),
                         storeName);

}  // namespace
