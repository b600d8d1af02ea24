#pragma once
// The seat map as the API shows it: ids from /seatmap/layout, one letter per seat from
// /seatmap/availability (A available, H held, S sold), in the same layout order.

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "verifier/server_state.hpp"

namespace boxoffice::load {

struct LetterCounts {
    long long available = 0, held = 0, sold = 0, other = 0;
};

LetterCounts countLetters(const std::string& statuses);

/// Builds a SeatMap from the two documents; throws std::runtime_error when a field is missing.
SeatMap seatMapFrom(const nlohmann::json& layout, const nlohmann::json& availability);

/// Seat ids whose letter is `letter` (layout order). Seats past the end of either list are ignored.
std::vector<std::string> seatsWithLetter(const SeatMap& map, char letter);

/// Differences between the map's counts, its letters and its layout, as human sentences (empty: consistent).
std::vector<std::string> seatMapInconsistencies(const SeatMap& map);

}  // namespace boxoffice::load
