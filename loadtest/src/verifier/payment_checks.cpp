// Payments, refunds and failed payments: the provider's records against the orders, and where the
// seats of a refunded or failed order went.
#include "verifier/checks.hpp"

#include <map>
#include <set>

#include "verifier/check_helpers.hpp"

namespace boxoffice::load {

using namespace check_helpers;

namespace {

CheckOutput skippedBecause(std::string why) {
    CheckOutput out;
    out.skipped = true;
    out.detail = std::move(why);
    return out;
}

// Where the seats released by one order may be: available, or in another order that holds them.
class ReleasedSeats {
public:
    ReleasedSeats(const ServerState& state, const SeatMap& map, bool holdsMayBeLive)
        : confirmed_(seatsOf(state, {"CONFIRMED"})),
          pending_(seatsOf(state, {"PAYMENT_PENDING"})),
          holdsMayBeLive_(holdsMayBeLive) {
        for (std::size_t i = 0; i < map.seatIds.size() && i < map.statuses.size(); ++i)
            letters_[map.seatIds[i]] = map.statuses[i];
    }

    // Why `seat`, released by `order`, is not where a released seat belongs ("" when it is).
    std::string misplaced(const std::string& seat, const std::string& order) const {
        const auto it = letters_.find(seat);
        if (it == letters_.end()) return "is not in the seat map";
        switch (it->second) {
            case 'A':
                return "";
            case 'S':
                return inOther(confirmed_, seat, order) ? "" : "is sold, but in no other confirmed order";
            case 'H':
                if (inOther(pending_, seat, order) || holdsMayBeLive_) return "";
                return "is held, but in no other pending order, after every hold told of expired";
            default:
                return std::string("has the letter ") + it->second;
        }
    }

private:
    static bool inOther(const std::map<std::string, std::vector<std::string>>& seats, const std::string& seat,
                        const std::string& order) {
        const auto it = seats.find(seat);
        if (it == seats.end()) return false;
        for (const auto& id : it->second)
            if (id != order) return true;
        return false;
    }

    std::map<std::string, char> letters_;
    std::map<std::string, std::vector<std::string>> confirmed_, pending_;
    bool holdsMayBeLive_;
};

// Valid tickets of `order` for any of `seats` (all of its tickets when `seats` is empty).
std::vector<std::string> validTickets(const ServerState& state, const std::string& order,
                                      const std::set<std::string>& seats) {
    std::vector<std::string> out;
    for (const auto& t : state.tickets)
        if (t.orderId == order && (seats.empty() || seats.count(t.seatId) > 0))
            out.push_back(t.ticketCode + "@" + t.seatId);
    return out;
}

}  // namespace

CheckOutput checkPaidOrdersHaveSucceededPayments(const Ledger& ledger, const ServerState& state,
                                                 const PaymentRecords& records) {
    if (!ledger.paidThroughProvider)
        return skippedBecause("the crowd paid with confirm-payment, which records no provider payment");
    CheckOutput out;
    long long paid = 0, unread = 0;
    for (const auto& [id, o] : state.orders) {
        if (o.status != "CONFIRMED" && o.status != "REFUNDED") continue;
        ++paid;
        const auto it = records.byOrder.find(id);
        if (it == records.byOrder.end()) {
            ++unread;
            continue;
        }
        bool succeeded = false;
        for (const auto& s : it->second.paymentStatuses) succeeded = succeeded || s == "SUCCEEDED";
        if (!succeeded)
            out.violations.push_back({"",
                                      "order " + id + " of " + o.userId + " is " + o.status +
                                          " without a succeeded payment (payments: [" +
                                          sample(it->second.paymentStatuses) + "])",
                                      o.seatIds,
                                      {id}});
    }
    if (unread > 0)
        out.violations.push_back({"",
                                  "the payment records of " + std::to_string(unread) + " of " + std::to_string(paid) +
                                      " paid orders could not be read: " + sample(records.readErrors),
                                  {},
                                  {}});
    out.detail = std::to_string(paid) + " confirmed or refunded orders, each with a succeeded payment record";
    if (!out.violations.empty()) out.detail = std::to_string(out.violations.size()) + " of " + std::to_string(paid);
    return out;
}

CheckOutput checkRefundsAsTold(const Ledger& ledger, const ServerState& state, const PaymentRecords* records,
                               const SeatMap& map, bool holdsMayBeLive) {
    long long told = 0, seats = 0, requested = 0;
    for (const auto& o : ledger.orders) {
        requested += o.refundRequested ? 1 : 0;
        if (o.refundedSeatIds.empty()) continue;
        ++told;
        seats += static_cast<long long>(o.refundedSeatIds.size());
    }
    if (told == 0)
        return skippedBecause("no client was told of a refund (" + std::to_string(requested) + " asked for)");
    const ReleasedSeats released(state, map, holdsMayBeLive);
    CheckOutput out;
    for (const auto& seen : ledger.orders) {
        if (seen.refundedSeatIds.empty()) continue;
        const std::string& id = seen.orderId;
        const ServerOrder* o = find(state, id);
        if (o == nullptr) {
            out.violations.push_back({"", "refunded order " + id + " does not exist", seen.refundedSeatIds, {id}});
            continue;
        }
        const std::set<std::string> refunded(seen.refundedSeatIds.begin(), seen.refundedSeatIds.end());
        const auto stillValid = validTickets(state, id, refunded);
        if (!stillValid.empty())
            out.violations.push_back({"",
                                      "order " + id + " was told its seats [" + sample(seen.refundedSeatIds) +
                                          "] were refunded, but these tickets are still valid: " + sample(stillValid),
                                      seen.refundedSeatIds,
                                      {id}});
        // The database knows each seat's flag; through the API only a whole refund can be told apart.
        std::vector<std::string> stillActive;
        if (o->flaggedActiveSeatIds) {
            for (const auto& s : *o->flaggedActiveSeatIds)
                if (refunded.count(s) > 0) stillActive.push_back(s);
        } else if (isActiveStatus(o->status) &&
                   std::set<std::string>(o->seatIds.begin(), o->seatIds.end()) == refunded) {
            stillActive = o->seatIds;
        }
        if (!stillActive.empty())
            out.violations.push_back(
                {"",
                 "order " + id + " (" + o->status + ") still holds the refunded seats [" + sample(stillActive) + "]",
                 stillActive,
                 {id}});
        if (records != nullptr) {
            const auto rec = records->byOrder.find(id);
            if (rec == records->byOrder.end()) {
                out.violations.push_back(
                    {"", "the payment records of refunded order " + id + " could not be read", {}, {id}});
            } else if (rec->second.refundStatuses.empty()) {
                out.violations.push_back({"", "order " + id + " was told of a refund, but none is recorded", {}, {id}});
            }
        }
        for (const auto& s : seen.refundedSeatIds) {
            const std::string why = released.misplaced(s, id);
            if (!why.empty())
                out.violations.push_back({"", "seat " + s + ", refunded from order " + id + ", " + why, {s}, {id}});
        }
    }
    out.detail = std::to_string(told) + " refunds told (" + std::to_string(seats) + " seats), each voided, " +
                 (records != nullptr ? "recorded " : "(records not read: no admin token) ") +
                 "and back on sale or sold again";
    if (holdsMayBeLive) out.detail += " (held seats accepted: holds may still be live)";
    if (!out.violations.empty())
        out.detail =
            std::to_string(out.violations.size()) + " violation(s) in " + std::to_string(told) + " refunds told";
    return out;
}

CheckOutput checkFailedOrdersHoldNoSeat(const Ledger& ledger, const ServerState& state, const SeatMap& map,
                                        bool holdsMayBeLive) {
    long long failed = 0, toldFailed = 0;
    for (const auto& [id, o] : state.orders) failed += o.status == "FAILED" ? 1 : 0;
    for (const auto& o : ledger.orders) toldFailed += o.lastStatus == "FAILED" ? 1 : 0;
    if (failed == 0 && toldFailed == 0) return skippedBecause("no order failed");
    const ReleasedSeats released(state, map, holdsMayBeLive);
    CheckOutput out;
    for (const auto& seen : ledger.orders) {
        if (seen.lastStatus != "FAILED") continue;
        const ServerOrder* o = find(state, seen.orderId);
        if (o == nullptr || o->status != "FAILED")
            out.violations.push_back({"",
                                      "order " + seen.orderId + " was told its payment failed, but it is " +
                                          (o == nullptr ? std::string("missing") : o->status),
                                      seen.seatIds,
                                      {seen.orderId}});
    }
    for (const auto& [id, o] : state.orders) {
        if (o.status != "FAILED") continue;
        const auto tickets = validTickets(state, id, {});
        if (!tickets.empty())
            out.violations.push_back(
                {"", "FAILED order " + id + " has valid tickets: " + sample(tickets), o.seatIds, {id}});
        if (o.flaggedActiveSeatIds && !o.flaggedActiveSeatIds->empty())
            out.violations.push_back(
                {"",
                 "FAILED order " + id + " still has its seats [" + sample(*o.flaggedActiveSeatIds) + "] flagged active",
                 *o.flaggedActiveSeatIds,
                 {id}});
        for (const auto& s : o.seatIds) {
            const std::string why = released.misplaced(s, id);
            if (!why.empty())
                out.violations.push_back({"", "seat " + s + " of FAILED order " + id + " " + why, {s}, {id}});
        }
    }
    out.detail =
        std::to_string(failed) + " FAILED orders (" + std::to_string(toldFailed) + " told so), none holding a seat";
    if (holdsMayBeLive) out.detail += " (held seats accepted: holds may still be live)";
    if (!out.violations.empty())
        out.detail =
            std::to_string(out.violations.size()) + " violation(s) in " + std::to_string(failed) + " FAILED orders";
    return out;
}

}  // namespace boxoffice::load
