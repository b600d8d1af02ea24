#include "http/handlers/routes.hpp"

namespace boxoffice::http {
namespace {

Response cached(const Request& req, const RenderedBody& r, const char* cacheControl) {
    Response resp;
    if (auto inm = req.header("if-none-match"); inm && etagMatches(*inm, r.etag)) {
        resp.status = 304;
        resp.contentType.clear();
    } else {
        resp.status = 200;
        resp.sharedBody = r.body;
    }
    resp.with("ETag", r.etag).with("Cache-Control", cacheControl);
    return resp;
}

}  // namespace

void registerSeatMapRoutes(Router& router, SeatMapService& seatmaps, SeatMapRenderer& renderer) {
    router.add(
        Method::Get, "/v1/shows/{id}/seatmap", Access::Public,
        [&seatmaps, &renderer](const Request& req) -> Result<Response> {
            auto seating = seatmaps.seating(ShowId{req.param("id")});
            if (!seating) return std::move(seating).error();
            auto availability = seatmaps.availability(**seating);
            if (!availability) return std::move(availability).error();
            return cached(req, renderer.full(*seating, **availability), "no-cache");
        },
        Lane::Fast);
    router.add(
        Method::Get, "/v1/shows/{id}/seatmap/layout", Access::Public,
        [&seatmaps, &renderer](const Request& req) -> Result<Response> {
            auto seating = seatmaps.seating(ShowId{req.param("id")});
            if (!seating) return std::move(seating).error();
            return cached(req, renderer.layout(*seating), "public, max-age=30");
        },
        Lane::Fast);
    router.add(
        Method::Get, "/v1/shows/{id}/seatmap/availability", Access::Public,
        [&seatmaps, &renderer](const Request& req) -> Result<Response> {
            auto seating = seatmaps.seating(ShowId{req.param("id")});
            if (!seating) return std::move(seating).error();
            auto availability = seatmaps.availability(**seating);
            if (!availability) return std::move(availability).error();
            return cached(req, renderer.availability(*seating, **availability), "no-cache");
        },
        Lane::Fast);
}

}  // namespace boxoffice::http
