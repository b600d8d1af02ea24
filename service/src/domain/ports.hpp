#pragma once
// Narrow interfaces the domain needs from the outside world; adapters live in storage/ and util/.
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "domain/catalog.hpp"
#include "domain/clock.hpp"
#include "domain/layout.hpp"
#include "domain/result.hpp"

namespace boxoffice {

/// Venues, events and shows. Missing ids come back as Error{NotFound}.
class CatalogRepository {
public:
    virtual ~CatalogRepository() = default;

    virtual Result<void> createVenue(const Venue& venue) = 0;
    virtual Result<Venue> findVenue(const VenueId& id) = 0;

    virtual Result<void> createEvent(const Event& event) = 0;
    virtual Result<Event> findEvent(const EventId& id) = 0;
    virtual Result<Page<Event>> listEvents(const EventQuery& query) = 0;
    virtual Result<void> updateEvent(const Event& event) = 0;
    /// EventHasShows when the event still has shows.
    virtual Result<void> deleteEvent(const EventId& id) = 0;

    virtual Result<void> createShow(const Show& show) = 0;
    virtual Result<Show> findShow(const ShowId& id) = 0;
    /// Shows of an event ordered by start time, optionally only those on a local date (YYYY-MM-DD).
    virtual Result<std::vector<Show>> listShows(const EventId& eventId, const std::string& localDate) = 0;
    virtual Result<void> updateShow(const Show& show) = 0;
    /// ShowHasOrders when any order (in any status) references the show: it is history.
    virtual Result<void> deleteShow(const ShowId& id) = 0;
};

/// The IANA time-zone database (e.g. the system's zoneinfo files). Implementations are thread-safe.
class TimeZones {
public:
    virtual ~TimeZones() = default;
    /// True when `name` is a zone of the database ("Europe/Paris", "UTC"). Never true for a path
    /// (leading '/', a "." or ".." segment), an empty name or one over 64 characters.
    virtual bool isKnown(std::string_view name) const = 0;
    /// The zone's offset east of UTC at `instant` (DST included); nullopt when `name` is not known.
    virtual std::optional<std::chrono::seconds> utcOffset(std::string_view name, EpochMs instant) const = 0;
};

enum class SeatStatus : std::uint8_t { Available = 0, Held = 1, Sold = 2 };

/// The availability of every seat of a show, in layout order, at one version.
struct AvailabilitySnapshot {
    std::string epoch;          // names the source ("static", "memory", "redis")
    std::uint64_t version = 0;  // identifies the content: equal versions, equal statuses
    std::vector<SeatStatus> status;
    int available = 0;
    int held = 0;
    int sold = 0;
    bool ready = true;  // false: the source lost its state for this show and must be restored first
};

/// Fills the counts and the content version (FNV-1a of the statuses, so that even an expiry,
/// which writes nothing, changes it) from `status`.
void summarize(AvailabilitySnapshot& snapshot);

/// Where seat statuses come from (the hold store in a sale).
class SeatStatusSource {
public:
    virtual ~SeatStatusSource() = default;
    /// Every seat's status as of `now`, in the order of `seats`.
    virtual Result<AvailabilitySnapshot> snapshot(const ShowId& show, const SeatIndex& seats, EpochMs now) = 0;
};

}  // namespace boxoffice
