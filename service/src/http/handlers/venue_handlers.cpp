#include "http/catalog_dto.hpp"
#include "http/handlers/routes.hpp"

namespace boxoffice::http {

void registerVenueRoutes(Router& router, CatalogService& catalog) {
    router.add(Method::Post, "/v1/venues", Access::Admin, [&catalog](const Request& req) -> Result<Response> {
        auto body = parseJsonObject(req);
        if (!body) return std::move(body).error();
        auto draft = parseVenueDraft(*body);
        if (!draft) return std::move(draft).error();
        auto venue = catalog.createVenue(std::move(draft).value());
        if (!venue) return std::move(venue).error();
        return jsonResponse(201, toJson(*venue)).with("Location", "/v1/venues/" + venue->id.str());
    });
    router.add(Method::Get, "/v1/venues/{id}", Access::Public, [&catalog](const Request& req) -> Result<Response> {
        auto venue = catalog.venue(VenueId{req.param("id")});
        if (!venue) return std::move(venue).error();
        return jsonResponse(200, toJson(*venue));
    });
}

}  // namespace boxoffice::http
