#pragma once
// Catalog entities: venues with their seat layouts, events, shows with prices.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "domain/clock.hpp"
#include "domain/ids.hpp"
#include "domain/layout.hpp"

namespace boxoffice {

enum class EventKind { Concert, Movie, Sports, Theatre, Other };

std::string_view eventKindName(EventKind kind);
std::optional<EventKind> parseEventKind(std::string_view text);

struct Venue {
    VenueId id;
    std::string name;
    std::string address;
    std::string timezone;
    Layout layout;
    EpochMs createdAt = 0;
};

struct Event {
    EventId id;
    std::string title;
    EventKind kind = EventKind::Other;
    std::string description;
    std::optional<std::string> imageUrl;
    EpochMs createdAt = 0;
    EpochMs updatedAt = 0;
};

struct TierPrice {
    std::string tier;
    std::int64_t amountMinor = 0;
};

struct Show {
    ShowId id;
    EventId eventId;
    VenueId venueId;
    EpochMs startsAt = 0;
    std::string localDate;  // YYYY-MM-DD of startsAt in the venue's time zone
    EpochMs saleOpensAt = 0;
    EpochMs saleClosesAt = 0;
    std::string currency;  // ISO 4217, e.g. "EUR"
    std::vector<TierPrice> prices;
    EpochMs createdAt = 0;
    EpochMs updatedAt = 0;

    std::optional<std::int64_t> priceOf(std::string_view tier) const;
    bool saleOpenAt(EpochMs now) const { return now >= saleOpensAt && now < saleClosesAt; }
};

struct EventQuery {
    std::optional<EventKind> kind;
    std::string text;  // case-insensitive substring of title or description; empty = any
    int limit = 20;
    int offset = 0;
};

template <typename T>
struct Page {
    std::vector<T> items;
    int total = 0;
    int offset = 0;
    int limit = 0;
};

}  // namespace boxoffice
