#pragma once
// Best available: the seats the server picks for a buyer who asks for a number of seats instead
// of naming them. One order for every store: sections in layout order (the layout has no rank of
// its own), rows front to back (the order the layout lists them), centre out within a row. A
// group of `quantity` adjacent seats in one row that leaves no single free seat stranded between
// it and a taken seat or the row's end beats any group that does; the first row (in that order)
// with such a group wins, and within the row the group nearest the centre (the left one on a
// tie). Only when no row has a clean group does an orphan-leaving group win, by the same order.
// Not adjacent: a group when one exists, else the best single free seats one by one.
// The Redis store runs the same rules in Lua (scripts/best_available.lua); the contract suite
// holds both to the same answers.
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "domain/layout.hpp"

namespace boxoffice {

struct SeatPick {
    int quantity = 1;     // 1..maxSeatsPerHold, validated by the caller
    std::string section;  // only this section (empty: any)
    std::string tier;     // only rows of this tier (empty: any)
    bool adjacent = true;
};

/// A group of seats in one row: `start` is the 0-based position of its first seat in the row.
struct RowGroup {
    int start = 0;
    bool orphan = false;  // leaves exactly one free seat beside it
    int distance = 0;     // twice the distance of its centre from the row's centre
};

/// The best group of `quantity` free seats in a row whose seats are free where `free` is true,
/// preferring clean groups, then the centre, then the left; nullopt when none fits.
std::optional<RowGroup> bestGroupInRow(const std::vector<bool>& free, int quantity);

/// Twice the distance of seat `pos` (0-based) from the centre of a row of `size` seats.
inline int centreDistance(int pos, int size) {
    const int d = 2 * pos + 1 - size;
    return d < 0 ? -d : d;
}

/// Whether a row is one `pick` may take seats from.
bool rowMatches(const SeatIndex& seats, const SeatRow& row, const SeatPick& pick);

/// Lets a store that remembers its rows skip those it knows cannot offer the pick anything (it
/// must never skip a row that could), and tells it which rows were read. Rows are indexes into
/// `seats.rows()`.
struct RowScanHooks {
    std::function<bool(std::size_t row)> skip;
    std::function<void(std::size_t row)> scanned;
};

/// The positions (into `seats.seats()`) of the seats to hold, best first, or empty when no seats
/// fit. `isFree(position)` is asked row by row in the order above, and the scan stops at the first
/// row with a clean group.
std::vector<std::uint32_t> pickBestSeats(const SeatIndex& seats, const SeatPick& pick,
                                         const std::function<bool(std::uint32_t)>& isFree,
                                         const RowScanHooks* hooks = nullptr);

}  // namespace boxoffice
