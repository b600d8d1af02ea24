#include "domain/best_available.hpp"

#include <algorithm>
#include <tuple>

namespace boxoffice {

std::optional<RowGroup> bestGroupInRow(const std::vector<bool>& free, int quantity) {
    const int n = static_cast<int>(free.size());
    std::optional<RowGroup> best;
    const auto better = [](const RowGroup& a, const RowGroup& b) {
        return std::tuple(a.orphan, a.distance, a.start) < std::tuple(b.orphan, b.distance, b.start);
    };
    // Runs of free seats: a group inside a run of length L at offset k leaves k seats free on its
    // left and L - quantity - k on its right; one of them being exactly 1 is an orphan.
    for (int i = 0; i < n;) {
        if (!free[static_cast<std::size_t>(i)]) {
            ++i;
            continue;
        }
        int end = i;
        while (end < n && free[static_cast<std::size_t>(end)]) ++end;
        const int run = end - i;
        for (int k = 0; k + quantity <= run; ++k) {
            const int left = k, right = run - quantity - k;
            RowGroup g{i + k, left == 1 || right == 1, std::abs(2 * (i + k) + quantity - n)};
            if (!best || better(g, *best)) best = g;
        }
        i = end;
    }
    return best;
}

bool rowMatches(const SeatIndex& seats, const SeatRow& row, const SeatPick& pick) {
    const auto& section = seats.layout().sections[row.section];
    if (!pick.section.empty() && section.name != pick.section) return false;
    return pick.tier.empty() || section.rows[row.row].tier == pick.tier;
}

std::vector<std::uint32_t> pickBestSeats(const SeatIndex& seats, const SeatPick& pick,
                                         const std::function<bool(std::uint32_t)>& isFree, const RowScanHooks* hooks) {
    if (pick.quantity < 1) return {};
    std::optional<std::pair<const SeatRow*, RowGroup>> fallback;  // the first orphan-leaving group
    // Not adjacent and no group anywhere: the best single seats, rows in order, centre out.
    std::vector<std::uint32_t> singles;
    std::vector<bool> free;
    for (std::size_t r = 0; r < seats.rows().size(); ++r) {
        const SeatRow& row = seats.rows()[r];
        if (!rowMatches(seats, row, pick)) continue;
        if (hooks && hooks->skip && hooks->skip(r)) continue;
        const int size = static_cast<int>(row.end - row.begin);
        free.assign(static_cast<std::size_t>(size), false);
        for (int i = 0; i < size; ++i)
            free[static_cast<std::size_t>(i)] = isFree(row.begin + static_cast<std::uint32_t>(i));
        if (hooks && hooks->scanned) hooks->scanned(r);
        if (auto g = bestGroupInRow(free, pick.quantity)) {
            if (!g->orphan) {
                std::vector<std::uint32_t> out;
                for (int i = 0; i < pick.quantity; ++i)
                    out.push_back(row.begin + static_cast<std::uint32_t>(g->start + i));
                return out;
            }
            if (!fallback) fallback = std::pair{&row, *g};
        }
        if (!pick.adjacent && !fallback && static_cast<int>(singles.size()) < pick.quantity) {
            std::vector<int> positions;
            for (int i = 0; i < size; ++i)
                if (free[static_cast<std::size_t>(i)]) positions.push_back(i);
            std::stable_sort(positions.begin(), positions.end(),
                             [size](int a, int b) { return centreDistance(a, size) < centreDistance(b, size); });
            for (int i : positions)
                if (static_cast<int>(singles.size()) < pick.quantity)
                    singles.push_back(row.begin + static_cast<std::uint32_t>(i));
        }
    }
    if (fallback) {
        std::vector<std::uint32_t> out;
        for (int i = 0; i < pick.quantity; ++i)
            out.push_back(fallback->first->begin + static_cast<std::uint32_t>(fallback->second.start + i));
        return out;
    }
    if (!pick.adjacent && static_cast<int>(singles.size()) == pick.quantity) return singles;
    return {};
}

}  // namespace boxoffice
