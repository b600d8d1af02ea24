#include "verifier/checks.hpp"

#include <algorithm>
#include <cmath>
#include <map>
#include <set>
#include <sstream>

#include "verifier/seat_map.hpp"

namespace boxoffice::load {
namespace {

constexpr std::size_t kListed = 20;
constexpr long long kClockSlackMs =
    1000;  // between the service's clock and ours  // names listed in one message; every one is in the Violation

std::string sample(const std::vector<std::string>& names) {
    std::string out;
    for (std::size_t i = 0; i < names.size() && i < kListed; ++i) out += (i == 0 ? "" : ", ") + names[i];
    if (names.size() > kListed) out += ", ... (" + std::to_string(names.size()) + " in all)";
    return out;
}

std::vector<std::string> sorted(std::set<std::string> s) {
    return {s.begin(), s.end()};
}

const ServerOrder* find(const ServerState& state, const std::string& id) {
    const auto it = state.orders.find(id);
    return it == state.orders.end() ? nullptr : &it->second;
}

template <typename Ticket>
std::set<std::pair<std::string, std::string>> ticketPairs(const std::vector<Ticket>& tickets) {
    std::set<std::pair<std::string, std::string>> out;
    for (const auto& t : tickets) out.emplace(t.ticketCode, t.seatId);
    return out;
}

std::string pairsText(const std::set<std::pair<std::string, std::string>>& pairs) {
    std::vector<std::string> items;
    for (const auto& [code, seat] : pairs) items.push_back(code + "@" + seat);
    return "[" + sample(items) + "]";
}

// Seats of the show's orders whose status is in `statuses`, seat -> orders.
std::map<std::string, std::vector<std::string>> seatsOf(const ServerState& state,
                                                        const std::set<std::string>& statuses) {
    std::map<std::string, std::vector<std::string>> out;
    for (const auto& [id, o] : state.orders)
        if (statuses.count(o.status) > 0)
            for (const auto& s : o.seatIds) out[s].push_back(id);
    return out;
}

}  // namespace

void record(Verification& v, const std::string& name, CheckOutput out) {
    CheckResult r;
    r.name = name;
    if (out.skipped) {
        r.outcome = CheckResult::Outcome::Skipped;
    } else if (out.violations.empty()) {
        r.outcome = CheckResult::Outcome::Passed;
    } else {
        r.outcome = CheckResult::Outcome::Failed;
        if (out.detail.empty()) out.detail = std::to_string(out.violations.size()) + " violation(s)";
    }
    r.detail = out.detail;
    v.checks.push_back(std::move(r));
    for (auto& x : out.violations) {
        x.check = name;
        v.violations.push_back(std::move(x));
    }
}

CheckOutput checkServerErrors(const Ledger& ledger) {
    CheckOutput out;
    std::vector<std::string> listed;
    for (const auto& [key, count] : ledger.responses) {
        const auto space = key.rfind(' ');
        if (space != std::string::npos && key.size() - space == 4 && key[space + 1] == '5')
            listed.push_back(key + " x" + std::to_string(count));
    }
    std::ostringstream d;
    d << ledger.http5xx << " 5xx, " << ledger.transportErrors << " transport errors";
    if (!listed.empty()) d << " (" << sample(listed) << ")";
    if (ledger.faultsInjected) d << "; faults were injected, so they are only counted";
    out.detail = d.str();
    if (!ledger.faultsInjected && (ledger.http5xx > 0 || ledger.transportErrors > 0)) {
        out.violations.push_back({"", "the service answered " + out.detail + " while no fault was injected", {}, {}});
    }
    return out;
}

CheckOutput checkReadable(const ServerState& state) {
    CheckOutput out;
    out.detail = std::to_string(state.orders.size()) + " orders and " + std::to_string(state.tickets.size()) +
                 " tickets of the show read, listing " + std::to_string(state.usersRead) + " users";
    if (!state.readErrors.empty())
        out.violations.push_back({"",
                                  std::to_string(state.readErrors.size()) +
                                      " reads failed, so the other checks are incomplete: " + sample(state.readErrors),
                                  {},
                                  {}});
    return out;
}

CheckOutput checkNoSeatInTwoActiveOrders(const ServerState& state) {
    CheckOutput out;
    std::map<std::string, std::set<std::string>> holders;  // seat -> active orders
    for (const auto& [id, o] : state.orders) {
        if (isActiveStatus(o.status))
            for (const auto& s : o.seatIds) holders[s].insert(id);
        if (o.flaggedActiveSeatIds)
            for (const auto& s : *o.flaggedActiveSeatIds) holders[s].insert(id);
    }
    long long doubled = 0;
    for (const auto& [seat, orders] : holders) {
        if (orders.size() < 2) continue;
        ++doubled;
        std::string statuses;
        for (const auto& id : orders) statuses += (statuses.empty() ? "" : ", ") + id + " " + find(state, id)->status;
        out.violations.push_back(
            {"",
             "seat " + seat + " is in " + std::to_string(orders.size()) + " active orders: " + statuses,
             {seat},
             sorted(orders)});
    }
    out.detail = std::to_string(holders.size()) + " seats in active orders, " + std::to_string(doubled) + " twice";
    return out;
}

CheckOutput checkConfirmedWithinSupply(const ServerState& state, long long seatsOnSale) {
    CheckOutput out;
    const auto confirmed = seatsOf(state, {"CONFIRMED"});
    const auto n = static_cast<long long>(confirmed.size());
    out.detail = std::to_string(n) + " confirmed seats of " + std::to_string(seatsOnSale) + " on sale";
    if (n > seatsOnSale) {
        std::set<std::string> orders;
        for (const auto& [seat, ids] : confirmed) orders.insert(ids.begin(), ids.end());
        std::vector<std::string> seats;
        for (const auto& [seat, ids] : confirmed) seats.push_back(seat);
        out.violations.push_back({"", "more seats confirmed than were on sale: " + out.detail, seats, sorted(orders)});
    }
    return out;
}

CheckOutput checkCreatedOrdersExist(const Ledger& ledger, const ServerState& state) {
    CheckOutput out;
    long long checked = 0;
    for (const auto& seen : ledger.orders) {
        ++checked;
        const ServerOrder* o = find(state, seen.orderId);
        if (o == nullptr) {
            out.violations.push_back({"",
                                      "order " + seen.orderId + " of " + seen.userId +
                                          " (created with 201, last told " + seen.lastStatus + ") does not exist",
                                      seen.seatIds,
                                      {seen.orderId}});
            continue;
        }
        if (seen.lastStatus == "CANCELLED" && o->status != "CANCELLED") {
            out.violations.push_back(
                {"", "order " + seen.orderId + " was told CANCELLED but is " + o->status, o->seatIds, {seen.orderId}});
        }
        if (std::set<std::string>(seen.seatIds.begin(), seen.seatIds.end()) !=
            std::set<std::string>(o->seatIds.begin(), o->seatIds.end())) {
            out.violations.push_back({"",
                                      "order " + seen.orderId + " was created for seats [" + sample(seen.seatIds) +
                                          "] but holds [" + sample(o->seatIds) + "]",
                                      seen.seatIds,
                                      {seen.orderId}});
        }
    }
    out.detail = std::to_string(checked) + " created orders found";
    return out;
}

CheckOutput checkConfirmedOrdersAsTold(const Ledger& ledger, const ServerState& state) {
    CheckOutput out;
    long long told = 0;
    for (const auto& seen : ledger.orders) {
        if (seen.lastStatus != "CONFIRMED") continue;
        ++told;
        const ServerOrder* o = find(state, seen.orderId);
        if (o == nullptr) {
            out.violations.push_back(
                {"",
                 "order " + seen.orderId + " was confirmed to " + seen.userId + " but does not exist",
                 seen.seatIds,
                 {seen.orderId}});
            continue;
        }
        if (o->status != "CONFIRMED") {
            out.violations.push_back(
                {"",
                 "order " + seen.orderId + " was confirmed to " + seen.userId + " but is " + o->status,
                 o->seatIds,
                 {seen.orderId}});
        }
        if (o->userId != seen.userId) {
            out.violations.push_back(
                {"",
                 "order " + seen.orderId + " was confirmed to " + seen.userId + " but belongs to " + o->userId,
                 o->seatIds,
                 {seen.orderId}});
        }
        const auto toldTickets = ticketPairs(seen.tickets);
        const auto hasTickets = ticketPairs(o->tickets);
        if (toldTickets != hasTickets) {
            out.violations.push_back({"",
                                      "order " + seen.orderId + " was confirmed with tickets " +
                                          pairsText(toldTickets) + " but owns " + pairsText(hasTickets),
                                      o->seatIds,
                                      {seen.orderId}});
        }
        std::set<std::string> ticketSeats;
        for (const auto& t : o->tickets) ticketSeats.insert(t.seatId);
        if (ticketSeats != std::set<std::string>(o->seatIds.begin(), o->seatIds.end()) ||
            ticketSeats.size() != o->tickets.size()) {
            out.violations.push_back({"",
                                      "confirmed order " + seen.orderId + " has seats [" + sample(o->seatIds) +
                                          "] but tickets " + pairsText(hasTickets),
                                      o->seatIds,
                                      {seen.orderId}});
        }
    }
    out.detail = std::to_string(told) + " orders confirmed to clients";
    return out;
}

CheckOutput checkTicketsBelongToConfirmedOrders(const ServerState& state) {
    CheckOutput out;
    std::map<std::string, std::set<std::string>> codesBySeat;
    std::map<std::string, std::set<std::string>> seatsByOrder;
    for (const auto& t : state.tickets) {
        codesBySeat[t.seatId].insert(t.ticketCode);
        seatsByOrder[t.orderId].insert(t.seatId);
        const ServerOrder* o = find(state, t.orderId);
        if (o == nullptr) {
            out.violations.push_back({"",
                                      "ticket " + t.ticketCode + " for seat " + t.seatId + " names order " + t.orderId +
                                          ", which is not an order of this show",
                                      {t.seatId},
                                      {t.orderId}});
            continue;
        }
        if (o->status != "CONFIRMED") {
            out.violations.push_back({"",
                                      "ticket " + t.ticketCode + " for seat " + t.seatId + " belongs to order " +
                                          t.orderId + ", which is " + o->status,
                                      {t.seatId},
                                      {t.orderId}});
        } else if (std::find(o->seatIds.begin(), o->seatIds.end(), t.seatId) == o->seatIds.end()) {
            out.violations.push_back(
                {"",
                 "ticket " + t.ticketCode + " is for seat " + t.seatId + ", not a seat of order " + t.orderId,
                 {t.seatId},
                 {t.orderId}});
        }
        if (!t.userId.empty() && t.userId != o->userId) {
            out.violations.push_back({"",
                                      "ticket " + t.ticketCode + " is held by " + t.userId + " but order " + t.orderId +
                                          " belongs to " + o->userId,
                                      {t.seatId},
                                      {t.orderId}});
        }
    }
    for (const auto& [seat, codes] : codesBySeat) {
        if (codes.size() < 2) continue;
        std::set<std::string> orders;
        for (const auto& t : state.tickets)
            if (t.seatId == seat) orders.insert(t.orderId);
        out.violations.push_back(
            {"", "seat " + seat + " has " + std::to_string(codes.size()) + " valid tickets", {seat}, sorted(orders)});
    }
    // The other direction: a confirmed order owns a ticket for each of its seats.
    for (const auto& [id, o] : state.orders) {
        if (o.status != "CONFIRMED") continue;
        const auto it = seatsByOrder.find(id);
        const std::set<std::string> has = it == seatsByOrder.end() ? std::set<std::string>{} : it->second;
        std::vector<std::string> missing;
        for (const auto& s : o.seatIds)
            if (has.count(s) == 0) missing.push_back(s);
        if (!missing.empty())
            out.violations.push_back(
                {"", "confirmed order " + id + " has no ticket for seats [" + sample(missing) + "]", missing, {id}});
    }
    out.detail = std::to_string(state.tickets.size()) + " valid tickets";
    return out;
}

CheckOutput checkNoUnknownConfirmedOrders(const Ledger& ledger, const ServerState& state) {
    CheckOutput out;
    std::map<std::string, const SeenOrder*> seen;
    for (const auto& o : ledger.orders) seen[o.orderId] = &o;
    std::vector<std::string> unknown;
    std::set<std::string> unknownSeats;
    for (const auto& [id, o] : state.orders) {
        if (o.status != "CONFIRMED") continue;
        const auto it = seen.find(id);
        if (it != seen.end() && it->second->lastStatus == "CONFIRMED") continue;
        unknown.push_back(id + (it == seen.end() ? " (never seen)" : " (last told " + it->second->lastStatus + ")"));
        unknownSeats.insert(o.seatIds.begin(), o.seatIds.end());
        if (!ledger.faultsInjected)
            out.violations.push_back(
                {"",
                 "order " + id + " of " + o.userId + " is CONFIRMED but no client was told so" +
                     (it == seen.end() ? " (no client created it)" : " (last told " + it->second->lastStatus + ")"),
                 o.seatIds,
                 {id}});
    }
    out.detail = std::to_string(unknown.size()) + " confirmed orders no client was told about";
    if (!unknown.empty() && ledger.faultsInjected)
        out.detail += " (faults were injected, so a lost response may explain them: " + sample(unknown) + ")";
    return out;
}

CheckOutput checkNoOverduePendingOrders(const ServerState& state, std::chrono::milliseconds grace) {
    CheckOutput out;
    long long pending = 0;
    for (const auto& [id, o] : state.orders) {
        if (o.status != "PAYMENT_PENDING") continue;
        ++pending;
        const long long overdue = state.nowMs - o.expiresAtMs;
        if (overdue > grace.count())
            out.violations.push_back({"",
                                      "order " + id + " is still PAYMENT_PENDING " + std::to_string(overdue) +
                                          " ms after its window closed (grace " + std::to_string(grace.count()) +
                                          " ms)",
                                      o.seatIds,
                                      {id}});
    }
    out.detail =
        std::to_string(pending) + " orders pending, none past its window + " + std::to_string(grace.count()) + " ms";
    if (!out.violations.empty())
        out.detail = std::to_string(out.violations.size()) + " overdue of " + std::to_string(pending) + " pending";
    return out;
}

CheckOutput checkActiveFlags(const ServerState& state) {
    CheckOutput out;
    long long rows = 0;
    for (const auto& [id, o] : state.orders) {
        if (!o.flaggedActiveSeatIds) continue;
        const std::set<std::string> flagged(o.flaggedActiveSeatIds->begin(), o.flaggedActiveSeatIds->end());
        rows += static_cast<long long>(o.seatIds.size());
        std::vector<std::string> wrong;
        for (const auto& s : o.seatIds)
            if ((flagged.count(s) > 0) != isActiveStatus(o.status)) wrong.push_back(s);
        if (!wrong.empty())
            out.violations.push_back({"",
                                      "order " + id + " is " + o.status + " but its order_seats rows for [" +
                                          sample(wrong) + "] say active = " + (isActiveStatus(o.status) ? "0" : "1"),
                                      wrong,
                                      {id}});
    }
    out.detail = std::to_string(rows) + " order_seats rows";
    return out;
}

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

CheckOutput checkMetrics(const Ledger& ledger, const std::vector<MetricSample>& after,
                         const std::optional<std::vector<MetricSample>>& before) {
    CheckOutput out;
    static const std::string kRequests = "boxoffice_http_requests_total";
    static const std::string kHolds = "boxoffice_holds_total";
    if (!hasMetric(after, kRequests)) {
        out.skipped = true;
        out.detail = "the scrape has no " + kRequests + " (the service does not export it yet)";
        return out;
    }
    auto delta = [&](const std::string& name, const std::map<std::string, std::string>& labels) {
        const double a = sumSamples(after, name, labels);
        return std::llround(before ? a - sumSamples(*before, name, labels) : a);
    };
    // A response lost in transport was counted by the service but not by a client.
    const long long slack = ledger.transportErrors;
    long long compared = 0;
    for (const auto& [key, count] : ledger.responses) {
        const auto first = key.find(' ');
        const auto last = key.rfind(' ');
        if (first == std::string::npos || last == first) {
            out.violations.push_back({"", "cannot read the ledger's response key '" + key + "'", {}, {}});
            continue;
        }
        const std::string method = key.substr(0, first), route = key.substr(first + 1, last - first - 1),
                          code = key.substr(last + 1);
        const long long served = delta(kRequests, {{"method", method}, {"route", route}, {"code", code}});
        ++compared;
        if (served < count || served > count + slack)
            out.violations.push_back({"",
                                      key + ": clients counted " + std::to_string(count) + ", the service " +
                                          std::to_string(served) +
                                          (slack > 0 ? " (up to " + std::to_string(slack) + " more allowed)" : ""),
                                      {},
                                      {}});
    }
    out.detail = std::to_string(compared) + " endpoint/status pairs compared" +
                 (before ? " (deltas from the baseline scrape)" : " (absolute counters: no baseline scrape)");
    if (hasMetric(after, kHolds)) {
        const auto it = ledger.responses.find("POST /v1/holds 201");
        const long long created = it == ledger.responses.end() ? 0 : it->second;
        const long long held = delta(kHolds, {{"outcome", "held"}});
        if (held < created || held > created + slack)
            out.violations.push_back({"",
                                      kHolds + "{outcome=\"held\"} is " + std::to_string(held) + " but clients got " +
                                          std::to_string(created) + " holds (201)",
                                      {},
                                      {}});
        const auto c409 = ledger.responses.find("POST /v1/holds 409");
        const long long conflicts = c409 == ledger.responses.end() ? 0 : c409->second;
        const long long conflict = delta(kHolds, {{"outcome", "conflict"}});
        if (conflict > conflicts + slack)
            out.violations.push_back({"",
                                      kHolds + "{outcome=\"conflict\"} is " + std::to_string(conflict) +
                                          " but clients got only " + std::to_string(conflicts) + " 409s on holds",
                                      {},
                                      {}});
        out.detail += "; holds held/conflict " + std::to_string(held) + "/" + std::to_string(conflict);
    } else {
        out.detail += "; no " + kHolds + " in the scrape";
    }
    return out;
}

}  // namespace boxoffice::load
