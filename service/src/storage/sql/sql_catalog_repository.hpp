#pragma once
#include "domain/ports.hpp"
#include "storage/sql/database.hpp"

namespace boxoffice::sql {

/// CatalogRepository over SOCI; the same SQL runs on PostgreSQL and SQLite.
class SqlCatalogRepository final : public CatalogRepository {
public:
    explicit SqlCatalogRepository(Database& db) : db_(db) {}

    Result<void> createVenue(const Venue& venue) override;
    Result<Venue> findVenue(const VenueId& id) override;
    Result<void> createEvent(const Event& event) override;
    Result<Event> findEvent(const EventId& id) override;
    Result<Page<Event>> listEvents(const EventQuery& query) override;
    Result<void> updateEvent(const Event& event) override;
    Result<void> deleteEvent(const EventId& id) override;
    Result<void> createShow(const Show& show) override;
    Result<Show> findShow(const ShowId& id) override;
    Result<std::vector<Show>> listShows(const EventId& eventId, const std::string& localDate) override;
    Result<void> updateShow(const Show& show) override;
    Result<void> deleteShow(const ShowId& id) override;

private:
    Database& db_;
};

}  // namespace boxoffice::sql
