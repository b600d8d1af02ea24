#pragma once
// Catalog use cases: the rules on venues, events and shows beyond JSON types.
#include <optional>
#include <string>
#include <vector>

#include "domain/catalog.hpp"
#include "domain/clock.hpp"
#include "domain/ports.hpp"

namespace boxoffice {

struct VenueDraft {
    std::string name;
    std::string address;
    std::string timezone;
    Layout layout;
};

struct EventDraft {
    std::string title;
    EventKind kind = EventKind::Other;
    std::string description;
    std::optional<std::string> imageUrl;
};

struct EventPatch {
    std::optional<std::string> title;
    std::optional<EventKind> kind;
    std::optional<std::string> description;
    std::optional<std::optional<std::string>> imageUrl;  // set to null clears it
};

struct ShowDraft {
    EventId eventId;
    VenueId venueId;
    EpochMs startsAt = 0;
    EpochMs saleOpensAt = 0;
    EpochMs saleClosesAt = 0;
    std::string currency;
    std::vector<TierPrice> prices;
};

struct ShowPatch {
    std::optional<EpochMs> startsAt;
    std::optional<EpochMs> saleOpensAt;
    std::optional<EpochMs> saleClosesAt;
    std::optional<std::string> currency;
    std::optional<std::vector<TierPrice>> prices;
};

class CatalogService {
public:
    /// `zones` validates venues' time zones and gives shows their local date.
    CatalogService(CatalogRepository& repo, const Clock& clock, IdGenerator& ids, const TimeZones& zones,
                   LayoutLimits limits = {});

    Result<Venue> createVenue(VenueDraft draft);
    Result<Venue> venue(const VenueId& id);

    Result<Event> createEvent(EventDraft draft);
    Result<Event> event(const EventId& id);
    Result<Page<Event>> events(const EventQuery& query);
    Result<Event> updateEvent(const EventId& id, const EventPatch& patch);
    Result<void> deleteEvent(const EventId& id);

    Result<Show> createShow(ShowDraft draft);
    Result<Show> show(const ShowId& id);
    /// `date` empty or YYYY-MM-DD (the venue's local date of the start).
    Result<std::vector<Show>> showsOf(const EventId& eventId, const std::string& date);
    Result<Show> updateShow(const ShowId& id, const ShowPatch& patch);
    Result<void> deleteShow(const ShowId& id);

private:
    Result<void> checkShow(const Show& show, const Venue& venue) const;

    CatalogRepository& repo_;
    const Clock& clock_;
    IdGenerator& ids_;
    const TimeZones& zones_;
    LayoutLimits limits_;
};

}  // namespace boxoffice
