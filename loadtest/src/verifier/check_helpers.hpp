#pragma once
// What the checks (checks.cpp, order_checks.cpp, seat_map_checks.cpp, metrics_check.cpp) share: how
// a violation lists names, and the lookups over one source's state. Internal to the verifier.

#include <map>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "verifier/server_state.hpp"

namespace boxoffice::load::check_helpers {

inline constexpr std::size_t kListed = 20;        // names listed in one message; every one is in the Violation
inline constexpr long long kClockSlackMs = 1000;  // between the service's clock and ours

inline std::string sample(const std::vector<std::string>& names) {
    std::string out;
    for (std::size_t i = 0; i < names.size() && i < kListed; ++i) out += (i == 0 ? "" : ", ") + names[i];
    if (names.size() > kListed) out += ", ... (" + std::to_string(names.size()) + " in all)";
    return out;
}

inline std::vector<std::string> sorted(std::set<std::string> s) {
    return {s.begin(), s.end()};
}

inline const ServerOrder* find(const ServerState& state, const std::string& id) {
    const auto it = state.orders.find(id);
    return it == state.orders.end() ? nullptr : &it->second;
}

template <typename Ticket>
std::set<std::pair<std::string, std::string>> ticketPairs(const std::vector<Ticket>& tickets) {
    std::set<std::pair<std::string, std::string>> out;
    for (const auto& t : tickets) out.emplace(t.ticketCode, t.seatId);
    return out;
}

inline std::string pairsText(const std::set<std::pair<std::string, std::string>>& pairs) {
    std::vector<std::string> items;
    for (const auto& [code, seat] : pairs) items.push_back(code + "@" + seat);
    return "[" + sample(items) + "]";
}

// Seats of the show's orders whose status is in `statuses`, seat -> orders.
inline std::map<std::string, std::vector<std::string>> seatsOf(const ServerState& state,
                                                               const std::set<std::string>& statuses) {
    std::map<std::string, std::vector<std::string>> out;
    for (const auto& [id, o] : state.orders)
        if (statuses.count(o.status) > 0)
            for (const auto& s : o.seatIds) out[s].push_back(id);
    return out;
}

}  // namespace boxoffice::load::check_helpers
