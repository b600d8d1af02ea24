#include "app/demo_seed.hpp"

#include <deque>
#include <utility>

#include "util/time_zones.hpp"

namespace boxoffice::app {
namespace {

constexpr int kDefaultDemoSeats = 20000;

class SequenceIds final : public IdGenerator {
public:
    explicit SequenceIds(std::deque<std::string> ids) : ids_(std::move(ids)) {}
    std::string next() override {
        std::string id = ids_.front();
        ids_.pop_front();
        return id;
    }

private:
    std::deque<std::string> ids_;
};

}  // namespace

DemoIds defaultDemoIds() {
    return {VenueId{"00000000-0000-4000-8000-00000000d001"}, EventId{"00000000-0000-4000-8000-00000000d002"},
            ShowId{"00000000-0000-4000-8000-00000000d003"}};
}

Result<DemoResult> seedDemo(CatalogRepository& repo, const Clock& clock, IdGenerator& random, int seats) {
    const bool isDefault = seats == kDefaultDemoSeats;
    const DemoIds fixed = defaultDemoIds();
    const EpochMs now = clock.nowMs();
    const EpochMs day = 24LL * 3600 * 1000;
    // The demo venue is in Europe/Paris: its shows' local dates come from the system's zoneinfo.
    const util::ZoneinfoTimeZones zones(util::zoneinfoDirectory());

    if (isDefault) {
        auto existing = repo.findShow(fixed.show);
        if (existing) {
            CatalogService catalog(repo, clock, random, zones);
            ShowPatch reopen;
            reopen.startsAt = now + 30 * day;
            reopen.saleOpensAt = now - 60'000;
            reopen.saleClosesAt = now + 30 * day;
            auto show = catalog.updateShow(fixed.show, reopen);
            if (!show) return std::move(show).error();
            auto venue = repo.findVenue(fixed.venue);
            if (!venue) return std::move(venue).error();
            auto event = repo.findEvent(fixed.event);
            if (!event) return std::move(event).error();
            return DemoResult{std::move(venue).value(), std::move(event).value(), std::move(show).value(), false};
        }
        if (existing.error().code != ErrorCode::NotFound) return std::move(existing).error();
    }

    SequenceIds ids(isDefault ? std::deque<std::string>{fixed.venue.str(), fixed.event.str(), fixed.show.str()}
                              : std::deque<std::string>{random.next(), random.next(), random.next()});
    CatalogService catalog(repo, clock, ids, zones, LayoutLimits{});
    auto venue =
        catalog.createVenue({"Boxoffice Arena", "1 Flash Sale Avenue, Paris", "Europe/Paris", arenaLayout(seats)});
    if (!venue) return std::move(venue).error();
    auto event = catalog.createEvent(
        {"The Flash Sale Tour", EventKind::Concert, "Everyone wants a seat; nobody gets the same one.", std::nullopt});
    if (!event) return std::move(event).error();
    std::vector<TierPrice> prices;
    for (const auto& [tier, amount] :
         {std::pair<const char*, std::int64_t>{"VIP", 15000}, {"LOWER", 9500}, {"UPPER", 5500}})
        for (const auto& section : venue->layout.sections)
            if (section.rows.front().tier == tier) {
                prices.push_back({tier, amount});
                break;
            }
    ShowDraft draft{event->id, venue->id, now + 30 * day, now - 60'000, now + 30 * day, "EUR", std::move(prices)};
    auto show = catalog.createShow(std::move(draft));
    if (!show) return std::move(show).error();
    return DemoResult{std::move(venue).value(), std::move(event).value(), std::move(show).value(), true};
}

}  // namespace boxoffice::app
