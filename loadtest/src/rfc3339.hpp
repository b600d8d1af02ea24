#pragma once
#include <optional>
#include <string>

namespace boxoffice::load {

/// `2026-12-31T20:00:00.000Z` or with an offset (`+01:00`) -> epoch milliseconds; nullopt when malformed.
std::optional<long long> parseRfc3339Ms(const std::string& s);

}  // namespace boxoffice::load
