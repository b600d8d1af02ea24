#pragma once
// Seat map bodies, rendered once per (show version, availability version) and shared by every
// reader: a 50,000-seat map is ~5 MB of JSON, far too much to build per request.
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>

#include "domain/seatmap_service.hpp"

namespace boxoffice::http {

struct RenderedBody {
    std::shared_ptr<const std::string> body;
    std::string etag;  // quoted, strong
};

class SeatMapRenderer {
public:
    /// Every seat with section, row, number, tier, price and status, plus counts per status.
    RenderedBody full(const std::shared_ptr<const ShowSeating>& seating, const AvailabilitySnapshot& availability);
    /// The static part: seats with section, row, number, tier and price. Changes only with the show.
    RenderedBody layout(const std::shared_ptr<const ShowSeating>& seating);
    /// The compact moving part: counts and one status letter per seat in layout order
    /// (A = available, H = held, S = sold).
    RenderedBody availability(const std::shared_ptr<const ShowSeating>& seating,
                              const AvailabilitySnapshot& availability);

private:
    struct Entry {
        std::shared_ptr<const ShowSeating> seating;
        std::string seatPrefixes;            // per seat: {"seatId":...,"price":N,"status":"
        std::vector<std::uint32_t> offsets;  // start of each seat's prefix, plus the end
        RenderedBody layout;
        std::string fullTag;
        RenderedBody full;
        std::string availabilityTag;
        RenderedBody availability;
        std::mutex renderMu;  // one renderer per show at a time; the others wait for its result
    };
    std::shared_ptr<Entry> entryFor(const std::shared_ptr<const ShowSeating>& seating);

    std::mutex mu_;
    std::unordered_map<std::string, std::shared_ptr<Entry>> entries_;
};

/// The status as the seat map's JSON writes it: AVAILABLE, HELD, SOLD.
const char* seatStatusName(SeatStatus s);
/// The availability body's `version`: changes with the show's layout tag and the content.
std::string availabilityTag(const ShowSeating& seating, const AvailabilitySnapshot& availability);

/// True when an If-None-Match header value matches `etag` (handles lists, W/ and *).
bool etagMatches(const std::string& ifNoneMatch, const std::string& etag);

}  // namespace boxoffice::http
