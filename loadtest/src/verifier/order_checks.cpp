// The orders and tickets one source holds against each other, the supply and what clients were told.
#include "verifier/checks.hpp"

#include <algorithm>
#include <map>
#include <set>
#include <sstream>

#include "verifier/check_helpers.hpp"

namespace boxoffice::load {

using namespace check_helpers;

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

}  // namespace boxoffice::load
