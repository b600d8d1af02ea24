// The seat map against itself, the orders, the ledger, and a sold-out sale.
#include "verifier/checks.hpp"

#include <algorithm>
#include <map>
#include <set>
#include <sstream>

#include "verifier/check_helpers.hpp"
#include "verifier/seat_map.hpp"

namespace boxoffice::load {

using namespace check_helpers;

CheckOutput checkSeatMapConsistent(const SeatMap& map, const Ledger& ledger, std::optional<long long> dbSeatCount) {
    CheckOutput out;
    if (dbSeatCount && *dbSeatCount != map.seatCount)
        out.violations.push_back({"",
                                  "the seat map has " + std::to_string(map.seatCount) +
                                      " seats, the venue in the database " + std::to_string(*dbSeatCount),
                                  {},
                                  {}});
    for (const auto& problem : seatMapInconsistencies(map))
        out.violations.push_back({"", "seat map: " + problem, {}, {}});
    if (map.seatCount != ledger.seatsOnSale)
        out.violations.push_back({"",
                                  "the seat map has " + std::to_string(map.seatCount) +
                                      " seats, the sale started with " + std::to_string(ledger.seatsOnSale),
                                  {},
                                  {}});
    out.detail = std::to_string(map.countAvailable) + " available, " + std::to_string(map.countHeld) + " held, " +
                 std::to_string(map.countSold) + " sold of " + std::to_string(map.seatCount);
    return out;
}

CheckOutput checkNoStrandedCapacity(const SeatMap& map, const ServerState& state) {
    CheckOutput out;
    const auto pending = seatsOf(state, {"PAYMENT_PENDING"});
    std::vector<std::string> stranded;
    const std::size_t n = std::min(map.statuses.size(), map.seatIds.size());
    for (std::size_t i = 0; i < n; ++i)
        if (map.statuses[i] == 'H' && pending.count(map.seatIds[i]) == 0) stranded.push_back(map.seatIds[i]);
    std::sort(stranded.begin(), stranded.end());
    if (!stranded.empty())
        out.violations.push_back({"",
                                  std::to_string(stranded.size()) +
                                      " seats are still held after every hold and order the crowd was told of had "
                                      "expired, and no pending order holds them (" +
                                      state.source + "): " + sample(stranded),
                                  stranded,
                                  {}});
    out.detail =
        std::to_string(map.countHeld) + " seats held, " + std::to_string(pending.size()) + " of them by pending orders";
    return out;
}

CheckOutput checkSeatMapMatchesOrders(const SeatMap& map, const ServerState& state) {
    CheckOutput out;
    const auto confirmed = seatsOf(state, {"CONFIRMED"});
    const auto pending = seatsOf(state, {"PAYMENT_PENDING"});
    std::map<std::string, char> letter;
    const std::size_t n = std::min(map.statuses.size(), map.seatIds.size());
    for (std::size_t i = 0; i < n; ++i) letter[map.seatIds[i]] = map.statuses[i];

    std::vector<std::string> soldWithoutOrder;
    for (const auto& [seat, l] : letter)
        if (l == 'S' && confirmed.count(seat) == 0) soldWithoutOrder.push_back(seat);
    if (!soldWithoutOrder.empty())
        out.violations.push_back({"",
                                  std::to_string(soldWithoutOrder.size()) +
                                      " seats are sold on the seat map without a confirmed order (" + state.source +
                                      "): " + sample(soldWithoutOrder),
                                  soldWithoutOrder,
                                  {}});
    auto notShownAs = [&](const std::map<std::string, std::vector<std::string>>& seats, const std::string& allowed,
                          const std::string& what) {
        std::vector<std::string> bad;
        std::set<std::string> orders;
        for (const auto& [seat, ids] : seats) {
            const auto it = letter.find(seat);
            const char l = it == letter.end() ? '?' : it->second;
            if (allowed.find(l) == std::string::npos) {
                bad.push_back(seat + "=" + std::string(1, l));
                orders.insert(ids.begin(), ids.end());
            }
        }
        if (bad.empty()) return;
        std::vector<std::string> seatsOnly;
        for (const auto& b : bad) seatsOnly.push_back(b.substr(0, b.size() - 2));
        out.violations.push_back({"",
                                  std::to_string(bad.size()) + " seats of " + what + " orders are not shown " +
                                      allowed + " on the seat map: " + sample(bad),
                                  seatsOnly, sorted(orders)});
    };
    notShownAs(confirmed, "S", "confirmed");
    // A pending order whose window is over (or ends within the clocks' slack) has already let its
    // seats go in the hold store; the sweeper marks it EXPIRED in the database a moment later.
    std::map<std::string, std::vector<std::string>> pendingInWindow;
    for (const auto& [id, o] : state.orders)
        if (o.status == "PAYMENT_PENDING" && o.expiresAtMs > map.readAtMs + kClockSlackMs)
            for (const auto& s : o.seatIds) pendingInWindow[s].push_back(id);
    notShownAs(pendingInWindow, "HS", "pending");
    const LetterCounts c = countLetters(map.statuses);
    out.detail = std::to_string(confirmed.size()) + " seats in confirmed orders, " + std::to_string(c.sold) +
                 " sold letters; " + std::to_string(pending.size()) + " seats in pending orders, " +
                 std::to_string(c.held) + " held letters";
    return out;
}

CheckOutput checkLedgerCounts(const SeatMap& map, const Ledger& ledger) {
    CheckOutput out;
    std::set<std::string> toldSeats;
    long long toldOrders = 0;
    for (const auto& o : ledger.orders) {
        if (o.lastStatus != "CONFIRMED") continue;
        ++toldOrders;
        toldSeats.insert(o.seatIds.begin(), o.seatIds.end());
    }
    const auto told = static_cast<long long>(toldSeats.size());
    out.detail = "clients were told " + std::to_string(told) + " seats in " + std::to_string(toldOrders) +
                 " confirmed orders; the seat map shows " + std::to_string(map.countSold) + " sold, " +
                 std::to_string(map.countAvailable) + " available of " + std::to_string(map.seatCount);
    if (told != map.countSold) {
        std::vector<std::string> diff;
        const auto sold = seatsWithLetter(map, 'S');
        const std::set<std::string> soldSet(sold.begin(), sold.end());
        for (const auto& s : toldSeats)
            if (soldSet.count(s) == 0) diff.push_back(s);
        for (const auto& s : sold)
            if (toldSeats.count(s) == 0) diff.push_back(s);
        if (ledger.faultsInjected) {
            out.detail += " (faults were injected; differing seats: " + sample(diff) + ")";
        } else {
            out.violations.push_back({"",
                                      "the seat map's sold count differs from the clients': " + out.detail +
                                          "; differing seats: " + sample(diff),
                                      diff,
                                      {}});
        }
    }
    if (map.countSold + map.countAvailable + map.countHeld != ledger.seatsOnSale)
        out.violations.push_back(
            {"",
             "sold + available + held = " + std::to_string(map.countSold + map.countAvailable + map.countHeld) +
                 " but " + std::to_string(ledger.seatsOnSale) + " seats were on sale",
             {},
             {}});
    return out;
}

CheckOutput checkSoldOut(const SeatMap& map, const Ledger& ledger) {
    CheckOutput out;
    if (ledger.seatsWanted <= ledger.seatsOnSale || ledger.anyoneAbandons) {
        out.skipped = true;
        out.detail = ledger.anyoneAbandons
                         ? "the scenario abandons or cancels, so a sell-out is not promised"
                         : "demand (" + std::to_string(ledger.seatsWanted) + " seats) did not exceed supply (" +
                               std::to_string(ledger.seatsOnSale) + ")";
        return out;
    }
    out.detail = std::to_string(ledger.seatsWanted) + " seats wanted, " + std::to_string(ledger.seatsOnSale) +
                 " on sale, " + std::to_string(map.countSold) + " sold";
    if (map.countSold != map.seatCount) {
        auto unsold = seatsWithLetter(map, 'A');
        const auto held = seatsWithLetter(map, 'H');
        unsold.insert(unsold.end(), held.begin(), held.end());
        out.violations.push_back({"",
                                  "demand exceeded supply and nobody abandoned, but the show did not sell out: " +
                                      out.detail + "; unsold: " + sample(unsold),
                                  unsold,
                                  {}});
    }
    return out;
}

}  // namespace boxoffice::load
