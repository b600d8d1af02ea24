// boxoffice-bench-verify: how long verify() takes on a crowd of N users, M of whom bought 2 seats
// (hold -> order -> confirm, booked first by a few threads), through the API and in PostgreSQL.
//
//   boxoffice-bench-verify --base URL --show ID --secret S --pg URL [--users 20000] [--buyers 5000]
//                          [--seats 20000] [--connections 32] [--every-user 1] [--pg '' for API only]
#include <atomic>
#include <chrono>
#include <cstdio>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "app/arena.hpp"
#include "auth/jwt.hpp"
#include "support/http_client.hpp"
#include "verifier/verifier.hpp"

namespace {

using Clock = std::chrono::steady_clock;

double secondsSince(Clock::time_point t) {
    return std::chrono::duration<double>(Clock::now() - t).count();
}

}  // namespace

int main(int argc, char** argv) {
    std::string base, show, secret, pg;
    int users = 20000, buyers = 5000, seats = 20000, connections = 32;
    bool everyUser = false;
    for (int i = 1; i + 1 < argc; i += 2) {
        const std::string k = argv[i], v = argv[i + 1];
        if (k == "--base") base = v;
        if (k == "--show") show = v;
        if (k == "--secret") secret = v;
        if (k == "--pg") pg = v;
        if (k == "--users") users = std::stoi(v);
        if (k == "--buyers") buyers = std::stoi(v);
        if (k == "--seats") seats = std::stoi(v);
        if (k == "--connections") connections = std::stoi(v);
        if (k == "--every-user") everyUser = v == "1";
    }
    if (base.empty() || show.empty() || secret.empty() || buyers * 2 > seats || buyers > users) {
        std::fprintf(stderr, "usage: boxoffice-bench-verify --base URL --show ID --secret S [--pg URL] ...\n");
        return 2;
    }
    const auto port = std::stoi(base.substr(base.rfind(':') + 1));
    boxoffice::SystemClock clock;
    boxoffice::auth::JwtCodec jwt(secret, clock);
    boxoffice::load::Ledger ledger;
    ledger.showId = show;
    ledger.seatsOnSale = seats;
    for (int u = 0; u < users; ++u) {
        const std::string id = "crowd-" + std::to_string(u);
        ledger.tokenOf[id] = jwt.mint({id, boxoffice::auth::Role::User, std::chrono::hours(1)});
    }
    ledger.seatsWanted = 2LL * buyers;

    const auto bookStart = Clock::now();
    std::mutex mu;
    std::atomic<int> next{0};
    std::vector<std::thread> threads;
    for (int t = 0; t < 16; ++t) {
        threads.emplace_back([&] {
            boxoffice::testing::HttpClient c(port);
            for (int b = next++; b < buyers; b = next++) {
                const std::string id = "crowd-" + std::to_string(b);
                const std::vector<std::string> h{"Content-Type: application/json", "Connection: keep-alive",
                                                 "Authorization: Bearer " + ledger.tokenOf.at(id)};
                const nlohmann::json seatIds = {boxoffice::app::arenaSeatId(2 * b, seats),
                                                boxoffice::app::arenaSeatId(2 * b + 1, seats)};
                auto hold =
                    c.request("POST", "/v1/holds", nlohmann::json{{"showId", show}, {"seatIds", seatIds}}.dump(), h);
                if (hold.status != 201) continue;
                auto order = c.request("POST", "/v1/orders",
                                       nlohmann::json{{"holdId", hold.json()["holdId"]},
                                                      {"customer", {{"name", "B"}, {"email", "b@example.com"}}}}
                                           .dump(),
                                       h);
                if (order.status != 201) continue;
                const std::string orderId = order.json()["orderId"].get<std::string>();
                auto conf = c.request("POST", "/v1/orders/" + orderId + "/confirm-payment",
                                      nlohmann::json{{"paymentReference", "p"}}.dump(), h);
                if (conf.status != 200) continue;
                const nlohmann::json confirmed = conf.json();
                boxoffice::load::SeenOrder seen{orderId,     id, seatIds.get<std::vector<std::string>>(),
                                                "CONFIRMED", {}, false};
                for (const auto& tk : confirmed["tickets"])
                    seen.tickets.push_back({tk["ticketCode"].get<std::string>(), tk["seatId"].get<std::string>()});
                std::lock_guard l(mu);
                ledger.orders.push_back(std::move(seen));
            }
        });
    }
    for (auto& t : threads) t.join();
    std::printf("booked %zu of %d orders in %.1f s\n", ledger.orders.size(), buyers, secondsSince(bookStart));

    boxoffice::load::VerifyOptions options;
    options.baseUrl = base;
    options.postgresUrl = pg;
    options.connections = connections;
    options.listEveryUser = everyUser;
    const auto start = Clock::now();
    const auto v = boxoffice::load::verify(ledger, options);
    const double took = secondsSince(start);
    std::printf("verify(): %d users, %zu orders, %s, %s, %d connections: %.2f s, %s (%zu checks, %zu violations)\n",
                users, ledger.orders.size(), pg.empty() ? "API only" : "API + PostgreSQL",
                everyUser || pg.empty() ? "every user listed" : "order owners listed", connections, took,
                v.ok() ? "clean" : "VIOLATIONS", v.checks.size(), v.violations.size());
    if (!v.ok()) std::printf("%s\n", boxoffice::load::toJson(v).dump(2).c_str());
    return v.ok() ? 0 : 1;
}
