// The sweeper (expireDue) and the reads over many orders (activeClaims, ordersOf, ticketsOf).
#include "order_repository_fixture.hpp"

namespace {

using namespace boxoffice;
using namespace boxoffice::testing::order_repository;
using boxoffice::testing::TestEnv;
using namespace std::chrono_literals;

TEST_P(OrderRepositoryTest, ConcurrentSweepersExpireEachDueOrderExactlyOnce) {
    constexpr int kDue = 200;
    constexpr int kSweepers = 4;
    std::set<std::string> dueIds;
    for (int i = 0; i < kDue; ++i) {
        Order o = makeOrder({"SEAT-" + std::to_string(i)}, "user-" + std::to_string(i % 7), kNow - kWindow - 1000 + i);
        ASSERT_TRUE(repo_->create(o, message(o, "order.created")).ok());
        dueIds.insert(o.id.str());
    }
    std::vector<Order> notDue;
    for (int i = 0; i < 5; ++i) {
        notDue.push_back(makeOrder({"LATER-" + std::to_string(i)}, "user-1", kNow - kWindow + 1));
        ASSERT_TRUE(repo_->create(notDue.back(), message(notDue.back(), "order.created")).ok());
    }

    std::mutex mu;
    std::map<std::string, int> seen;  // order id -> how often a sweeper reported it expired
    std::vector<std::string> failures;
    std::latch start(kSweepers);
    std::vector<std::thread> sweepers;
    for (int s = 0; s < kSweepers; ++s) {
        sweepers.emplace_back([&] {
            start.arrive_and_wait();
            for (;;) {
                auto r = repo_->expireDue(kNow, 16, [&](const Order& o) {
                    std::lock_guard lock(mu);
                    if (o.status != OrderStatus::Expired || o.seats.size() != 1)
                        failures.push_back("bad order " + o.id.str());
                    return message(o, "order.expired", kNow);
                });
                std::lock_guard lock(mu);
                if (!r.ok()) {
                    failures.push_back(r.error().detail + " / " + r.error().internal);
                    return;
                }
                if (r->empty()) return;
                for (const auto& o : *r) ++seen[o.id.str()];
            }
        });
    }
    for (auto& t : sweepers) t.join();

    EXPECT_TRUE(failures.empty()) << failures.front();
    EXPECT_EQ(seen.size(), dueIds.size());
    for (const auto& [id, times] : seen) {
        EXPECT_EQ(times, 1) << id;
        EXPECT_EQ(dueIds.count(id), 1u) << id;
    }
    EXPECT_EQ(count("SELECT COUNT(*) FROM orders WHERE status = 'EXPIRED'"), kDue);
    EXPECT_EQ(count("SELECT COUNT(*) FROM orders WHERE status = 'PAYMENT_PENDING'"), 5);
    EXPECT_EQ(count("SELECT COUNT(*) FROM outbox WHERE event_type = 'order.expired'"), kDue);
    EXPECT_EQ(count("SELECT COUNT(DISTINCT aggregate_id) FROM outbox WHERE event_type = 'order.expired'"), kDue);
    EXPECT_EQ(count("SELECT COUNT(*) FROM order_seats WHERE active = 1"), 5);
    for (const auto& o : notDue) EXPECT_EQ(repo_->find(o.id)->status, OrderStatus::PaymentPending);

    auto nothingLeft = repo_->expireDue(kNow, 16, [&](const Order& o) { return message(o, "order.expired"); });
    ASSERT_TRUE(nothingLeft.ok());
    EXPECT_TRUE(nothingLeft->empty());
}

TEST_P(OrderRepositoryTest, ExpireDueHonoursTheLimitAndTakesTheOldestFirst) {
    std::vector<Order> due;
    for (int i = 0; i < 5; ++i) {
        due.push_back(makeOrder({"SEAT-" + std::to_string(i)}, "user-1", kNow - kWindow - 100 + i * 10));
        ASSERT_TRUE(repo_->create(due.back(), message(due.back(), "order.created")).ok());
    }
    auto first = repo_->expireDue(kNow, 2, [&](const Order& o) { return message(o, "order.expired"); });
    ASSERT_TRUE(first.ok()) << first.error().internal;
    ASSERT_EQ(first->size(), 2u);
    EXPECT_EQ((*first)[0].id, due[0].id);
    EXPECT_EQ((*first)[1].id, due[1].id);
    EXPECT_EQ((*first)[0].updatedAt, kNow);
    EXPECT_EQ(count("SELECT COUNT(*) FROM orders WHERE status = 'PAYMENT_PENDING'"), 3);
}

TEST_P(OrderRepositoryTest, ActiveClaimsListSeatsOfPendingAndConfirmedOrdersOfTheShow) {
    Order pending = makeOrder({"FLOOR-A-2", "FLOOR-A-1"}, "user-1");
    Order sold = makeOrder({"FLOOR-B-1"}, "user-2");
    Order cancelled = makeOrder({"FLOOR-C-1"}, "user-3");
    Order otherShow = makeOrder({"FLOOR-D-1"}, "user-4", kNow, "show-2");
    for (const auto* o : {&pending, &sold, &cancelled, &otherShow}) {
        ASSERT_TRUE(repo_->create(*o, message(*o, "order.created")).ok());
    }
    ASSERT_TRUE(confirm(sold, kNow + 1).ok());
    ASSERT_TRUE(moveTo(cancelled, OrderStatus::Cancelled, kNow + 1, "order.cancelled").ok());

    auto claims = repo_->activeClaims(ShowId{"show-1"});
    ASSERT_TRUE(claims.ok()) << claims.error().internal;
    ASSERT_EQ(claims->size(), 3u);
    const auto& c = *claims;
    EXPECT_EQ(c[0].seatId.str(), "FLOOR-A-1");
    EXPECT_EQ(c[0].orderId, pending.id);
    EXPECT_EQ(c[0].userId, pending.userId);
    EXPECT_EQ(c[0].expiresAt, pending.expiresAt);
    EXPECT_EQ(c[1].seatId.str(), "FLOOR-A-2");
    EXPECT_EQ(c[1].expiresAt, pending.expiresAt);
    EXPECT_EQ(c[2].seatId.str(), "FLOOR-B-1");
    EXPECT_EQ(c[2].orderId, sold.id);
    EXPECT_EQ(c[2].userId, sold.userId);
    EXPECT_EQ(c[2].expiresAt, 0);

    auto none = repo_->activeClaims(ShowId{"show-unknown"});
    ASSERT_TRUE(none.ok());
    EXPECT_TRUE(none->empty());
}

TEST_P(OrderRepositoryTest, OrdersOfAndTicketsOfPageNewestFirst) {
    Order o1 = makeOrder({"FLOOR-A-1", "FLOOR-A-2"}, "user-1", kNow);
    Order o2 = makeOrder({"FLOOR-A-3"}, "user-1", kNow + 100);
    Order o3 = makeOrder({"FLOOR-A-4"}, "user-1", kNow + 200);
    Order stranger = makeOrder({"FLOOR-A-5"}, "user-2", kNow + 300);
    for (const auto* o : {&o1, &o2, &o3, &stranger}) ASSERT_TRUE(repo_->create(*o, message(*o, "order.created")).ok());
    ASSERT_TRUE(confirm(o1, kNow + 400).ok());
    ASSERT_TRUE(confirm(o3, kNow + 500).ok());
    ASSERT_TRUE(confirm(stranger, kNow + 600).ok());

    auto page1 = repo_->ordersOf(UserId{"user-1"}, 2, 0);
    ASSERT_TRUE(page1.ok()) << page1.error().internal;
    ASSERT_EQ(page1->size(), 2u);
    EXPECT_EQ((*page1)[0].id, o3.id);
    EXPECT_EQ((*page1)[0].status, OrderStatus::Confirmed);
    EXPECT_EQ((*page1)[0].tickets.size(), 1u);
    EXPECT_EQ((*page1)[1].id, o2.id);
    EXPECT_EQ(sortedSeatIds((*page1)[1]), std::vector<std::string>{"FLOOR-A-3"});
    auto page2 = repo_->ordersOf(UserId{"user-1"}, 2, 2);
    ASSERT_TRUE(page2.ok());
    ASSERT_EQ(page2->size(), 1u);
    EXPECT_EQ((*page2)[0].id, o1.id);
    EXPECT_EQ((*page2)[0].seats.size(), 2u);
    EXPECT_TRUE(repo_->ordersOf(UserId{"user-1"}, 2, 4)->empty());
    EXPECT_TRUE(repo_->ordersOf(UserId{"user-9"}, 10, 0)->empty());

    auto tickets = repo_->ticketsOf(UserId{"user-1"}, 10, 0);
    ASSERT_TRUE(tickets.ok()) << tickets.error().internal;
    ASSERT_EQ(tickets->size(), 3u);
    EXPECT_EQ((*tickets)[0].orderId, o3.id);
    EXPECT_EQ((*tickets)[0].seatId.str(), "FLOOR-A-4");
    EXPECT_EQ((*tickets)[0].issuedAt, kNow + 500);
    EXPECT_EQ((*tickets)[0].userId, UserId{"user-1"});
    EXPECT_EQ((*tickets)[0].showId, ShowId{"show-1"});
    EXPECT_EQ((*tickets)[1].orderId, o1.id);
    EXPECT_EQ((*tickets)[1].seatId.str(), "FLOOR-A-1");
    EXPECT_EQ((*tickets)[2].seatId.str(), "FLOOR-A-2");
    auto tail = repo_->ticketsOf(UserId{"user-1"}, 2, 1);
    ASSERT_TRUE(tail.ok());
    ASSERT_EQ(tail->size(), 2u);
    EXPECT_EQ((*tail)[0].seatId.str(), "FLOOR-A-1");
    EXPECT_EQ((*tail)[1].seatId.str(), "FLOOR-A-2");
    EXPECT_TRUE(repo_->ticketsOf(UserId{"user-9"}, 10, 0)->empty());
}

}  // namespace
