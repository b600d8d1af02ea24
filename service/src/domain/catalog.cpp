#include "domain/catalog.hpp"

namespace boxoffice {

std::string_view eventKindName(EventKind kind) {
    switch (kind) {
        case EventKind::Concert:
            return "concert";
        case EventKind::Movie:
            return "movie";
        case EventKind::Sports:
            return "sports";
        case EventKind::Theatre:
            return "theatre";
        case EventKind::Other:
            return "other";
    }
    return "other";
}

std::optional<EventKind> parseEventKind(std::string_view text) {
    for (auto k : {EventKind::Concert, EventKind::Movie, EventKind::Sports, EventKind::Theatre, EventKind::Other})
        if (eventKindName(k) == text) return k;
    return std::nullopt;
}

std::optional<std::int64_t> Show::priceOf(std::string_view tier) const {
    for (const auto& p : prices)
        if (p.tier == tier) return p.amountMinor;
    return std::nullopt;
}

}  // namespace boxoffice
