#pragma once
// Route registration per resource. Handlers are thin: parse, call one domain method, map the result.
#include "domain/booking_service.hpp"
#include "domain/catalog_service.hpp"
#include "domain/seatmap_service.hpp"
#include "http/idempotency.hpp"
#include "http/json_body.hpp"
#include "http/readiness.hpp"
#include "http/seatmap_events.hpp"
#include "http/router.hpp"
#include "http/seatmap_renderer.hpp"

namespace boxoffice::http {

void registerHealthRoutes(Router& router, Readiness& readiness);
void registerVenueRoutes(Router& router, CatalogService& catalog);
void registerEventRoutes(Router& router, CatalogService& catalog);
void registerShowRoutes(Router& router, CatalogService& catalog);
/// `holdKeys` keeps the Idempotency-Keys of holds (where the holds are: a hold never waits on SQL),
/// `orderKeys` those of orders and payments (in SQL, beside them). `clientConfirms`: the dev
/// provider's confirm-payment, where the client says it paid; false with a real provider, whose
/// verified webhook is the only way an order is confirmed.
void registerBookingRoutes(Router& router, BookingService& booking, IdempotencyStore& holdKeys,
                           IdempotencyStore& orderKeys, const Clock& clock, IdGenerator& ids,
                           const IdempotencySettings& settings, bool clientConfirms);
void registerOpenApiRoute(Router& router);
void registerSeatMapRoutes(Router& router, SeatMapService& seatmaps, SeatMapRenderer& renderer);
/// GET /v1/shows/{id}/seatmap/events: the live seat map, Server-Sent Events opened by `streams`.
void registerSeatMapEventRoutes(Router& router, SeatMapService& seatmaps, SeatMapStreams& streams);

inline Response jsonResponse(int status, const Json& body) {
    return Response::json(status, dump(body));
}

}  // namespace boxoffice::http
