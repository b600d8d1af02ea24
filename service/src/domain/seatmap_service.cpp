#include "domain/seatmap_service.hpp"

namespace boxoffice {
namespace {

constexpr std::size_t kMaxCachedShows = 1024;
constexpr std::size_t kMaxCachedVenues = 256;

std::string base36(std::uint64_t v) {
    static constexpr char digits[] = "0123456789abcdefghijklmnopqrstuvwxyz";
    std::string s;
    do {
        s.insert(s.begin(), digits[v % 36]);
        v /= 36;
    } while (v);
    return s;
}

}  // namespace

SeatMapService::SeatMapService(CatalogRepository& repo, SeatStatusSource& statuses, const Clock& clock,
                               std::chrono::milliseconds showTtl, std::chrono::milliseconds availabilityTtl)
    : repo_(repo), statuses_(statuses), clock_(clock), showTtl_(showTtl), availabilityTtl_(availabilityTtl) {}

Result<std::shared_ptr<const SeatIndex>> SeatMapService::seatsOf(const VenueId& venueId) {
    {
        std::lock_guard lock(mu_);
        if (auto it = venues_.find(venueId); it != venues_.end()) return it->second;
    }
    auto venue = repo_.findVenue(venueId);
    if (!venue) return std::move(venue).error();
    auto index = std::make_shared<const SeatIndex>(std::move(venue->layout));
    std::lock_guard lock(mu_);
    if (venues_.size() >= kMaxCachedVenues) venues_.clear();
    return venues_.emplace(venueId, index).first->second;
}

std::shared_ptr<const ShowSeating> SeatMapService::cachedSeating(const ShowId& id) {
    const EpochMs now = clock_.nowMs();
    std::lock_guard lock(mu_);
    auto it = shows_.find(id);
    if (it == shows_.end()) return nullptr;
    // Stale and nobody re-checking it: this caller goes the slow way and re-checks.
    if (now - it->second.checkedAt >= showTtl_.count() && !it->second.refreshing) return nullptr;
    return it->second.seating;
}

Result<std::shared_ptr<const ShowSeating>> SeatMapService::seating(const ShowId& id) {
    const EpochMs now = clock_.nowMs();
    std::shared_ptr<const ShowSeating> cached;
    {
        std::lock_guard lock(mu_);
        if (auto it = shows_.find(id); it != shows_.end()) {
            // Stale-while-revalidate: a slow database must not hold up every reader of a show
            // that is on sale, so only one of them waits for the re-check.
            if (now - it->second.checkedAt < showTtl_.count() || it->second.refreshing) return it->second.seating;
            it->second.refreshing = true;
            cached = it->second.seating;
        }
    }
    auto clearRefreshing = [&] {
        std::lock_guard lock(mu_);
        if (auto it = shows_.find(id); it != shows_.end()) it->second.refreshing = false;
    };
    // Stale or missing: one primary-key read tells whether the show changed.
    auto show = repo_.findShow(id);
    if (!show) {
        if (show.error().code == ErrorCode::NotFound) {
            std::lock_guard lock(mu_);
            shows_.erase(id);
        } else if (cached) {
            clearRefreshing();
            return cached;  // the database is struggling: a slightly stale price list beats an error
        }
        return std::move(show).error();
    }
    std::shared_ptr<const ShowSeating> fresh;
    if (cached && cached->show.updatedAt == show->updatedAt) {
        fresh = cached;
    } else {
        auto seats = seatsOf(show->venueId);
        if (!seats) {
            clearRefreshing();
            return std::move(seats).error();
        }
        const std::string tag = base36(static_cast<std::uint64_t>(show->updatedAt));
        fresh =
            std::make_shared<const ShowSeating>(ShowSeating{std::move(show).value(), std::move(seats).value(), tag});
    }
    std::lock_guard lock(mu_);
    if (shows_.size() >= kMaxCachedShows) shows_.clear();
    shows_[id] = Cached{fresh, now, false};
    return fresh;
}

Result<std::shared_ptr<const AvailabilitySnapshot>> SeatMapService::availability(const ShowSeating& seating) {
    const ShowId& id = seating.show.id;
    std::shared_ptr<std::mutex> refreshMu;
    {
        std::lock_guard lock(mu_);
        auto& entry = availability_[id];
        if (entry.snapshot && clock_.nowMs() - entry.fetchedAt < availabilityTtl_.count()) return entry.snapshot;
        refreshMu = entry.refreshMu;
    }
    // One reader refreshes a show's snapshot at a time. The others never wait for it: they are
    // served the last snapshot (a stalled or frozen store must not tie up the threads holds need).
    // Only when there is none yet do they wait, since there is nothing else to show.
    std::unique_lock refresh(*refreshMu, std::try_to_lock);
    if (!refresh.owns_lock()) {
        {
            std::lock_guard lock(mu_);
            if (auto& entry = availability_[id]; entry.snapshot) return entry.snapshot;
        }
        refresh.lock();
    }
    {
        std::lock_guard lock(mu_);
        auto& entry = availability_[id];
        if (entry.snapshot && clock_.nowMs() - entry.fetchedAt < availabilityTtl_.count()) return entry.snapshot;
    }
    auto fresh = statuses_.snapshot(id, *seating.seats, clock_.nowMs());
    if (!fresh) {
        // Reads degrade gracefully: while the hold store is unreachable, the last known seat map
        // (marked by its version) beats an error page for everyone watching the sale.
        // The next refresh waits a TTL, so readers are not queued behind one failed attempt after another.
        std::lock_guard lock(mu_);
        auto& entry = availability_[id];
        if (entry.snapshot) {
            entry.fetchedAt = clock_.nowMs();
            return entry.snapshot;
        }
        return std::move(fresh).error();
    }
    auto shared = std::make_shared<const AvailabilitySnapshot>(std::move(fresh).value());
    std::lock_guard lock(mu_);
    if (availability_.size() >= kMaxCachedShows) availability_.clear();
    auto& entry = availability_[id];
    entry.snapshot = shared;
    entry.fetchedAt = clock_.nowMs();
    return shared;
}

}  // namespace boxoffice
