// The decorator counts what the truth says: created and moved orders, expiries by who noticed,
// oversell-guard hits, and dependency failures by kind (not business outcomes).
#include "metrics/metered_order_repository.hpp"

#include <gtest/gtest.h>

namespace boxoffice::metrics {
namespace {

class FakeOrders final : public OrderRepository {
public:
    Result<void> createResult = Result<void>{};
    Result<void> create(const Order&, const OutboxMessage&) override { return createResult; }
    Result<Order> find(const OrderId&) override {
        return Error{ErrorCode::DependencyTimeout, "slow", {}, {}, "statement timeout", {}};
    }
    Result<Order> transition(const OrderTransition& t) override {
        Order o;
        o.status = t.to;
        return o;
    }
    Result<std::vector<Order>> ordersOf(const UserId&, int, int) override { return Error::notFound("x"); }
    Result<std::vector<Ticket>> ticketsOf(const UserId&, int, int) override { return std::vector<Ticket>{}; }
    Result<std::vector<Order>> expireDue(EpochMs, int, const std::function<OutboxMessage(const Order&)>&) override {
        return std::vector<Order>(3);
    }
    Result<std::vector<SeatClaim>> activeClaims(const ShowId&) override { return std::vector<SeatClaim>{}; }
    Result<long long> soldSeatCount(const ShowId&) override { return 0LL; }
    Result<long long> outboxDepth() override { return 0LL; }
};

double counterValue(prometheus::Registry& r, const std::string& name, const prometheus::Labels& labels) {
    double total = 0;
    for (const auto& f : r.Collect()) {
        if (f.name != name) continue;
        for (const auto& m : f.metric) {
            bool match = true;
            for (const auto& [k, v] : labels) {
                bool found = false;
                for (const auto& l : m.label) found = found || (l.name == k && l.value == v);
                match = match && found;
            }
            if (!match) continue;
            total += f.type == prometheus::MetricType::Histogram ? static_cast<double>(m.histogram.sample_count)
                                                                 : m.counter.value;
        }
    }
    return total;
}

TEST(MeteredOrderRepository, CountsTransitionsExpiriesGuardHitsAndFailuresByKind) {
    Metrics metrics("test", "abc");
    FakeOrders inner;
    MeteredOrderRepository repo(inner, metrics, "postgresql");
    auto& r = *metrics.registry();

    ASSERT_TRUE(repo.create(Order{}, OutboxMessage{}).ok());
    EXPECT_EQ(counterValue(r, "boxoffice_order_transitions_total", {{"to", "PAYMENT_PENDING"}}), 1);

    inner.createResult = Error{ErrorCode::SeatsUnavailable, "taken", {}, {"A-1"}, {}, {}};
    EXPECT_FALSE(repo.create(Order{}, OutboxMessage{}).ok());
    EXPECT_EQ(counterValue(r, "boxoffice_oversell_guard_hits_total", {}), 1);
    EXPECT_EQ(counterValue(r, "boxoffice_order_transitions_total", {{"to", "PAYMENT_PENDING"}}), 1);

    OrderTransition t;
    t.to = OrderStatus::Expired;
    ASSERT_TRUE(repo.transition(t).ok());
    ASSERT_TRUE(repo.expireDue(0, 10, [](const Order&) { return OutboxMessage{}; }).ok());
    EXPECT_EQ(counterValue(r, "boxoffice_order_transitions_total", {{"to", "EXPIRED"}}), 4);
    EXPECT_EQ(counterValue(r, "boxoffice_order_expiries_total", {{"via", "read"}}), 1);
    EXPECT_EQ(counterValue(r, "boxoffice_order_expiries_total", {{"via", "sweeper"}}), 3);

    EXPECT_FALSE(repo.find(OrderId{"x"}).ok());
    EXPECT_EQ(counterValue(r, "boxoffice_dependency_errors_total", {{"operation", "order_find"}, {"kind", "timeout"}}),
              1);
    EXPECT_FALSE(repo.ordersOf(UserId{"u"}, 1, 0).ok());  // not found is an answer, not a failure
    EXPECT_EQ(counterValue(r, "boxoffice_dependency_errors_total", {{"operation", "orders_of_user"}}), 0);
    EXPECT_EQ(counterValue(r, "boxoffice_dependency_request_duration_seconds",
                           {{"dependency", "postgresql"}, {"operation", "orders_of_user"}}),
              1);
}

}  // namespace
}  // namespace boxoffice::metrics
