// boxoffice-bench-bookings: full bookings (hold -> order -> confirm) per second against a running
// service, closed loop: each worker books 2 adjacent seats of its own (no conflicts), as a new
// user each time, on keep-alive connections. Prints bookings/s and per-step latency percentiles.
//
//   boxoffice-bench-bookings --base http://127.0.0.1:8080 --show ID --secret S [--seats 20000]
//                            [--workers 64] [--seconds 10]        (--help for every flag)
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstring>
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

namespace {

using Clock = std::chrono::steady_clock;

double pct(std::vector<double>& v, double p) {
    if (v.empty()) return 0;
    std::sort(v.begin(), v.end());
    return v[std::min(v.size() - 1, static_cast<std::size_t>(p / 100.0 * static_cast<double>(v.size())))];
}

}  // namespace

int main(int argc, char** argv) {
    std::string base = "http://127.0.0.1:8080", show, secret;
    int seats = 20000, workers = 64, seconds = 10;
    CLI::App app(
        "boxoffice-bench-bookings: full bookings (hold -> order -> confirm) per second against a running\n"
        "service, closed loop, 2 adjacent seats of its own per booking (no conflicts).",
        "boxoffice-bench-bookings");
    boxoffice::load::setUpCliApp(app);
    app.add_option("--base", base, "the service, http://HOST:PORT")->type_name("URL")->capture_default_str();
    app.add_option("--show", show, "the show to book (required; loadtest/stack.sh seeds one)")->type_name("ID");
    app.add_option("--secret", secret, "the service's JWT secret, to mint a user per booking (required)")
        ->type_name("S");
    app.add_option("--seats", seats, "seats of the show (demo arena seat names)")
        ->type_name("N")
        ->transform(boxoffice::cli::kDecimal)
        ->capture_default_str();
    app.add_option("--workers", workers, "closed-loop workers, each on its keep-alive connection")
        ->type_name("N")
        ->transform(boxoffice::cli::kDecimal)
        ->capture_default_str();
    app.add_option("--seconds", seconds, "how long to book")
        ->type_name("N")
        ->transform(boxoffice::cli::kDecimal)
        ->capture_default_str();
    if (auto exit = boxoffice::load::parseArguments(app, {argv + 1, argv + argc}, std::cout, std::cerr)) return *exit;
    if (show.empty() || secret.empty() || base.rfind("http://", 0) != 0)
        return boxoffice::load::usageError(app, "--show and --secret are required, --base is an http:// URL",
                                           std::cerr);
    const std::string hostPort = base.substr(7);
    const auto colon = hostPort.rfind(':');
    const std::string host = hostPort.substr(0, colon);
    const int port = std::stoi(hostPort.substr(colon + 1));

    boxoffice::SystemClock clock;
    boxoffice::auth::JwtCodec jwt(secret, clock);
    std::atomic<int> nextPair{0}, bookings{0}, failures{0};
    std::atomic<bool> soldOut{false};
    std::mutex mu;
    std::vector<double> holdMs, orderMs, confirmMs, bookingMs;
    const auto deadline = Clock::now() + std::chrono::seconds(seconds);
    const auto started = Clock::now();
    std::vector<std::thread> threads;
    for (int w = 0; w < workers; ++w) {
        threads.emplace_back([&, w] {
            boxoffice::testing::HttpClient c(port, host);
            std::vector<double> h, o, cf, b;
            for (int n = 0; Clock::now() < deadline; ++n) {
                const int pair = nextPair++;
                if (pair * 2 + 1 >= seats) {  // sold out (rows have 50 seats: a pair never straddles two)
                    soldOut = true;
                    break;
                }
                const std::string token = jwt.mint({"bench-" + std::to_string(w) + "-" + std::to_string(n),
                                                    boxoffice::auth::Role::User, std::chrono::seconds(3600)});
                const std::vector<std::string> auth{"Content-Type: application/json", "Authorization: Bearer " + token,
                                                    "Connection: keep-alive"};
                const auto t0 = Clock::now();
                auto hr = c.request("POST", "/v1/holds",
                                    nlohmann::json{{"showId", show},
                                                   {"seatIds",
                                                    {boxoffice::app::arenaSeatId(pair * 2, seats),
                                                     boxoffice::app::arenaSeatId(pair * 2 + 1, seats)}}}
                                        .dump(),
                                    auth);
                const auto t1 = Clock::now();
                if (hr.status != 201) {
                    ++failures;
                    continue;
                }
                auto orr = c.request("POST", "/v1/orders",
                                     nlohmann::json{{"holdId", hr.json()["holdId"]},
                                                    {"customer", {{"name", "Bench"}, {"email", "bench@example.com"}}}}
                                         .dump(),
                                     auth);
                const auto t2 = Clock::now();
                if (orr.status != 201) {
                    ++failures;
                    continue;
                }
                auto cr =
                    c.request("POST", "/v1/orders/" + orr.json()["orderId"].get<std::string>() + "/confirm-payment",
                              R"({"paymentReference":"bench"})", auth);
                const auto t3 = Clock::now();
                if (cr.status != 200) {
                    ++failures;
                    continue;
                }
                ++bookings;
                auto ms = [](auto a, auto z) { return std::chrono::duration<double, std::milli>(z - a).count(); };
                h.push_back(ms(t0, t1));
                o.push_back(ms(t1, t2));
                cf.push_back(ms(t2, t3));
                b.push_back(ms(t0, t3));
            }
            std::lock_guard lock(mu);
            holdMs.insert(holdMs.end(), h.begin(), h.end());
            orderMs.insert(orderMs.end(), o.begin(), o.end());
            confirmMs.insert(confirmMs.end(), cf.begin(), cf.end());
            bookingMs.insert(bookingMs.end(), b.begin(), b.end());
        });
    }
    for (auto& t : threads) t.join();
    const double elapsed = std::chrono::duration<double>(Clock::now() - started).count();
    std::printf("bookings: %d in %.1f s = %.0f bookings/s (%d failed), %d workers\n", bookings.load(), elapsed,
                bookings.load() / elapsed, failures.load(), workers);
    // Sold out before the deadline: the rate is still right, but over a shorter run than asked.
    if (soldOut) std::printf("  (the show sold out after %.1f s: use more --seats for a full run)\n", elapsed);
    std::printf("  hold     p50 %6.2f ms  p99 %6.2f ms\n", pct(holdMs, 50), pct(holdMs, 99));
    std::printf("  order    p50 %6.2f ms  p99 %6.2f ms\n", pct(orderMs, 50), pct(orderMs, 99));
    std::printf("  confirm  p50 %6.2f ms  p99 %6.2f ms\n", pct(confirmMs, 50), pct(confirmMs, 99));
    std::printf("  booking  p50 %6.2f ms  p99 %6.2f ms\n", pct(bookingMs, 50), pct(bookingMs, 99));
    return failures.load() > 0 ? 1 : 0;
}
