#include "chaos_checks.hpp"

#include <algorithm>
#include <cstdio>
#include <map>
#include <sstream>

namespace boxoffice::load::chaos {
namespace {

constexpr std::size_t kListed = 12;

std::string sample(const std::vector<std::string>& names) {
    std::string out;
    for (std::size_t i = 0; i < names.size() && i < kListed; ++i) out += (i == 0 ? "" : ", ") + names[i];
    if (names.size() > kListed) out += ", ... (" + std::to_string(names.size()) + " in all)";
    return out;
}

std::string ms(std::int64_t us) {
    std::ostringstream s;
    s.precision(3);
    s << std::fixed << static_cast<double>(us) / 1e6 << " s";
    return s.str();
}

}  // namespace

Ledger ledgerFrom(const History& h, const std::string& showId, long long seatsOnSale) {
    Ledger l;
    l.showId = showId;
    l.seatsOnSale = seatsOnSale;
    l.faultsInjected = true;
    std::map<std::string, const ConfirmAck*> confirmed;
    for (const auto& c : h.confirms) confirmed[c.orderId] = &c;
    const std::set<std::string> expired(h.expiredTold.begin(), h.expiredTold.end());
    for (const auto& o : h.orders) {
        SeenOrder s;
        s.orderId = o.orderId;
        s.userId = o.user < h.userIds.size() ? h.userIds[o.user] : "";
        s.seatIds = o.seatIds;
        if (const auto it = confirmed.find(o.orderId); it != confirmed.end()) {
            s.lastStatus = "CONFIRMED";
            s.tickets = it->second->tickets;
        } else {
            s.lastStatus = expired.count(o.orderId) > 0 ? "EXPIRED" : "UNKNOWN";
        }
        l.orders.push_back(std::move(s));
    }
    return l;
}

CheckOutput checkNoHoldOnAcknowledgedSale(const History& h) {
    CheckOutput out;
    std::map<std::string, std::int64_t> soldAt;  // seat -> first acknowledged confirmation
    std::map<std::string, std::vector<std::string>> seatsOf;
    for (const auto& o : h.orders) seatsOf[o.orderId] = o.seatIds;
    for (const auto& c : h.confirms)
        for (const auto& s : seatsOf[c.orderId]) {
            auto [it, fresh] = soldAt.emplace(s, c.ackUs);
            if (!fresh) it->second = std::min(it->second, c.ackUs);
        }
    std::vector<std::string> seats, holds;
    for (const auto& hold : h.holds) {
        bool bad = false;
        for (const auto& s : hold.seatIds) {
            const auto it = soldAt.find(s);
            if (it != soldAt.end() && hold.sentUs > it->second) {
                seats.push_back(s);
                bad = true;
            }
        }
        if (bad) holds.push_back(hold.holdId);
    }
    out.detail = std::to_string(h.holds.size()) + " holds granted, " + std::to_string(soldAt.size()) +
                 " seats of acknowledged confirmations";
    if (!holds.empty())
        out.violations.push_back({"",
                                  std::to_string(holds.size()) + " holds granted on " + std::to_string(seats.size()) +
                                      " seats already sold to a client: " + sample(seats),
                                  seats, holds});
    return out;
}

CheckOutput checkErrorsAre503Problems(const History& h) {
    CheckOutput out;
    std::map<std::string, long long> wrong;
    long long fiveHundreds = 0;
    for (const auto& e : h.errors) {
        if (e.status < 500) continue;
        ++fiveHundreds;
        std::string why;
        if (e.status != 503) why += "status " + std::to_string(e.status);
        if (!e.problemJson) why += std::string(why.empty() ? "" : ", ") + "no problem+json body";
        if (!e.retryAfter) why += std::string(why.empty() ? "" : ", ") + "no Retry-After";
        if (!why.empty()) ++wrong[std::string(endpointName(e.endpoint)) + " " + std::to_string(e.status) + ": " + why];
    }
    out.detail = std::to_string(fiveHundreds) + " 5xx answers";
    if (!wrong.empty()) {
        std::vector<std::string> items;
        long long n = 0;
        for (const auto& [k, v] : wrong) items.push_back(k + " x" + std::to_string(v)), n += v;
        out.violations.push_back(
            {"", std::to_string(n) + " 5xx answers were not a 503 problem with Retry-After: " + sample(items), {}, {}});
    }
    return out;
}

CheckOutput checkNoErrorsOutsideWindow(const History& h, const FaultWindow& w, std::int64_t graceUs) {
    CheckOutput out;
    std::map<std::string, long long> outside;
    long long inside = 0, n = 0;
    for (const auto& e : h.errors) {
        const bool in = w.any() && e.doneUs >= w.injectUs && e.sentUs <= w.restoreUs + graceUs;
        if (in) {
            ++inside;
            continue;
        }
        ++n;
        const std::int64_t rel =
            w.any() ? (e.sentUs > w.restoreUs ? e.sentUs - w.restoreUs : e.doneUs - w.injectUs) : 0;
        ++outside[std::string(endpointName(e.endpoint)) + " " + (e.status ? std::to_string(e.status) : "no answer") +
                  " " + e.what +
                  (w.any() ? (rel > 0 ? " (sent " + ms(rel) + " after the restore)" : " (before the fault)") : "")];
    }
    out.detail = std::to_string(inside) + " errors inside the fault window" +
                 (w.any() ? " (" + ms(w.restoreUs - w.injectUs) + " + " + ms(graceUs) + " grace)" : " (no fault)") +
                 ", " + std::to_string(n) + " outside";
    if (n > 0) {
        std::vector<std::string> items;
        for (const auto& [k, v] : outside) items.push_back(k + " x" + std::to_string(v));
        out.violations.push_back(
            {"", std::to_string(n) + " errors outside the fault window: " + sample(items), {}, {}});
    }
    return out;
}

CheckOutput checkKeysAnswered(const History& h, const std::vector<std::pair<std::string, std::string>>& inProgress) {
    CheckOutput out;
    std::vector<std::string> unanswered;
    long long retried = 0;
    for (const auto& c : h.chains) {
        if (c.attempts > 1) ++retried;
        if (!c.definitive)
            unanswered.push_back(
                c.key + " (" + std::to_string(c.attempts) + " attempts, last " +
                (c.finalStatus ? std::to_string(c.finalStatus) : "no answer") +
                (c.inProgressAnswers ? ", " + std::to_string(c.inProgressAnswers) + "x in progress" : "") + ")");
    }
    std::vector<std::string> stuck;
    for (const auto& [user, key] : inProgress) stuck.push_back(key);
    out.detail = std::to_string(h.chains.size()) + " keyed requests, " + std::to_string(retried) + " retried, " +
                 std::to_string(unanswered.size()) + " without a real answer; " + std::to_string(stuck.size()) +
                 " keys in progress in the database";
    if (!unanswered.empty())
        out.violations.push_back(
            {"",
             std::to_string(unanswered.size()) +
                 " keyed requests never learnt their outcome within the retry budget: " + sample(unanswered),
             {},
             {}});
    if (!stuck.empty())
        out.violations.push_back(
            {"",
             std::to_string(stuck.size()) +
                 " idempotency keys are still in progress (status_code NULL) after the run: " + sample(stuck),
             {},
             {}});
    return out;
}

CheckOutput checkSeatMapSoldExactly(const SeatMap& map, const std::set<std::string>& confirmedBefore,
                                    const std::set<std::string>& confirmedAfter) {
    CheckOutput out;
    std::set<std::string> sold;
    const std::size_t n = std::min(map.statuses.size(), map.seatIds.size());
    for (std::size_t i = 0; i < n; ++i)
        if (map.statuses[i] == 'S') sold.insert(map.seatIds[i]);
    std::vector<std::string> notShown, notConfirmed;
    for (const auto& s : confirmedBefore)
        if (sold.count(s) == 0) notShown.push_back(s);
    for (const auto& s : sold)
        if (confirmedAfter.count(s) == 0) notConfirmed.push_back(s);
    out.detail = std::to_string(sold.size()) + " sold letters, " + std::to_string(confirmedBefore.size()) +
                 " confirmed seats in PostgreSQL";
    if (map.statuses.size() != map.seatIds.size())
        out.violations.push_back({"",
                                  "the seat map has " + std::to_string(map.statuses.size()) + " letters for " +
                                      std::to_string(map.seatIds.size()) + " seats",
                                  {},
                                  {}});
    if (!notShown.empty()) {
        std::vector<std::string> letters;
        for (const auto& s : notShown) {
            const auto it = std::find(map.seatIds.begin(), map.seatIds.end(), s);
            const auto i = static_cast<std::size_t>(it - map.seatIds.begin());
            letters.push_back(s + "=" + (i < map.statuses.size() ? std::string(1, map.statuses[i]) : "?"));
        }
        out.violations.push_back({"",
                                  std::to_string(notShown.size()) +
                                      " seats confirmed in PostgreSQL are not SOLD on the seat map: " + sample(letters),
                                  notShown,
                                  {}});
    }
    if (!notConfirmed.empty())
        out.violations.push_back(
            {"",
             std::to_string(notConfirmed.size()) +
                 " seats are SOLD on the seat map without a confirmed order: " + sample(notConfirmed),
             notConfirmed,
             {}});
    return out;
}

CheckOutput checkNoStrandedHolds(const SeatMap& map, const ServerState& db) {
    CheckOutput out;
    std::set<std::string> pending;
    for (const auto& [id, o] : db.orders)
        if (o.status == "PAYMENT_PENDING") pending.insert(o.seatIds.begin(), o.seatIds.end());
    std::vector<std::string> stranded;
    long long held = 0;
    const std::size_t n = std::min(map.statuses.size(), map.seatIds.size());
    for (std::size_t i = 0; i < n; ++i) {
        if (map.statuses[i] != 'H') continue;
        ++held;
        if (pending.count(map.seatIds[i]) == 0) stranded.push_back(map.seatIds[i]);
    }
    out.detail = std::to_string(held) + " held letters, " + std::to_string(pending.size()) + " seats in pending orders";
    if (!stranded.empty())
        out.violations.push_back({"",
                                  std::to_string(stranded.size()) +
                                      " seats are still held after every hold and payment window passed, outside any "
                                      "pending order: " +
                                      sample(stranded),
                                  stranded,
                                  {}});
    return out;
}

CheckOutput checkOrdersOnLiveHoldsAccepted(const History& h, std::int64_t holdTtlUs, std::int64_t slackUs,
                                           std::int64_t holdsLostBeforeUs) {
    CheckOutput out;
    std::map<std::string, long long> codes;
    std::vector<std::string> holds;
    long long late = 0, lost = 0;
    for (const auto& r : h.ordersRefused) {
        // Sent, or answered, when the hold may have expired: a refusal is then the truth (a retry
        // that waited out a database stall can find its hold expired). A hold burnt by a failed
        // order is refused while it should still be live, and is caught.
        const std::int64_t expiry = r.holdSentUs + holdTtlUs - slackUs;
        if (r.sentUs >= expiry || (r.answeredUs > 0 && r.answeredUs >= expiry)) {
            ++late;
            continue;
        }
        if (holdsLostBeforeUs >= 0 && r.holdSentUs < holdsLostBeforeUs) {
            ++lost;
            continue;
        }
        ++codes[std::to_string(r.status) + " " + r.code + (r.attempts > 1 ? " on a retry" : " on the first attempt")];
        holds.push_back(r.holdId);
    }
    out.detail = std::to_string(h.orders.size()) + " orders accepted, " + std::to_string(h.ordersRefused.size()) +
                 " refused (" + std::to_string(late) + " of them sent near or after the hold's expiry" +
                 (holdsLostBeforeUs >= 0 ? ", " + std::to_string(lost) + " on holds the fault's data loss took" : "") +
                 ")";
    if (!holds.empty()) {
        std::vector<std::string> items;
        for (const auto& [k, v] : codes) items.push_back(k + " x" + std::to_string(v));
        out.violations.push_back(
            {"", std::to_string(holds.size()) + " orders on live holds were refused: " + sample(items), {}, holds});
    }
    return out;
}

CheckOutput checkHoldsWithoutPostgres(const History& h) {
    CheckOutput out;
    std::map<std::string, long long> failed;
    long long n = 0;
    for (const auto& e : h.errors) {
        if (e.endpoint != Hold) continue;
        ++n;
        ++failed[(e.status ? std::to_string(e.status) + " " : std::string("no answer: ")) + e.what +
                 (e.keyed ? " (with an Idempotency-Key)" : " (without a key)")];
    }
    out.detail = std::to_string(h.holds.size()) + " holds granted, " + std::to_string(n) + " failed";
    if (n > 0) {
        std::vector<std::string> items;
        for (const auto& [k, v] : failed) items.push_back(k + " x" + std::to_string(v));
        out.violations.push_back(
            {"", std::to_string(n) + " holds failed while only PostgreSQL was faulty: " + sample(items), {}, {}});
    }
    return out;
}

CheckOutput checkFailFast(const History& h, const FaultWindow& w, std::int64_t p99LimitUs) {
    CheckOutput out;
    if (!w.any()) {
        out.skipped = true;
        out.detail = "no fault";
        return out;
    }
    std::vector<std::string> slow, figures;
    for (const Endpoint e : {Hold, Availability}) {
        Histogram all;
        for (const auto& t : h.timings)
            if (t.endpoint == e && t.sentUs >= w.injectUs && t.sentUs <= w.restoreUs) all.record(t.doneUs - t.sentUs);
        const std::string figure = std::string(endpointName(e)) + " x" + std::to_string(all.count()) + " p99 " +
                                   std::to_string(all.percentile(99) / 1000) + " ms";
        figures.push_back(figure);
        if (all.count() > 0 && all.percentile(99) > p99LimitUs) slow.push_back(figure);
    }
    out.detail = "sent during the fault: " + sample(figures) + " (limit " + std::to_string(p99LimitUs / 1000) + " ms)";
    if (!slow.empty())
        out.violations.push_back(
            {"",
             "slower than " + std::to_string(p99LimitUs / 1000) + " ms at p99 while the fault lasted: " + sample(slow),
             {},
             {}});
    return out;
}

std::vector<std::string> latenciesDuring(const History& h, const FaultWindow& w) {
    std::vector<std::string> out;
    if (!w.any()) return out;
    for (int e = 0; e < kEndpoints; ++e) {
        Histogram all;
        long long failed = 0;
        for (const auto& t : h.timings) {
            if (t.endpoint != e || t.sentUs < w.injectUs || t.sentUs > w.restoreUs) continue;
            all.record(t.doneUs - t.sentUs);
            failed += t.status == 0 || t.status >= 500 ? 1 : 0;
        }
        if (all.count() == 0) continue;
        char line[160];
        std::snprintf(line, sizeof line, "%s x%lld (%lld failed) p50 %.0f ms p99 %.0f ms max %.0f ms", endpointName(e),
                      static_cast<long long>(all.count()), failed, static_cast<double>(all.percentile(50)) / 1e3,
                      static_cast<double>(all.percentile(99)) / 1e3, static_cast<double>(all.max()) / 1e3);
        out.emplace_back(line);
    }
    return out;
}

std::optional<std::int64_t> firstHoldAfter(const History& h, std::int64_t restoreUs) {
    std::optional<std::int64_t> best;
    for (const auto& hold : h.holds)
        if (hold.sentUs >= restoreUs && (!best || hold.ackUs - restoreUs < *best)) best = hold.ackUs - restoreUs;
    return best;
}

std::optional<std::int64_t> agreedAfter(const std::vector<AgreementSample>& samples, std::int64_t sinceUs) {
    if (samples.empty() || !samples.back().agrees) return std::nullopt;
    std::size_t i = samples.size() - 1;
    while (i > 0 && samples[i - 1].agrees) --i;
    return std::max<std::int64_t>(0, samples[i].atUs - sinceUs);
}

}  // namespace boxoffice::load::chaos
