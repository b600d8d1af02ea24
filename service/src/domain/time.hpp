#pragma once
// RFC 3339 timestamps, durations and calendar dates, without touching global state except where noted.
#include <optional>
#include <string>
#include <string_view>

#include "domain/clock.hpp"

namespace boxoffice {

/// Parses RFC 3339 date-time: `YYYY-MM-DDTHH:MM:SS[.frac](Z|+HH:MM|-HH:MM)` ('t'/'z'/' ' accepted
/// as in RFC 3339 section 5.6 note). Fractions beyond milliseconds are truncated. Rejects
/// impossible dates (Feb 30), hours > 23, years outside 1970..9999 (also once the offset is
/// applied), missing offset.
std::optional<EpochMs> parseRfc3339(std::string_view text);

/// Formats as `YYYY-MM-DDTHH:MM:SS.mmmZ` (UTC, always milliseconds).
std::string formatRfc3339(EpochMs ms);

/// True when `text` is a valid calendar date `YYYY-MM-DD`.
bool isValidDate(std::string_view text);

/// True when `tz` names an IANA zone present in the zoneinfo database (/usr/share/zoneinfo or $TZDIR),
/// e.g. "Europe/Paris", "UTC". Rejects paths ("../", leading '/'), empty, and names over 64 chars.
bool isValidTimezone(std::string_view tz);

/// The local calendar date (`YYYY-MM-DD`) of instant `ms` in zone `tz` (DST-aware, reading the
/// zoneinfo database). Falls back to UTC when the zone is unknown. Thread-safe.
std::string localDate(EpochMs ms, std::string_view tz);

/// Parses durations such as "90s", "15m", "1h", "2d", "500ms", or a bare number of seconds.
std::optional<long long> parseDurationMs(std::string_view text);

}  // namespace boxoffice
