// boxoffice-bench-verify: how long verify() takes on a crowd of N users, M of whom bought 2 seats
// (hold -> order -> confirm, booked first by a few threads), through the API and in PostgreSQL.
//
//   boxoffice-bench-verify --base URL --show ID --secret S --pg URL [--users 20000] [--buyers 5000]
//                          [--seats 20000] [--connections 32] [--every-user 1] [--pg '' for API only]
//                          (--help for every flag)
#include <atomic>
#include <chrono>
#include <cstdio>
#include <iostream>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "app/arena.hpp"
#include "app/cli_decimal.hpp"
#include "auth/jwt.hpp"
#include "common/cli_app.hpp"
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
    CLI::App app(
        "boxoffice-bench-verify: how long verify() takes on a crowd of --users users, --buyers of whom\n"
        "bought 2 seats, through the API and in PostgreSQL.",
        "boxoffice-bench-verify");
    boxoffice::load::setUpCliApp(app);
    app.add_option("--base", base, "the service, http://HOST:PORT (required)")->type_name("URL");
    app.add_option("--show", show, "the show to book and verify (required)")->type_name("ID");
    app.add_option("--secret", secret, "the service's JWT secret (required)")->type_name("S");
    app.add_option("--pg", pg, "its PostgreSQL, read by the verifier ('': the API only)")->type_name("URL");
    app.add_option("--users", users, "users in the crowd")
        ->type_name("N")
        ->transform(boxoffice::cli::kDecimal)
        ->capture_default_str();
    app.add_option("--buyers", buyers, "users who book 2 seats (at most --users and half of --seats)")
        ->type_name("N")
        ->transform(boxoffice::cli::kDecimal)
        ->capture_default_str();
    app.add_option("--seats", seats, "seats of the show (demo arena seat names)")
        ->type_name("N")
        ->transform(boxoffice::cli::kDecimal)
        ->capture_default_str();
    app.add_option("--connections", connections, "the verifier's connections")
        ->type_name("N")
        ->transform(boxoffice::cli::kDecimal)
        ->capture_default_str();
    app.add_option("--every-user", everyUser, "1: list every user's orders, not only the owners'")
        ->type_name("0|1")
        ->transform(boxoffice::cli::kDecimal)
        ->capture_default_str();
    if (auto exit = boxoffice::load::parseArguments(app, {argv + 1, argv + argc}, std::cout, std::cerr)) return *exit;
    if (base.empty() || show.empty() || secret.empty() || buyers * 2 > seats || buyers > users)
        return boxoffice::load::usageError(
            app, "--base, --show and --secret are required; --buyers at most --users and half of --seats", std::cerr);
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
