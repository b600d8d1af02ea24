#pragma once
// The seat map's data path: everyone reads it during a sale, so the static part (a show's seats,
// tiers and prices) is built once and shared, and only the availability changes between reads.
#include <chrono>
#include <memory>
#include <mutex>
#include <unordered_map>

#include "domain/catalog.hpp"
#include "domain/clock.hpp"
#include "domain/ports.hpp"

namespace boxoffice {

/// A show with its expanded, immutable seat list. Shared read-only between threads.
struct ShowSeating {
    Show show;
    std::shared_ptr<const SeatIndex> seats;
    std::string layoutTag;  // changes whenever the show changes (prices, times)
};

class SeatMapService {
public:
    /// `showTtl`: how long a cached show is trusted before its row is read again (bounds how long
    /// another replica's price change can go unseen).
    /// `availabilityTtl`: how long one availability snapshot is shared between readers (the seat
    /// map reflects every change within this bound; keep it well under a second).
    SeatMapService(CatalogRepository& repo, SeatStatusSource& statuses, const Clock& clock,
                   std::chrono::milliseconds showTtl, std::chrono::milliseconds availabilityTtl);

    Result<std::shared_ptr<const ShowSeating>> seating(const ShowId& id);
    /// The cached seating when it is fresh, without touching the database; nullptr otherwise
    /// (then seating() loads or re-checks it).
    std::shared_ptr<const ShowSeating> cachedSeating(const ShowId& id);
    Result<std::shared_ptr<const AvailabilitySnapshot>> availability(const ShowSeating& seating);

private:
    struct Cached {
        std::shared_ptr<const ShowSeating> seating;
        EpochMs checkedAt = 0;
        bool refreshing = false;  // one reader re-checks a stale show; the others keep the cached one
    };
    Result<std::shared_ptr<const SeatIndex>> seatsOf(const VenueId& venue);

    CatalogRepository& repo_;
    SeatStatusSource& statuses_;
    const Clock& clock_;
    std::chrono::milliseconds showTtl_;
    std::chrono::milliseconds availabilityTtl_;
    struct CachedAvailability {
        std::shared_ptr<const AvailabilitySnapshot> snapshot;
        EpochMs fetchedAt = 0;
        std::shared_ptr<std::mutex> refreshMu = std::make_shared<std::mutex>();
    };
    std::unordered_map<ShowId, CachedAvailability> availability_;
    std::mutex mu_;
    std::unordered_map<ShowId, Cached> shows_;
    std::unordered_map<VenueId, std::shared_ptr<const SeatIndex>> venues_;  // venues' layouts never change
};

}  // namespace boxoffice
