#pragma once
// A venue's seat layout: sections of rows of seats, each row in one price tier. Seat ids are
// `SECTION-ROW-NUMBER` (e.g. FLOOR-B-7), stable for the life of the venue.
#include <cstdint>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "domain/ids.hpp"
#include "domain/result.hpp"

namespace boxoffice {

struct LayoutRow {
    std::string label;         // "A", "12"
    std::string tier;          // price tier, e.g. "GOLD"
    int count = 0;             // seats numbered 1..count, when `numbers` is empty
    std::vector<int> numbers;  // explicit seat numbers, in the order given
};

struct LayoutSection {
    std::string name;  // "FLOOR", "B101"
    std::vector<LayoutRow> rows;
};

struct Layout {
    std::vector<LayoutSection> sections;
};

struct LayoutLimits {
    int maxSeats = 200000;
    int maxSections = 1000;
    int maxRowsPerSection = 1000;
    int maxSeatsPerRow = 10000;
    int maxNameLength = 16;  // section names, row labels and tiers
};

/// Checks a layout and reports every problem with its field path (`layout.sections[1].rows[0].label`):
/// empty layout/sections/rows, names outside [A-Za-z0-9_] or too long, duplicate section names,
/// duplicate row labels within a section, duplicate or non-positive seat numbers within a row,
/// absurd sizes per LayoutLimits.
Result<void> validateLayout(const Layout& layout, const LayoutLimits& limits = {});

/// One seat, expanded from a layout.
struct SeatInfo {
    SeatId seatId;
    std::uint32_t section = 0;  // index into sections
    std::uint32_t row = 0;      // index into the section's rows
    int number = 0;
};

/// One row of the expanded seat list: its seats are `seats()[begin, end)`, in the layout's order.
struct SeatRow {
    std::uint32_t section = 0;
    std::uint32_t row = 0;
    std::uint32_t begin = 0;
    std::uint32_t end = 0;
};

/// The expanded, immutable seat list of a validated layout, with an index from seat id to position.
/// Shared between threads read-only.
class SeatIndex {
public:
    explicit SeatIndex(Layout layout);
    // Copying would leave byId_ pointing into the source.
    SeatIndex(const SeatIndex&) = delete;
    SeatIndex& operator=(const SeatIndex&) = delete;

    const Layout& layout() const { return layout_; }
    const std::vector<SeatInfo>& seats() const { return seats_; }
    std::size_t size() const { return seats_.size(); }
    /// Position of a seat id in `seats()`, or -1.
    long find(std::string_view seatId) const;
    const std::string& tierOf(const SeatInfo& seat) const { return layout_.sections[seat.section].rows[seat.row].tier; }
    /// Distinct tiers in layout order.
    const std::vector<std::string>& tiers() const { return tiers_; }
    /// Rows in layout order: sections as listed, rows front to back.
    const std::vector<SeatRow>& rows() const { return rows_; }
    /// The index into rows() of the seat at `position` in seats().
    std::size_t rowOfSeat(std::uint32_t position) const;
    /// Names the seating (every seat id, row and tier): a store that keeps a copy of the layout
    /// (the Redis best-available index) knows from it whether its copy is this one.
    const std::string& signature() const { return signature_; }

private:
    Layout layout_;
    std::vector<SeatInfo> seats_;
    std::unordered_map<std::string_view, std::uint32_t> byId_;
    std::vector<std::string> tiers_;
    std::vector<SeatRow> rows_;
    std::string signature_;
};

int seatCount(const Layout& layout);

}  // namespace boxoffice
