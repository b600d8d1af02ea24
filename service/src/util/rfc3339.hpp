#pragma once
// RFC 3339 timestamps and full-dates: the one parser and formatter of the service, its logger, its tests
// and the flash-sale harness (CMake target boxoffice_time, which depends on nothing else).
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace boxoffice {

/// Parses RFC 3339 date-time: `YYYY-MM-DDTHH:MM:SS[.frac](Z|+HH:MM|-HH:MM)` ('t'/'z'/' ' accepted
/// as in RFC 3339 section 5.6 note) into milliseconds since the Unix epoch. Fractions beyond
/// milliseconds are truncated. Rejects impossible dates (Feb 30), hours > 23, second 60, years
/// outside 1970..9999 (also once the offset is applied), a missing offset.
std::optional<std::int64_t> parseRfc3339(std::string_view text);

/// Formats milliseconds since the epoch as `YYYY-MM-DDTHH:MM:SS.mmmZ` (UTC, always milliseconds).
std::string formatRfc3339(std::int64_t epochMs);

/// Parses an RFC 3339 full-date `YYYY-MM-DD` (the whole text; years 1970..9999, real calendar days).
std::optional<std::chrono::year_month_day> parseFullDate(std::string_view text);

/// Formats `YYYY-MM-DD`; years outside 0..9999 are written without padding rather than refused.
std::string formatFullDate(std::chrono::year_month_day date);

}  // namespace boxoffice
