#pragma once
// A hold id carries its show ("<showId>.<32 hex>") so a store can find the hold's keys from the
// id alone and keep every key of a show under one Redis hash tag (one cluster slot).
#include <cctype>
#include <optional>
#include <string>

#include "domain/ids.hpp"

namespace boxoffice {

/// `random` is any string of 32 lower-case hex digits (e.g. a UUID without dashes).
inline HoldId makeHoldId(const ShowId& show, const std::string& random) {
    return HoldId{show.str() + "." + random};
}

/// The show of a well-formed hold id; nullopt for anything else (treat as not found).
inline std::optional<ShowId> showOfHold(const HoldId& id) {
    const std::string& s = id.str();
    const auto dot = s.rfind('.');
    if (dot == std::string::npos || dot == 0 || s.size() - dot - 1 != 32 || dot > 64) return std::nullopt;
    for (std::size_t i = dot + 1; i < s.size(); ++i)
        if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f'))) return std::nullopt;
    for (std::size_t i = 0; i < dot; ++i)
        if (!(std::isalnum(static_cast<unsigned char>(s[i])) || s[i] == '-')) return std::nullopt;
    return ShowId{s.substr(0, dot)};
}

}  // namespace boxoffice
