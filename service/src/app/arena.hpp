#pragma once
// The demo arena's shape: its layout and the id of its n-th seat. Pure, and a library of its own
// (boxoffice_arena) so the benchmarks name the demo show's seats without linking the service.
#include <string>

#include "domain/layout.hpp"

namespace boxoffice::app {

/// A layout of `seats` seats in sections of up to 1,000 (20 rows of 50): the first tenth VIP,
/// the next three tenths LOWER, the rest UPPER.
Layout arenaLayout(int seats);

/// The id of the seat at `index` (0-based, layout order) of arenaLayout(seats), e.g. "FLOOR1-A-1".
std::string arenaSeatId(int index, int seats);

}  // namespace boxoffice::app
