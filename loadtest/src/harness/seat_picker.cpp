#include "harness/seat_picker.hpp"

#include <algorithm>
#include <iterator>

#include <nlohmann/json.hpp>

namespace boxoffice::load {
namespace {

bool isFree(std::string_view statuses, std::size_t i) {
    return i < statuses.size() && statuses[i] == 'A';
}

// The first run of `group` adjacent free seats starting in [from, to) (a run may not wrap).
std::optional<std::size_t> firstRun(const SeatPlan& map, std::string_view st, int group, std::size_t from,
                                    std::size_t to) {
    std::size_t runStart = from, runLen = 0;
    for (std::size_t i = from; i < to; ++i) {
        if (!isFree(st, i)) {
            runLen = 0;
            continue;
        }
        if (runLen == 0 || !map.adjacent(i - 1, i)) {
            runStart = i;
            runLen = 1;
        } else {
            ++runLen;
        }
        if (runLen == static_cast<std::size_t>(group)) return runStart;
    }
    return std::nullopt;
}

std::vector<std::size_t> run(std::size_t start, int group) {
    std::vector<std::size_t> out;
    for (int k = 0; k < group; ++k) out.push_back(start + static_cast<std::size_t>(k));
    return out;
}

// Free seats scanning from `from`, wrapping, up to `group` of them.
std::vector<std::size_t> scattered(const SeatPlan& map, std::string_view st, int group, std::size_t from) {
    std::vector<std::size_t> out;
    const std::size_t n = map.size();
    for (std::size_t k = 0; k < n && out.size() < static_cast<std::size_t>(group); ++k) {
        const std::size_t i = (from + k) % n;
        if (isFree(st, i)) out.push_back(i);
    }
    std::sort(out.begin(), out.end());
    return out;
}

std::vector<std::size_t> best(const SeatPlan& map, std::string_view st, int group) {
    if (auto r = firstRun(map, st, group, 0, map.size())) return run(*r, group);
    return scattered(map, st, group, 0);
}

bool runStartsAt(const SeatPlan& map, std::string_view st, int group, std::size_t i, std::size_t to) {
    if (i + static_cast<std::size_t>(group) > to || !isFree(st, i)) return false;
    for (std::size_t k = 1; k < static_cast<std::size_t>(group); ++k)
        if (!isFree(st, i + k) || !map.adjacent(i + k - 1, i + k)) return false;
    return true;
}

// A run chosen uniformly among the runs of `group` free adjacent seats starting in [from, to).
// Scanning on from a random start would favour the first run after every taken block, so a crowd
// would pile onto the same few seats; random probes first (cheap while the hall is mostly free),
// then one pass collecting every candidate.
std::vector<std::size_t> randomRun(const SeatPlan& map, std::string_view st, int group, std::size_t from,
                                   std::size_t to, std::mt19937_64& rng) {
    if (to <= from) return {};
    std::uniform_int_distribution<std::size_t> any(from, to - 1);
    for (int probe = 0; probe < 32; ++probe) {
        const std::size_t i = any(rng);
        if (runStartsAt(map, st, group, i, to)) return run(i, group);
    }
    std::vector<std::size_t> starts;
    for (std::size_t i = from; i < to; ++i)
        if (runStartsAt(map, st, group, i, to)) starts.push_back(i);
    if (starts.empty()) return {};
    return run(starts[std::uniform_int_distribution<std::size_t>(0, starts.size() - 1)(rng)], group);
}

}  // namespace

SeatPlan::SeatPlan(std::vector<SeatInfo> seats) : seats_(std::move(seats)) {
    for (std::size_t i = 0; i < seats_.size(); ++i) {
        if (i == 0 || seats_[i].row != seats_[i - 1].row) rowBegin_.push_back(i);
        byId_.emplace_back(seats_[i].seatId, i);
    }
    std::sort(byId_.begin(), byId_.end());
}

std::optional<SeatPlan> SeatPlan::fromLayoutJson(std::string_view body) {
    auto j = nlohmann::json::parse(body, nullptr, false);
    if (j.is_discarded() || !j.contains("seats") || !j["seats"].is_array()) return std::nullopt;
    std::vector<SeatInfo> seats;
    seats.reserve(j["seats"].size());
    std::string lastSection, lastRow;
    int row = -1;
    for (const auto& s : j["seats"]) {
        if (!s.contains("seatId") || !s.contains("section") || !s.contains("row") || !s.contains("number"))
            return std::nullopt;
        const auto section = s["section"].get<std::string>(), label = s["row"].get<std::string>();
        if (row < 0 || section != lastSection || label != lastRow) ++row;
        lastSection = section, lastRow = label;
        seats.push_back({s["seatId"].get<std::string>(), row, s["number"].get<int>()});
    }
    return SeatPlan(std::move(seats));
}

bool SeatPlan::adjacent(std::size_t a, std::size_t b) const {
    if (a >= seats_.size() || b >= seats_.size()) return false;
    const auto& x = seats_[a];
    const auto& y = seats_[b];
    return x.row == y.row && (y.number - x.number == 1 || x.number - y.number == 1);
}

std::optional<std::size_t> SeatPlan::indexOf(std::string_view seatId) const {
    auto it = std::lower_bound(byId_.begin(), byId_.end(), seatId,
                               [](const auto& e, std::string_view id) { return std::string_view(e.first) < id; });
    if (it == byId_.end() || it->first != seatId) return std::nullopt;
    return it->second;
}

std::vector<std::size_t> pickSeats(const SeatPlan& map, std::string_view statuses, int group, SeatChoice choice,
                                   int frontRows, std::mt19937_64& rng) {
    if (map.size() == 0 || group < 1) return {};
    switch (choice) {
        case SeatChoice::Same: {
            std::vector<std::size_t> out;
            const std::size_t end = map.rowEnd(0);
            for (std::size_t i = 0; i < end && out.size() < static_cast<std::size_t>(group); ++i) out.push_back(i);
            return out;
        }
        case SeatChoice::Best:
        // The server picks for a best-available user (crowd.cpp); the nearest local choice.
        case SeatChoice::BestAvailable:
            return best(map, statuses, group);
        case SeatChoice::Front: {
            const std::size_t rows = std::min<std::size_t>(static_cast<std::size_t>(frontRows), map.rowCount());
            const std::size_t end = rows == 0 ? 0 : map.rowEnd(rows - 1);
            auto out = randomRun(map, statuses, group, 0, end, rng);
            if (!out.empty()) return out;
            return best(map, statuses, group);
        }
        case SeatChoice::Random: {
            auto out = randomRun(map, statuses, group, 0, map.size(), rng);
            if (!out.empty()) return out;
            // No run left: free seats chosen uniformly (not the first ones after a random start).
            std::vector<std::size_t> free;
            for (std::size_t i = 0; i < map.size(); ++i)
                if (isFree(statuses, i)) free.push_back(i);
            std::vector<std::size_t> chosen;
            std::sample(free.begin(), free.end(), std::back_inserter(chosen), group, rng);
            return chosen;
        }
    }
    return {};
}

SeatChoice drawChoice(const std::vector<ChoiceWeight>& choices, std::mt19937_64& rng) {
    double total = 0;
    for (const auto& c : choices) total += c.weight;
    double x = std::uniform_real_distribution<double>(0, total)(rng);
    for (const auto& c : choices) {
        if (x < c.weight) return c.choice;
        x -= c.weight;
    }
    return choices.back().choice;
}

}  // namespace boxoffice::load
