#pragma once
#include <string>

#include "app/arena.hpp"
#include "domain/catalog_service.hpp"

namespace boxoffice::app {

struct DemoIds {
    VenueId venue;
    EventId event;
    ShowId show;
};

/// The fixed ids of the default demo (a 20,000-seat arena), so the README can name the show.
DemoIds defaultDemoIds();

struct DemoResult {
    Venue venue;
    Event event;
    Show show;
    bool created = false;  // false: the default demo existed and its sale window was reopened
};

/// Creates a demo venue, event and a show on sale now (sale open until the show starts in 30 days).
/// With the default size it is idempotent: a second run reopens the existing show's sale.
Result<DemoResult> seedDemo(CatalogRepository& repo, const Clock& clock, IdGenerator& random, int seats);

}  // namespace boxoffice::app
