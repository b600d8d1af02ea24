#pragma once
// The live seat map's wire format (GET /v1/shows/{id}/seatmap/events, Server-Sent Events) and the
// port its route opens streams through (app/seatmap_feed implements it).
//
//   retry: 2000                          first, once: how long EventSource waits to reconnect
//   event: snapshot                      every seat: the body of GET .../seatmap/availability
//   id: <epoch>.<sequence>
//   data: {"showId":..,"version":..,"counts":{..},"statuses":"AAHS.."}
//
//   event: changes                       the seats that changed since the event before (or, on
//   id: <epoch>.<sequence>               a resume, since the client's Last-Event-ID)
//   data: {"version":..,"counts":{..},"seats":{"FLOOR1-A-1":"HELD",..}}
//
//   : ping                               a comment every heartbeat, so idle proxies keep the stream
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "domain/seatmap_changes.hpp"
#include "domain/seatmap_service.hpp"
#include "http/message.hpp"

namespace boxoffice::http {

/// One SSE event: `event:`, `id:` and one `data:` line (JSON never holds a raw newline).
std::string sseEvent(std::string_view type, std::string_view id, std::string_view data);
/// The `changes` event's data.
std::string changesData(const ShowSeating& seating, const AvailabilitySnapshot& now,
                        const std::vector<SeatChange>& changes);

/// Opens live seat-map streams.
class SeatMapStreams {
public:
    virtual ~SeatMapStreams() = default;
    /// A stream of `seating`'s availability for one client, resuming after `lastEventId` when the
    /// feed still has what came since; errors when the availability cannot be read at all.
    virtual Result<std::shared_ptr<Stream>> open(std::shared_ptr<const ShowSeating> seating,
                                                 std::optional<std::string> lastEventId) = 0;
};

}  // namespace boxoffice::http
