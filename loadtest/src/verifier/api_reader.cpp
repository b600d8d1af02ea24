#include "verifier/api_reader.hpp"

#include <chrono>
#include <set>
#include <stdexcept>

#include <nlohmann/json.hpp>

#include "verifier/seat_map.hpp"
#include "util/rfc3339.hpp"

namespace boxoffice::load {
namespace {

constexpr int kPage = 100;  // the API's largest page
using nlohmann::json;

json parseOk(const std::string& what, const HttpReply& r) {
    if (r.status != 200)
        throw std::runtime_error(
            what + ": " + (r.status == 0 ? r.error : "HTTP " + std::to_string(r.status) + " " + r.body.substr(0, 200)));
    try {
        return json::parse(r.body);
    } catch (const json::exception& e) {
        throw std::runtime_error(what + ": not JSON: " + e.what());
    }
}

ServerOrder orderFrom(const json& j, const std::string& userId) {
    ServerOrder o;
    o.orderId = j.at("orderId").get<std::string>();
    o.userId = userId;
    o.status = j.at("status").get<std::string>();
    for (const auto& s : j.at("seatIds")) o.seatIds.push_back(s.get<std::string>());
    if (j.contains("tickets"))
        for (const auto& t : j.at("tickets"))
            o.tickets.push_back(
                {t.at("ticketCode").get<std::string>(), o.orderId, t.at("seatId").get<std::string>(), userId});
    const auto expires = parseRfc3339(j.at("expiresAt").get<std::string>());
    if (!expires) throw std::runtime_error("order " + o.orderId + " has a malformed expiresAt");
    o.expiresAtMs = *expires;
    return o;
}

long long nowMs() {
    return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
        .count();
}

}  // namespace

ApiReader::ApiReader(std::string baseUrl, int connections, TlsOptions tls)
    : base_(std::move(baseUrl)), http_(connections, std::chrono::seconds(15), std::move(tls)) {
    while (!base_.empty() && base_.back() == '/') base_.pop_back();
}

SeatMap ApiReader::availability(const std::string& showId) {
    if (!haveLayout_) {
        layout_ = seatMapFrom(
            parseOk("seat map layout", http_.get(base_ + "/v1/shows/" + showId + "/seatmap/layout")),
            json{{"statuses", ""}, {"counts", {{"AVAILABLE", 0}, {"HELD", 0}, {"SOLD", 0}}}, {"seatCount", 0}});
        haveLayout_ = true;
    }
    const json a = parseOk("seat map availability", http_.get(base_ + "/v1/shows/" + showId + "/seatmap/availability"));
    SeatMap m = seatMapFrom(json{{"seats", json::array()}}, a);
    m.seatIds = layout_.seatIds;
    m.readAtMs = nowMs();
    return m;
}

SeatMap ApiReader::seatMap(const std::string& showId) {
    return availability(showId);
}

std::string ApiReader::fetch(const std::string& url) {
    const HttpReply r = http_.get(url);
    if (r.status != 200)
        throw std::runtime_error("GET " + url + ": " + (r.status == 0 ? r.error : "HTTP " + std::to_string(r.status)));
    return r.body;
}

PaymentRecords ApiReader::readPayments(const std::vector<std::string>& orderIds,
                                       const std::vector<std::string>& adminTokens) {
    if (adminTokens.empty()) throw std::invalid_argument("readPayments: no admin token");
    PaymentRecords out;
    std::vector<HttpGet> requests;
    requests.reserve(orderIds.size());
    for (std::size_t i = 0; i < orderIds.size(); ++i)
        requests.push_back(
            {base_ + "/v1/orders/" + orderIds[i] + "/payments", adminTokens[i % adminTokens.size()], i, 0, 0});
    http_.run(std::move(requests), [&](const HttpGet& req, const HttpReply& r, std::vector<HttpGet>&) {
        const std::string& id = orderIds[req.tag];
        try {
            const json body = parseOk("payments of order " + id, r);
            OrderPayments p;
            for (const auto& x : body.at("payments")) p.paymentStatuses.push_back(x.at("status").get<std::string>());
            for (const auto& x : body.at("refunds")) p.refundStatuses.push_back(x.value("status", ""));
            out.byOrder[id] = std::move(p);
        } catch (const std::exception& e) {
            out.readErrors.push_back(e.what());
        }
    });
    return out;
}

ServerState ApiReader::readUsers(const Ledger& ledger, bool everyone) {
    ServerState state;
    state.source = "api";
    // Taken before the first read: a pending order seen later was pending at least this late.
    state.nowMs = nowMs();
    std::vector<std::pair<std::string, std::string>> users;
    if (everyone) {
        users.assign(ledger.tokenOf.begin(), ledger.tokenOf.end());
    } else {
        std::set<std::string> owners;
        for (const auto& o : ledger.orders) owners.insert(o.userId);
        for (const auto& id : owners) {
            const auto token = ledger.tokenOf.find(id);
            if (token != ledger.tokenOf.end()) users.emplace_back(id, token->second);
        }
    }
    state.usersRead = static_cast<long long>(users.size());
    std::vector<HttpGet> requests;
    requests.reserve(users.size() * 2);
    auto page = [&](std::size_t user, bool tickets, long long offset) {
        return HttpGet{base_ + (tickets ? "/v1/me/tickets" : "/v1/me/orders") + "?limit=" + std::to_string(kPage) +
                           "&offset=" + std::to_string(offset),
                       users[user].second, user * 2 + (tickets ? 1 : 0), offset, 0};
    };
    for (std::size_t u = 0; u < users.size(); ++u) {
        requests.push_back(page(u, false, 0));
        requests.push_back(page(u, true, 0));
    }
    http_.run(std::move(requests), [&](const HttpGet& req, const HttpReply& r, std::vector<HttpGet>& more) {
        const std::size_t user = req.tag / 2;
        const bool tickets = req.tag % 2 == 1;
        const std::string& userId = users[user].first;
        const std::string what = std::string(tickets ? "tickets" : "orders") + " of " + userId;
        try {
            const json body = parseOk(what, r);
            const auto& items = body.at("items");
            for (const auto& item : items) {
                if (item.at("showId").get<std::string>() != ledger.showId) continue;
                if (tickets) {
                    state.tickets.push_back({item.at("ticketCode").get<std::string>(),
                                             item.at("orderId").get<std::string>(),
                                             item.at("seatId").get<std::string>(), userId});
                } else {
                    ServerOrder o = orderFrom(item, userId);
                    state.orders[o.orderId] = std::move(o);
                }
            }
            if (static_cast<int>(items.size()) == kPage) more.push_back(page(user, tickets, req.cursor + kPage));
        } catch (const std::exception& e) {
            state.readErrors.push_back(what + " (offset " + std::to_string(req.cursor) + "): " + e.what());
        }
    });

    // A ledger order the listings did not show: ask for it by id, so "missing" is not a paging slip.
    std::vector<HttpGet> byId;
    std::vector<const SeenOrder*> asked;
    for (const auto& seen : ledger.orders) {
        if (state.orders.count(seen.orderId) > 0) continue;
        const auto token = ledger.tokenOf.find(seen.userId);
        if (token == ledger.tokenOf.end()) {
            state.readErrors.push_back("order " + seen.orderId + ": no token for its owner " + seen.userId);
            continue;
        }
        byId.push_back({base_ + "/v1/orders/" + seen.orderId, token->second, asked.size(), 0, 0});
        asked.push_back(&seen);
    }
    http_.run(std::move(byId), [&](const HttpGet& req, const HttpReply& r, std::vector<HttpGet>&) {
        const SeenOrder& seen = *asked[req.tag];
        if (r.status == 404) return;  // it does not exist: the checks say so
        try {
            const json body = parseOk("order " + seen.orderId, r);
            if (body.at("showId").get<std::string>() != ledger.showId) return;
            ServerOrder o = orderFrom(body, seen.userId);
            state.orders[o.orderId] = std::move(o);
        } catch (const std::exception& e) {
            state.readErrors.push_back(e.what());
        }
    });
    return state;
}

}  // namespace boxoffice::load
