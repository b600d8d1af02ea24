// PostgreSQL only: row locks, prepared statements, terminated connections and deadlocks.
#include "order_repository_fixture.hpp"

namespace {

using namespace boxoffice;
using namespace boxoffice::testing::order_repository;
using boxoffice::testing::TestEnv;
using namespace std::chrono_literals;

TEST_P(OrderRepositoryPgTest, ExpireDueSkipsOrdersAnotherSweeperHoldsInsteadOfWaiting) {
    std::vector<Order> due;
    for (int i = 0; i < 4; ++i) {
        due.push_back(makeOrder({"SEAT-" + std::to_string(i)}, "user-1", kNow - kWindow - 100 + i));
        ASSERT_TRUE(repo_->create(due.back(), message(due.back(), "order.created")).ok());
    }
    Result<std::vector<Order>> swept = Error{};
    // The oldest order is locked by another transaction (as a sweeper on another replica would
    // hold it) while this sweeper runs.
    auto held = db_->transact([&](soci::session& s) -> Result<void> {
        std::string id;
        s << "SELECT id FROM orders WHERE id = :id FOR UPDATE", soci::use(due[0].id.str()), soci::into(id);
        swept = repo_->expireDue(kNow, 10, [&](const Order& o) { return message(o, "order.expired"); });
        return {};
    });
    ASSERT_TRUE(held.ok()) << held.error().internal;
    ASSERT_TRUE(swept.ok()) << swept.error().internal;
    ASSERT_EQ(swept->size(), 3u);
    for (const auto& o : *swept) EXPECT_NE(o.id, due[0].id);
    EXPECT_EQ(repo_->find(due[0].id)->status, OrderStatus::PaymentPending);

    auto rest = repo_->expireDue(kNow, 10, [&](const Order& o) { return message(o, "order.expired"); });
    ASSERT_TRUE(rest.ok());
    ASSERT_EQ(rest->size(), 1u);
    EXPECT_EQ((*rest)[0].id, due[0].id);
}

// The statements are prepared once per connection (pg_statements.hpp): a connection that lost
// them, or a new one after a reconnect, must prepare them again rather than fail. Without
// prepared statements (PgBouncer in transaction mode) the server never holds a named one.
TEST_P(OrderRepositoryPgTest, StatementsForgottenByTheServerAreTransparentlyPreparedAgain) {
    DatabaseOptions o;
    o.url = url_;
    o.poolSize = 1;  // one connection: every call below runs on the one that was DEALLOCATEd
    o.preparedStatements = GetParam().prepared;
    auto db = Database::open(o);
    auto repoOwner = sql::makeOrderRepository(*db);
    OrderRepository& repo = *repoOwner;
    Order first = makeOrder({"FLOOR-A-1"});
    ASSERT_TRUE(repo.create(first, message(first, "order.created")).ok());
    ASSERT_TRUE(repo.find(first.id).ok());
    long long prepared = 0;
    ASSERT_TRUE(db->run([&](soci::session& s) {
                      s << "SELECT COUNT(*) FROM pg_prepared_statements WHERE name LIKE 'bx_%'", soci::into(prepared);
                      s << "DEALLOCATE ALL";
                  }).ok());
    EXPECT_EQ(prepared, GetParam().prepared ? 2 : 0);  // create and find, once each on this connection

    Order second = makeOrder({"FLOOR-A-2"});
    auto created = repo.create(second, message(second, "order.created"));
    ASSERT_TRUE(created.ok()) << created.error().internal;
    auto found = repo.find(second.id);
    ASSERT_TRUE(found.ok()) << found.error().internal;
    EXPECT_EQ(found->status, OrderStatus::PaymentPending);
    OrderTransition t{
        second.id, OrderStatus::Confirmed, kNow + 1, "pay", {}, message(second, "order.confirmed", kNow + 1)};
    t.tickets.push_back({"T-2", SeatId{"FLOOR-A-2"}, second.id, second.showId, second.userId, kNow + 1, {}});
    auto confirmed = repo.transition(t);
    ASSERT_TRUE(confirmed.ok()) << confirmed.error().internal;
    EXPECT_EQ(confirmed->tickets.size(), 1u);
    ASSERT_TRUE(
        repo.expireDue(kNow + kWindow, 10, [&](const Order& due) { return message(due, "order.expired"); }).ok());
    ASSERT_TRUE(db->run([&](soci::session& s) {
                      s << "SELECT COUNT(*) FROM pg_prepared_statements WHERE name LIKE 'bx_%'", soci::into(prepared);
                  }).ok());
    // create, find, confirm again; the sweeper's batch runs in a transaction, unnamed.
    EXPECT_EQ(prepared, GetParam().prepared ? 3 : 0);
}

TEST_P(OrderRepositoryPgTest, OrdersKeepWorkingAfterEveryPooledConnectionWasTerminated) {
    Order o = makeOrder({"FLOOR-A-1", "FLOOR-A-2"});
    ASSERT_TRUE(repo_->create(o, message(o, "order.created")).ok());
    ASSERT_TRUE(repo_->find(o.id).ok());

    std::string name;
    ASSERT_TRUE(db_->run([&](soci::session& s) { s << "SELECT current_database()", soci::into(name); }).ok());
    DatabaseOptions admin;
    admin.url = TestEnv::get().pgUrl;
    admin.poolSize = 1;
    auto other = Database::open(admin);
    long long alive = -1;
    ASSERT_TRUE(other
                    ->run([&](soci::session& s) {
                        s << "SELECT COUNT(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE datname = :d "
                             "AND backend_type = 'client backend'",
                            soci::use(name), soci::into(alive);
                        for (int i = 0; i < 100 && alive > 0; ++i) {  // backends exit asynchronously
                            std::this_thread::sleep_for(20ms);
                            s << "SELECT COUNT(*) FROM pg_stat_activity WHERE datname = :d "
                                 "AND backend_type = 'client backend'",
                                soci::use(name), soci::into(alive);
                        }
                    })
                    .ok());
    ASSERT_EQ(alive, 0);

    // Each call meets a dead connection, reconnects once, and prepares on the new one.
    auto found = repo_->find(o.id);
    ASSERT_TRUE(found.ok()) << found.error().internal;
    EXPECT_EQ(found->seats.size(), 2u);
    auto confirmed = confirm(o, kNow + 1);
    ASSERT_TRUE(confirmed.ok()) << confirmed.error().internal;
    EXPECT_EQ(confirmed->tickets.size(), 2u);
    Order next = makeOrder({"FLOOR-A-3"});
    ASSERT_TRUE(repo_->create(next, message(next, "order.created")).ok());
    auto cancelled = moveTo(next, OrderStatus::Cancelled, kNow + 2, "order.cancelled");
    ASSERT_TRUE(cancelled.ok()) << cancelled.error().internal;
    EXPECT_EQ(cancelled->seats.size(), 1u);
}

// PostgreSQL breaks a deadlock by rolling one side back (sqlstate 40P01). An operator's or a
// migration's transaction that locks the order tables one after the other can catch a
// confirmation between them: a prepared confirmation locks order_seats (which it reads) before
// orders (which it updates). Outside a transaction block nothing of the aborted statement was
// applied, so it is run again and succeeds once the other transaction commits; before, the client
// got a 500 (found by the fault suite's pg-stall run in CI).
TEST_P(OrderRepositoryPgTest, ConfirmationAbortedToBreakADeadlockIsRunAgainAndSucceeds) {
    DatabaseOptions one;
    one.url = url_;
    one.poolSize = 1;  // one connection, so the confirmation below runs already prepared
    one.poolWait = 10s;
    one.preparedStatements = GetParam().prepared;
    auto db = Database::open(one);
    auto repo = sql::makeOrderRepository(*db);
    auto confirmOn = [&](const Order& o) {
        OrderTransition t{o.id, OrderStatus::Confirmed, kNow + 1, "pay", {}, message(o, "order.confirmed", kNow + 1)};
        for (const auto& s : o.seats)
            t.tickets.push_back({"T-" + s.seatId.str(), s.seatId, o.id, o.showId, o.userId, kNow + 1, {}});
        return repo->transition(t);
    };
    Order warm = makeOrder({"FLOOR-A-1"});
    Order o = makeOrder({"FLOOR-A-2", "FLOOR-A-3"});
    ASSERT_TRUE(repo->create(warm, message(warm, "order.created")).ok());
    ASSERT_TRUE(repo->create(o, message(o, "order.created")).ok());
    ASSERT_TRUE(confirmOn(warm).ok());

    DatabaseOptions other;
    other.url = url_;
    other.poolSize = 1;
    other.poolWait = 10s;
    auto locker = Database::open(other);
    Result<Order> confirmed = Error{};
    std::thread confirmer;
    bool seatsLockedByTheConfirmation = false;
    auto held = locker->transact([&](soci::session& s) -> Result<void> {
        // This side checks for deadlocks only after 30 s, so PostgreSQL aborts the confirmation.
        s << "SET LOCAL deadlock_timeout = '30s'";
        s << "LOCK TABLE orders IN ACCESS EXCLUSIVE MODE";
        confirmer = std::thread([&] { confirmed = confirmOn(o); });
        const std::string locks =
            "SELECT COUNT(*) FROM pg_locks l JOIN pg_class c ON c.oid = l.relation "
            "WHERE l.database = (SELECT oid FROM pg_database WHERE datname = current_database()) "
            "AND l.pid <> pg_backend_pid() AND c.relname = ";
        long long waiting = 0;
        for (int i = 0; i < 1000 && waiting == 0; ++i) {
            s << locks + "'orders' AND NOT l.granted", soci::into(waiting);
            if (waiting == 0) std::this_thread::sleep_for(10ms);
        }
        long long seats = 0;
        s << locks + "'order_seats' AND l.granted", soci::into(seats);
        seatsLockedByTheConfirmation = waiting > 0 && seats > 0;
        s << "LOCK TABLE order_seats IN ACCESS EXCLUSIVE MODE";  // the deadlock, when it holds order_seats
        std::this_thread::sleep_for(200ms);
        return {};
    });
    if (confirmer.joinable()) confirmer.join();
    ASSERT_TRUE(held.ok()) << held.error().internal;
    // With prepared statements the scenario is a real deadlock; unnamed statements are parsed
    // afresh and lock orders first, so they only wait.
    if (GetParam().prepared) {
        EXPECT_TRUE(seatsLockedByTheConfirmation) << "the test no longer forms a deadlock";
    }
    ASSERT_TRUE(confirmed.ok()) << confirmed.error().internal;
    EXPECT_EQ(confirmed->status, OrderStatus::Confirmed);
    EXPECT_EQ(confirmed->tickets.size(), 2u);
    EXPECT_EQ(count("SELECT COUNT(*) FROM tickets WHERE order_id = '" + o.id.str() + "'"), 2);
    EXPECT_EQ(count("SELECT COUNT(*) FROM outbox WHERE event_type = 'order.confirmed' AND aggregate_id = '" +
                    o.id.str() + "'"),
              1);
}

INSTANTIATE_TEST_SUITE_P(Postgres, OrderRepositoryPgTest,
                         ::testing::Values(Store{Dialect::Postgres, true}, Store{Dialect::Postgres, false}), storeName);

}  // namespace
