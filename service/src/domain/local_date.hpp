#pragma once
// The calendar date a show is on where it is played.
#include <string>
#include <string_view>

#include "domain/clock.hpp"
#include "domain/ports.hpp"

namespace boxoffice {

/// The local calendar date (`YYYY-MM-DD`) of `instant` in zone `tz`, DST-aware. Falls back to UTC
/// when `zones` does not know `tz`. Thread-safe as `zones` is.
std::string localDate(EpochMs instant, std::string_view tz, const TimeZones& zones);

}  // namespace boxoffice
