#pragma once
// The one JSON shape of a layout, shared by the API and the venues.layout column:
// {"sections":[{"name":"FLOOR","tier":"GOLD","rows":[{"label":"A","seats":30},
//                                                  {"label":"B","seats":[1,2,5],"tier":"SILVER"}]}]}
// `seats` is a count (numbered 1..count) or explicit numbers; a row's tier defaults to its section's.
#include <string>

#include <nlohmann/json.hpp>

#include "domain/layout.hpp"

namespace boxoffice {

/// Reads a layout, recording type problems under `prefix` (e.g. "layout"). Rules beyond types
/// (names, duplicates, sizes) are validateLayout's.
Layout layoutFromJson(const nlohmann::json& j, const std::string& prefix, std::vector<FieldError>& errors);

/// Compact form: rows numbered 1..n are written as a count.
nlohmann::json layoutToJson(const Layout& layout);

}  // namespace boxoffice
