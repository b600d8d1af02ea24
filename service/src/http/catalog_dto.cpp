#include "http/catalog_dto.hpp"

#include "domain/layout_codec.hpp"
#include "util/rfc3339.hpp"

namespace boxoffice::http {
namespace {

std::optional<EpochMs> timeField(FieldReader& r, const char* name, bool required) {
    auto s = r.string(name, required, 64);
    if (!s) return std::nullopt;
    auto t = parseRfc3339(*s);
    if (!t) r.fail(name, "must be an RFC 3339 date-time such as 2026-12-31T20:00:00+01:00");
    return t;
}

std::optional<EventKind> kindField(FieldReader& r, bool required) {
    auto s = r.string("kind", required, 32);
    if (!s) return std::nullopt;
    auto k = parseEventKind(*s);
    if (!k) r.fail("kind", "must be one of concert, movie, sports, theatre, other");
    return k;
}

std::optional<std::vector<TierPrice>> pricesField(FieldReader& r, bool required) {
    const Json* arr = r.array("prices", required);
    if (!arr) return std::nullopt;
    if (arr->empty()) {
        r.fail("prices", "must not be empty");
        return std::nullopt;
    }
    if (arr->size() > 100) {
        r.fail("prices", "at most 100 tiers");
        return std::nullopt;
    }
    std::vector<TierPrice> prices;
    for (std::size_t i = 0; i < arr->size(); ++i) {
        const std::string path = "prices[" + std::to_string(i) + "]";
        if (!(*arr)[i].is_object()) {
            r.fail(path, "must be an object {tier, amount}");
            continue;
        }
        FieldReader pr((*arr)[i], r.path(path), r.errors());
        auto tier = pr.string("tier", true, 16);
        auto amount = pr.integer("amount", true, 0, 1'000'000'000'000LL);
        if (tier && amount) prices.push_back({*tier, *amount});
    }
    return prices;
}

Result<void> done(std::vector<FieldError>& errs) {
    if (!errs.empty()) return Error::validation(std::move(errs));
    return {};
}

}  // namespace

Result<VenueDraft> parseVenueDraft(const Json& body) {
    std::vector<FieldError> errs;
    FieldReader r(body, "", errs);
    VenueDraft d;
    d.name = r.string("name", true, 200).value_or("");
    d.address = r.string("address", true, 500).value_or("");
    d.timezone = r.string("timezone", true, 64).value_or("");
    if (const Json* layout = r.object("layout", true)) d.layout = layoutFromJson(*layout, "layout", errs);
    if (auto v = done(errs); !v) return std::move(v).error();
    return d;
}

Result<EventDraft> parseEventDraft(const Json& body) {
    std::vector<FieldError> errs;
    FieldReader r(body, "", errs);
    EventDraft d;
    d.title = r.string("title", true, 200).value_or("");
    d.kind = kindField(r, true).value_or(EventKind::Other);
    d.description = r.string("description", false, 5000, 0).value_or("");
    d.imageUrl = r.string("imageUrl", false, 2048);
    if (auto v = done(errs); !v) return std::move(v).error();
    return d;
}

Result<EventPatch> parseEventPatch(const Json& body) {
    std::vector<FieldError> errs;
    FieldReader r(body, "", errs);
    EventPatch p;
    if (r.has("title")) p.title = r.string("title", true, 200);
    if (r.has("kind")) p.kind = kindField(r, true);
    if (r.has("description")) p.description = r.string("description", true, 5000, 0);
    std::optional<std::string> image;
    if (r.nullableString("imageUrl", 2048, image)) p.imageUrl = image;
    if (!p.title && !p.kind && !p.description && !p.imageUrl && errs.empty())
        errs.push_back({"body", "nothing to update: give title, kind, description or imageUrl"});
    if (auto v = done(errs); !v) return std::move(v).error();
    return p;
}

Result<ShowDraft> parseShowDraft(const Json& body) {
    std::vector<FieldError> errs;
    FieldReader r(body, "", errs);
    ShowDraft d;
    d.eventId = EventId{r.string("eventId", true, 64).value_or("")};
    d.venueId = VenueId{r.string("venueId", true, 64).value_or("")};
    d.startsAt = timeField(r, "startsAt", true).value_or(0);
    d.saleOpensAt = timeField(r, "saleOpensAt", true).value_or(0);
    d.saleClosesAt = timeField(r, "saleClosesAt", true).value_or(0);
    d.currency = r.string("currency", true, 3).value_or("");
    d.prices = pricesField(r, true).value_or(std::vector<TierPrice>{});
    if (auto v = done(errs); !v) return std::move(v).error();
    return d;
}

Result<ShowPatch> parseShowPatch(const Json& body) {
    std::vector<FieldError> errs;
    FieldReader r(body, "", errs);
    ShowPatch p;
    for (const char* immutable : {"eventId", "venueId"})
        if (r.has(immutable)) r.fail(immutable, "cannot be changed; create a new show instead");
    if (r.has("startsAt")) p.startsAt = timeField(r, "startsAt", true);
    if (r.has("saleOpensAt")) p.saleOpensAt = timeField(r, "saleOpensAt", true);
    if (r.has("saleClosesAt")) p.saleClosesAt = timeField(r, "saleClosesAt", true);
    if (r.has("currency")) p.currency = r.string("currency", true, 3);
    if (r.has("prices")) p.prices = pricesField(r, true);
    if (!p.startsAt && !p.saleOpensAt && !p.saleClosesAt && !p.currency && !p.prices && errs.empty())
        errs.push_back({"body", "nothing to update: give startsAt, saleOpensAt, saleClosesAt, currency or prices"});
    if (auto v = done(errs); !v) return std::move(v).error();
    return p;
}

Json toJson(const Venue& v) {
    return {{"id", v.id.str()},
            {"name", v.name},
            {"address", v.address},
            {"timezone", v.timezone},
            {"seatCount", seatCount(v.layout)},
            {"layout", layoutToJson(v.layout)},
            {"createdAt", formatRfc3339(v.createdAt)}};
}

Json toJson(const Event& e) {
    return {{"id", e.id.str()},
            {"title", e.title},
            {"kind", eventKindName(e.kind)},
            {"description", e.description},
            {"imageUrl", e.imageUrl ? Json(*e.imageUrl) : Json(nullptr)},
            {"createdAt", formatRfc3339(e.createdAt)},
            {"updatedAt", formatRfc3339(e.updatedAt)}};
}

Json toJson(const Show& s) {
    Json prices = Json::array();
    for (const auto& p : s.prices) prices.push_back({{"tier", p.tier}, {"amount", p.amountMinor}});
    return {{"id", s.id.str()},
            {"eventId", s.eventId.str()},
            {"venueId", s.venueId.str()},
            {"startsAt", formatRfc3339(s.startsAt)},
            {"localDate", s.localDate},
            {"saleOpensAt", formatRfc3339(s.saleOpensAt)},
            {"saleClosesAt", formatRfc3339(s.saleClosesAt)},
            {"currency", s.currency},
            {"prices", std::move(prices)},
            {"createdAt", formatRfc3339(s.createdAt)},
            {"updatedAt", formatRfc3339(s.updatedAt)}};
}

}  // namespace boxoffice::http
