// Races over HTTP against the real stacks, asserting invariants over the final state (never
// timings): one winner per seat, no seat in two active orders even when Redis loses everything
// mid-sale, and every confirmed order owning exactly its tickets.
#include <gtest/gtest.h>

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <atomic>
#include <barrier>
#include <filesystem>
#include <map>
#include <mutex>
#include <random>
#include <set>
#include <thread>

#include <soci/soci.h>

#include "app/demo_seed.hpp"
#include "storage/redis/redis_connection.hpp"
#include "storage/sql/sql_catalog_repository.hpp"
#include "support/test_app.hpp"
#include "support/test_env.hpp"
#include "util/random_id.hpp"

namespace boxoffice::testing {
namespace {

using nlohmann::json;

// A redis-server of this test's own, so flushing it cannot disturb tests running in parallel.
class PrivateRedis {
public:
    PrivateRedis() {
        dir_ = std::filesystem::temp_directory_path() /
               ("bx-redis-" + std::to_string(::getpid()) + "-" + std::to_string(counter_++));
        std::filesystem::create_directories(dir_);
        port_ = freeLoopbackPort();
        pid_ = ::fork();
        if (pid_ == 0) {
            std::freopen((dir_ / "redis.log").c_str(), "w", stdout);
            ::execlp("redis-server", "redis-server", "--bind", "127.0.0.1", "--port", std::to_string(port_).c_str(),
                     "--save", "", "--appendonly", "no", "--dir", dir_.c_str(), static_cast<char*>(nullptr));
            ::_exit(127);
        }
        for (int i = 0; i < 100; ++i) {
            if (command({"PING"})) return;
            std::this_thread::sleep_for(std::chrono::milliseconds(20));
        }
        throw std::runtime_error("private redis-server did not start on port " + std::to_string(port_));
    }
    ~PrivateRedis() {
        ::kill(pid_, SIGTERM);
        ::waitpid(pid_, nullptr, 0);
        std::filesystem::remove_all(dir_);
    }
    std::string url() const { return "redis://127.0.0.1:" + std::to_string(port_); }
    bool command(const std::vector<std::string>& argv) {
        redis::RedisOptions o;
        o.endpoint.host = "127.0.0.1";
        o.endpoint.port = port_;
        redis::RedisConnection c(o);
        auto r = c.command(argv);
        return r.ok() && r->type != redis::Reply::Type::Error;
    }

private:
    static inline std::atomic<int> counter_{0};
    std::filesystem::path dir_;
    int port_ = 0;
    pid_t pid_ = -1;
};

std::string seedShow(TestApp& app, int seats) {
    sql::SqlCatalogRepository repo(app.app().database());
    SystemClock clock;
    util::RandomIdGenerator ids;
    auto demo = app::seedDemo(repo, clock, ids, seats);
    if (!demo) throw std::runtime_error(demo.error().detail);
    return demo->show.id.str();
}

std::string seatAt(int i) {  // FLOOR1-A-1 ... in layout order, 50 seats per row
    return "FLOOR1-" + std::string(1, static_cast<char>('A' + i / 50)) + "-" + std::to_string(i % 50 + 1);
}

class Races : public ::testing::TestWithParam<Backend> {};

TEST_P(Races, TwoHundredUsersRaceForOneSeatFiftyTimes) {
    TestApp app(GetParam(), [](app::Config& c) {
        c.booking.maxSeatsPerUser = 100;
        c.http.threads = 2;
    });
    const std::string show = seedShow(app, 1000);
    constexpr int kUsers = 200, kRounds = 50;
    std::vector<std::string> tokens;
    for (int u = 0; u < kUsers; ++u) tokens.push_back(app.userToken("racer-" + std::to_string(u)));
    std::vector<std::atomic<int>> wins(kRounds), losses(kRounds), errors(kRounds);
    std::barrier sync(kUsers);
    std::vector<std::thread> users;
    for (int u = 0; u < kUsers; ++u) {
        users.emplace_back([&, u] {
            HttpClient c(app.port());
            for (int round = 0; round < kRounds; ++round) {
                sync.arrive_and_wait();
                auto r = c.request("POST", "/v1/holds", json{{"showId", show}, {"seatIds", {seatAt(round)}}}.dump(),
                                   {"Content-Type: application/json", "Authorization: Bearer " + tokens[u]});
                if (r.status == 201)
                    ++wins[round];
                else if (r.status == 409)
                    ++losses[round];
                else
                    ++errors[round];
            }
        });
    }
    for (auto& t : users) t.join();
    for (int round = 0; round < kRounds; ++round) {
        EXPECT_EQ(wins[round].load(), 1) << "round " << round;
        EXPECT_EQ(losses[round].load(), kUsers - 1) << "round " << round;
        EXPECT_EQ(errors[round].load(), 0) << "round " << round;
    }
}

struct SaleOutcome {
    std::map<std::string, std::set<std::string>> confirmed;  // orderId -> seats the client was told it owns
    int conflicts = 0;
    int errors5xx = 0;
};

// `users` people each try to buy 2-4 adjacent seats among `pool` seats (heavily overlapping),
// retrying elsewhere up to 3 times; `midway` runs once when half of them have started.
SaleOutcome runSale(TestApp& app, const std::string& show, int users, int pool, const std::function<void()>& midway) {
    SaleOutcome out;
    std::mutex mu;
    std::atomic<int> next{0};
    std::once_flag midwayOnce;
    std::vector<std::thread> workers;
    for (int w = 0; w < 64; ++w) {
        workers.emplace_back([&, w] {
            HttpClient c(app.port());
            std::mt19937 rng(static_cast<unsigned>(w * 7919 + 17));
            for (int u = next++; u < users; u = next++) {
                if (u == users / 2 && midway) std::call_once(midwayOnce, midway);
                const std::string token = app.userToken("buyer-" + std::to_string(u));
                const std::vector<std::string> auth{"Content-Type: application/json", "Authorization: Bearer " + token};
                for (int attempt = 0; attempt < 3; ++attempt) {
                    const int size = 2 + static_cast<int>(rng() % 3);
                    const int start = static_cast<int>(rng() % static_cast<unsigned>(pool - size));
                    std::vector<std::string> seats;
                    for (int i = 0; i < size; ++i) seats.push_back(seatAt(start + i));
                    auto h = c.request("POST", "/v1/holds", json{{"showId", show}, {"seatIds", seats}}.dump(), auth);
                    if (h.status >= 500) {
                        std::lock_guard l(mu);
                        ++out.errors5xx;
                    }
                    if (h.status != 201) {
                        std::lock_guard l(mu);
                        ++out.conflicts;
                        continue;
                    }
                    auto o = c.request(
                        "POST", "/v1/orders",
                        json{{"holdId", h.json()["holdId"]}, {"customer", {{"name", "B"}, {"email", "b@example.com"}}}}
                            .dump(),
                        auth);
                    if (o.status >= 500) {
                        std::lock_guard l(mu);
                        ++out.errors5xx;
                    }
                    if (o.status != 201) continue;
                    const std::string orderId = o.json()["orderId"];
                    auto conf = c.request("POST", "/v1/orders/" + orderId + "/confirm-payment",
                                          json{{"paymentReference", "p"}}.dump(), auth);
                    if (conf.status >= 500) {
                        std::lock_guard l(mu);
                        ++out.errors5xx;
                    }
                    if (conf.status == 200 && conf.json()["status"] == "CONFIRMED") {
                        const json confirmed = conf.json();
                        std::lock_guard l(mu);
                        for (const auto& t : confirmed["tickets"])
                            out.confirmed[orderId].insert(t["seatId"].get<std::string>());
                    }
                    break;
                }
            }
        });
    }
    for (auto& t : workers) t.join();
    return out;
}

// The invariants, checked in the database itself.
void verifyInSql(TestApp& app, const std::string& show, const SaleOutcome& sale) {
    auto& db = app.app().database();
    long long doubleActive = -1, doubleTickets = -1, ticketsWithoutOrder = -1, mismatched = -1, confirmed = -1;
    auto r = db.run([&](soci::session& s) {
        s << "SELECT COUNT(*) FROM (SELECT seat_id FROM order_seats WHERE show_id = :s AND active = 1 "
             "GROUP BY seat_id HAVING COUNT(*) > 1) d",
            soci::use(show), soci::into(doubleActive);
        s << "SELECT COUNT(*) FROM (SELECT seat_id FROM tickets WHERE show_id = :s AND voided = 0 "
             "GROUP BY seat_id HAVING COUNT(*) > 1) d",
            soci::use(show), soci::into(doubleTickets);
        s << "SELECT COUNT(*) FROM tickets t JOIN orders o ON o.id = t.order_id WHERE t.show_id = :s AND o.status <> "
             "'CONFIRMED'",
            soci::use(show), soci::into(ticketsWithoutOrder);
        // A confirmed order whose tickets differ from its seats, in either direction.
        s << "SELECT COUNT(*) FROM orders o WHERE o.show_id = :s AND o.status = 'CONFIRMED' AND ("
             " EXISTS (SELECT 1 FROM order_seats os WHERE os.order_id = o.id AND NOT EXISTS "
             "   (SELECT 1 FROM tickets t WHERE t.order_id = o.id AND t.seat_id = os.seat_id)) OR"
             " EXISTS (SELECT 1 FROM tickets t WHERE t.order_id = o.id AND NOT EXISTS "
             "   (SELECT 1 FROM order_seats os WHERE os.order_id = o.id AND os.seat_id = t.seat_id)))",
            soci::use(show), soci::into(mismatched);
        s << "SELECT COUNT(*) FROM orders WHERE show_id = :s AND status = 'CONFIRMED'", soci::use(show),
            soci::into(confirmed);
    });
    ASSERT_TRUE(r.ok()) << r.error().internal;
    EXPECT_EQ(doubleActive, 0) << "a seat is in two active orders";
    EXPECT_EQ(doubleTickets, 0) << "a seat has two valid tickets";
    EXPECT_EQ(ticketsWithoutOrder, 0);
    EXPECT_EQ(mismatched, 0) << "a confirmed order does not own exactly its tickets";
    EXPECT_EQ(confirmed, static_cast<long long>(sale.confirmed.size()))
        << "every confirmation a client saw, and only those";
    std::set<std::string> seen;
    for (const auto& [order, seats] : sale.confirmed)
        for (const auto& s : seats) EXPECT_TRUE(seen.insert(s).second) << "seat " << s << " confirmed to two clients";
}

TEST_P(Races, FiveHundredUsersBookOverlappingSeatsAndNothingIsSoldTwice) {
    TestApp app(GetParam(), [](app::Config& c) { c.http.threads = 2; });
    const std::string show = seedShow(app, 1000);
    auto sale = runSale(app, show, 500, 300, {});
    EXPECT_EQ(sale.errors5xx, 0);
    EXPECT_GT(sale.confirmed.size(), 50u) << "the sale sold something";
    verifyInSql(app, show, sale);
}

INSTANTIATE_TEST_SUITE_P(Stacks, Races, ::testing::Values(Backend::Sqlite, Backend::PostgresRedis),
                         [](const auto& p) { return backendName(p.param); });

TEST(RedisLoss, FlushingRedisMidSaleNeverSellsASeatTwice) {
    PrivateRedis redis;
    TestApp app(Backend::Postgres, [&](app::Config& c) {
        c.redis.url = redis.url();
        c.http.threads = 2;
    });
    const std::string show = seedShow(app, 1000);
    auto sale = runSale(app, show, 500, 300, [&] { ASSERT_TRUE(redis.command({"FLUSHALL"})); });
    EXPECT_GT(sale.confirmed.size(), 50u);
    verifyInSql(app, show, sale);
    // After the flush the store was rebuilt from PostgreSQL: the seat map shows every sold seat.
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    auto avail = app.client().get("/v1/shows/" + show + "/seatmap/availability").json();
    std::size_t soldSeats = 0;
    for (const auto& [o, seats] : sale.confirmed) soldSeats += seats.size();
    EXPECT_EQ(avail["counts"]["SOLD"].get<std::size_t>(), soldSeats);
}

}  // namespace
}  // namespace boxoffice::testing
