#include "http/handlers/routes.hpp"

namespace boxoffice::http {

// The live seat map (http/seatmap_events.hpp has the format). The show is resolved here, so an
// unknown show is a 404 problem like on the other seat-map routes; the stream takes over after.
void registerSeatMapEventRoutes(Router& router, SeatMapService& seatmaps, SeatMapStreams& streams) {
    router.add(
        Method::Get, "/v1/shows/{id}/seatmap/events", Access::Public,
        [&seatmaps, &streams](const Request& req) -> Result<Response> {
            auto seating = seatmaps.seating(ShowId{req.param("id")});
            if (!seating) return std::move(seating).error();
            auto stream = streams.open(std::move(seating).value(), req.header("last-event-id"));
            if (!stream) return std::move(stream).error();
            Response resp;
            resp.contentType = "text/event-stream";
            resp.stream = std::move(stream).value();
            // X-Accel-Buffering: nginx-style proxies pass each event on at once instead of buffering.
            resp.with("Cache-Control", "no-cache").with("X-Accel-Buffering", "no");
            return resp;
        },
        Lane::Fast);
}

}  // namespace boxoffice::http
