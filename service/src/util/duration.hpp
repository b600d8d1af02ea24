#pragma once
// Durations as configuration and the CLI write them.
#include <optional>
#include <string_view>

namespace boxoffice {

/// Parses durations such as "90s", "15m", "1h", "2d", "500ms", or a bare number of seconds, into
/// milliseconds. No sign, no fraction, no spaces, one unit; nullopt on overflow.
std::optional<long long> parseDurationMs(std::string_view text);

}  // namespace boxoffice
