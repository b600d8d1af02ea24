#include "domain/catalog_service.hpp"

#include <algorithm>
#include <set>

#include "domain/local_date.hpp"
#include "util/rfc3339.hpp"

namespace boxoffice {
namespace {

constexpr std::int64_t kMaxPriceMinor = 1'000'000'000'000LL;  // absurdly high, still fits every currency

bool isCurrency(const std::string& c) {
    return c.size() == 3 && std::all_of(c.begin(), c.end(), [](char ch) { return ch >= 'A' && ch <= 'Z'; });
}

bool isHttpUrl(const std::string& u) {
    return (u.rfind("https://", 0) == 0 || u.rfind("http://", 0) == 0) && u.size() > 8 &&
           u.find_first_of(" \t\r\n\"<>") == std::string::npos;
}

void checkEventFields(const Event& e, std::vector<FieldError>& errs) {
    if (e.title.empty() || e.title.size() > 200) errs.push_back({"title", "must be 1-200 characters"});
    if (e.description.size() > 5000) errs.push_back({"description", "must be at most 5000 characters"});
    if (e.imageUrl && !isHttpUrl(*e.imageUrl)) errs.push_back({"imageUrl", "must be an http(s) URL"});
}

}  // namespace

CatalogService::CatalogService(CatalogRepository& repo, const Clock& clock, IdGenerator& ids, const TimeZones& zones,
                               LayoutLimits limits)
    : repo_(repo), clock_(clock), ids_(ids), zones_(zones), limits_(limits) {}

Result<Venue> CatalogService::createVenue(VenueDraft draft) {
    std::vector<FieldError> errs;
    if (draft.name.empty() || draft.name.size() > 200) errs.push_back({"name", "must be 1-200 characters"});
    if (draft.address.empty() || draft.address.size() > 500) errs.push_back({"address", "must be 1-500 characters"});
    if (!zones_.isKnown(draft.timezone)) errs.push_back({"timezone", "must be an IANA time zone such as Europe/Paris"});
    if (auto v = validateLayout(draft.layout, limits_); !v) {
        for (const auto& f : v.error().fields) errs.push_back(f);
    }
    if (!errs.empty()) return Error::validation(std::move(errs));
    Venue venue{VenueId{ids_.next()},      std::move(draft.name),   std::move(draft.address),
                std::move(draft.timezone), std::move(draft.layout), clock_.nowMs()};
    if (auto r = repo_.createVenue(venue); !r) return std::move(r).error();
    return venue;
}

Result<Venue> CatalogService::venue(const VenueId& id) {
    return repo_.findVenue(id);
}

Result<Event> CatalogService::createEvent(EventDraft draft) {
    const EpochMs now = clock_.nowMs();
    Event e{EventId{ids_.next()},
            std::move(draft.title),
            draft.kind,
            std::move(draft.description),
            std::move(draft.imageUrl),
            now,
            now};
    std::vector<FieldError> errs;
    checkEventFields(e, errs);
    if (!errs.empty()) return Error::validation(std::move(errs));
    if (auto r = repo_.createEvent(e); !r) return std::move(r).error();
    return e;
}

Result<Event> CatalogService::event(const EventId& id) {
    return repo_.findEvent(id);
}

Result<Page<Event>> CatalogService::events(const EventQuery& query) {
    std::vector<FieldError> errs;
    if (query.limit < 1 || query.limit > 100) errs.push_back({"limit", "must be between 1 and 100"});
    if (query.offset < 0 || query.offset > 1'000'000) errs.push_back({"offset", "must be between 0 and 1000000"});
    if (query.text.size() > 200) errs.push_back({"q", "must be at most 200 characters"});
    if (!errs.empty()) {
        Error e = Error::validation(std::move(errs));
        e.code = ErrorCode::InvalidParameter;
        return e;
    }
    return repo_.listEvents(query);
}

Result<Event> CatalogService::updateEvent(const EventId& id, const EventPatch& patch) {
    auto found = repo_.findEvent(id);
    if (!found) return std::move(found).error();
    Event e = std::move(found).value();
    if (patch.title) e.title = *patch.title;
    if (patch.kind) e.kind = *patch.kind;
    if (patch.description) e.description = *patch.description;
    if (patch.imageUrl) e.imageUrl = *patch.imageUrl;
    std::vector<FieldError> errs;
    checkEventFields(e, errs);
    if (!errs.empty()) return Error::validation(std::move(errs));
    e.updatedAt = std::max(clock_.nowMs(), e.updatedAt + 1);
    if (auto r = repo_.updateEvent(e); !r) return std::move(r).error();
    return e;
}

Result<void> CatalogService::deleteEvent(const EventId& id) {
    return repo_.deleteEvent(id);
}

Result<void> CatalogService::checkShow(const Show& show, const Venue& venue) const {
    std::vector<FieldError> errs;
    if (!isCurrency(show.currency)) errs.push_back({"currency", "must be an ISO 4217 code such as EUR"});
    if (show.saleOpensAt >= show.saleClosesAt) errs.push_back({"saleClosesAt", "must be after saleOpensAt"});
    if (show.saleOpensAt > show.startsAt) errs.push_back({"saleOpensAt", "must not be after startsAt"});
    std::set<std::string> tiers;
    for (const auto& s : venue.layout.sections)
        for (const auto& r : s.rows) tiers.insert(r.tier);
    std::set<std::string> priced;
    for (std::size_t i = 0; i < show.prices.size(); ++i) {
        const auto& p = show.prices[i];
        const std::string f = "prices[" + std::to_string(i) + "]";
        if (!tiers.count(p.tier))
            errs.push_back({f + ".tier", "venue has no tier '" + p.tier + "'"});
        else if (!priced.insert(p.tier).second)
            errs.push_back({f + ".tier", "duplicate tier '" + p.tier + "'"});
        if (p.amountMinor < 0 || p.amountMinor > kMaxPriceMinor)
            errs.push_back({f + ".amount", "must be between 0 and " + std::to_string(kMaxPriceMinor)});
    }
    for (const auto& t : tiers)
        if (!priced.count(t)) errs.push_back({"prices", "missing a price for tier '" + t + "'"});
    if (!errs.empty()) return Error::validation(std::move(errs));
    return {};
}

Result<Show> CatalogService::createShow(ShowDraft draft) {
    std::vector<FieldError> errs;
    auto event = repo_.findEvent(draft.eventId);
    if (!event && event.error().code != ErrorCode::NotFound) return std::move(event).error();
    if (!event) errs.push_back({"eventId", "no such event"});
    auto venue = repo_.findVenue(draft.venueId);
    if (!venue && venue.error().code != ErrorCode::NotFound) return std::move(venue).error();
    if (!venue) errs.push_back({"venueId", "no such venue"});
    if (!errs.empty()) return Error::validation(std::move(errs));

    const EpochMs now = clock_.nowMs();
    Show show{ShowId{ids_.next()},
              std::move(draft.eventId),
              std::move(draft.venueId),
              draft.startsAt,
              localDate(draft.startsAt, venue->timezone, zones_),
              draft.saleOpensAt,
              draft.saleClosesAt,
              std::move(draft.currency),
              std::move(draft.prices),
              now,
              now};
    if (auto c = checkShow(show, *venue); !c) return std::move(c).error();
    if (auto r = repo_.createShow(show); !r) return std::move(r).error();
    return show;
}

Result<Show> CatalogService::show(const ShowId& id) {
    return repo_.findShow(id);
}

Result<std::vector<Show>> CatalogService::showsOf(const EventId& eventId, const std::string& date) {
    if (!date.empty() && !parseFullDate(date)) {
        Error e = Error::validation("date", "must be a calendar date YYYY-MM-DD");
        e.code = ErrorCode::InvalidParameter;
        return e;
    }
    if (auto e = repo_.findEvent(eventId); !e) return std::move(e).error();
    return repo_.listShows(eventId, date);
}

Result<Show> CatalogService::updateShow(const ShowId& id, const ShowPatch& patch) {
    auto found = repo_.findShow(id);
    if (!found) return std::move(found).error();
    Show show = std::move(found).value();
    auto venue = repo_.findVenue(show.venueId);
    if (!venue) return std::move(venue).error();
    if (patch.startsAt) show.startsAt = *patch.startsAt;
    if (patch.saleOpensAt) show.saleOpensAt = *patch.saleOpensAt;
    if (patch.saleClosesAt) show.saleClosesAt = *patch.saleClosesAt;
    if (patch.currency) show.currency = *patch.currency;
    if (patch.prices) show.prices = *patch.prices;
    show.localDate = localDate(show.startsAt, venue->timezone, zones_);
    if (auto c = checkShow(show, *venue); !c) return std::move(c).error();
    // updatedAt feeds the seat map's ETag: it must move even within one millisecond.
    show.updatedAt = std::max(clock_.nowMs(), show.updatedAt + 1);
    if (auto r = repo_.updateShow(show); !r) return std::move(r).error();
    return show;
}

Result<void> CatalogService::deleteShow(const ShowId& id) {
    return repo_.deleteShow(id);
}

}  // namespace boxoffice
