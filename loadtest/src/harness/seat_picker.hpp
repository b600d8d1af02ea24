#pragma once
// The seats of a show in layout order (as /seatmap/layout lists them, the order of the letters of
// /seatmap/availability) and how a virtual user picks some from what it sees. Pure.

#include <cstdint>
#include <optional>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include "harness/scenario.hpp"

namespace boxoffice::load {

struct SeatInfo {
    std::string seatId;
    int row = 0;  // index of its (section, row) in layout order
    int number = 0;
};

class SeatPlan {
public:
    explicit SeatPlan(std::vector<SeatInfo> seats);
    /// From the body of GET /v1/shows/{id}/seatmap/layout; nullopt when it does not parse.
    static std::optional<SeatPlan> fromLayoutJson(std::string_view body);

    std::size_t size() const { return seats_.size(); }
    const SeatInfo& seat(std::size_t i) const { return seats_[i]; }
    std::size_t rowCount() const { return rowBegin_.size(); }
    std::size_t rowBegin(std::size_t r) const { return rowBegin_[r]; }
    std::size_t rowEnd(std::size_t r) const { return r + 1 < rowBegin_.size() ? rowBegin_[r + 1] : seats_.size(); }
    /// Next to each other: the same row and consecutive numbers.
    bool adjacent(std::size_t a, std::size_t b) const;
    std::optional<std::size_t> indexOf(std::string_view seatId) const;

private:
    std::vector<SeatInfo> seats_;
    std::vector<std::size_t> rowBegin_;
    std::vector<std::pair<std::string, std::size_t>> byId_;  // sorted, for indexOf
};

/// Picks `group` seats the user believes are available ('A' in `statuses`, one letter per seat in
/// layout order). Adjacent seats are preferred: a run of `group` in one row when one exists, else
/// the best/random single seats. Fewer than `group` seats come back when fewer are available; none
/// when the user sees nothing available.
///   Best:   the first run in layout order (the best seats are listed first).
///   Random: a run starting at a random seat (scanning on from there).
///   Front:  a random run within the first `frontRows` rows, else Best.
///   Same:   the first `group` seats of the first row whatever their status (a race).
std::vector<std::size_t> pickSeats(const SeatPlan& map, std::string_view statuses, int group, SeatChoice choice,
                                   int frontRows, std::mt19937_64& rng);

/// Draws one of the weighted choices (`--choice random:0.6,best-available:0.4`).
SeatChoice drawChoice(const std::vector<ChoiceWeight>& choices, std::mt19937_64& rng);

}  // namespace boxoffice::load
