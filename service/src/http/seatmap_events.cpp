#include "http/seatmap_events.hpp"

#include "http/seatmap_renderer.hpp"

namespace boxoffice::http {

std::string sseEvent(std::string_view type, std::string_view id, std::string_view data) {
    std::string out;
    out.reserve(type.size() + id.size() + data.size() + 24);
    out.append("event: ").append(type).append("\nid: ").append(id).append("\ndata: ").append(data).append("\n\n");
    return out;
}

// Seat ids are [A-Za-z0-9_-] (validated layouts), written without escaping as the seat map does.
std::string changesData(const ShowSeating& seating, const AvailabilitySnapshot& now,
                        const std::vector<SeatChange>& changes) {
    std::string out;
    out.reserve(96 + changes.size() * 24);
    out.append("{\"version\":\"").append(availabilityTag(seating, now)).append("\",\"counts\":{\"AVAILABLE\":");
    out.append(std::to_string(now.available)).append(",\"HELD\":").append(std::to_string(now.held));
    out.append(",\"SOLD\":").append(std::to_string(now.sold)).append("},\"seats\":{");
    const auto& seats = seating.seats->seats();
    bool first = true;
    for (const auto& c : changes) {
        if (c.position >= seats.size()) continue;
        if (!first) out.push_back(',');
        first = false;
        out.append("\"").append(seats[c.position].seatId.str()).append("\":\"").append(seatStatusName(c.status));
        out.push_back('"');
    }
    out.append("}}");
    return out;
}

}  // namespace boxoffice::http
