#include "app/demo_seed.hpp"

#include <deque>
#include <utility>

#include "util/time_zones.hpp"

namespace boxoffice::app {
namespace {

constexpr int kDefaultDemoSeats = 20000;
constexpr int kSeatsPerSection = 1000, kRowsPerSection = 20, kSeatsPerRow = 50;

// The tier of section `s` of `sections`: the first tenth VIP, the next three tenths LOWER.
const char* arenaTier(int s, int sections) {
    const double share = static_cast<double>(s) / sections;
    return share < 0.1 ? "VIP" : (share < 0.4 ? "LOWER" : "UPPER");
}

std::string arenaSectionName(int s, int sections) {
    const std::string tier = arenaTier(s, sections);
    const std::string prefix = tier == "VIP" ? "FLOOR" : (tier == "LOWER" ? "L" : "U");
    return prefix + std::to_string(s + 1);
}

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

Layout arenaLayout(int seats) {
    Layout layout;
    const int sections = (seats + kSeatsPerSection - 1) / kSeatsPerSection;
    int left = seats;
    for (int s = 0; s < sections; ++s) {
        const std::string tier = arenaTier(s, sections);
        LayoutSection section{arenaSectionName(s, sections), {}};
        for (int r = 0; r < kRowsPerSection && left > 0; ++r) {
            const int n = std::min(kSeatsPerRow, left);
            left -= n;
            section.rows.push_back({std::string(1, static_cast<char>('A' + r)), tier, n, {}});
        }
        layout.sections.push_back(std::move(section));
    }
    return layout;
}

std::string arenaSeatId(int index, int seats) {
    const int sections = (seats + kSeatsPerSection - 1) / kSeatsPerSection;
    const int section = index / kSeatsPerSection, inSection = index % kSeatsPerSection;
    return arenaSectionName(section, sections) + "-" +
           std::string(1, static_cast<char>('A' + inSection / kSeatsPerRow)) + "-" +
           std::to_string(inSection % kSeatsPerRow + 1);
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
