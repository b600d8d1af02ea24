#include <charconv>

#include "http/catalog_dto.hpp"
#include "http/handlers/routes.hpp"

namespace boxoffice::http {
namespace {

Result<int> intParam(const Request& req, const char* name, int fallback) {
    auto v = req.queryValue(name);
    if (!v) return fallback;
    int out = 0;
    auto [p, ec] = std::from_chars(v->data(), v->data() + v->size(), out);
    if (ec != std::errc() || p != v->data() + v->size()) {
        Error e = Error::validation(name, "must be an integer");
        e.code = ErrorCode::InvalidParameter;
        return e;
    }
    return out;
}

}  // namespace

void registerEventRoutes(Router& router, CatalogService& catalog) {
    router.add(Method::Post, "/v1/events", Access::Admin, [&catalog](const Request& req) -> Result<Response> {
        auto body = parseJsonObject(req);
        if (!body) return std::move(body).error();
        auto draft = parseEventDraft(*body);
        if (!draft) return std::move(draft).error();
        auto event = catalog.createEvent(std::move(draft).value());
        if (!event) return std::move(event).error();
        return jsonResponse(201, toJson(*event)).with("Location", "/v1/events/" + event->id.str());
    });
    router.add(Method::Get, "/v1/events", Access::Public, [&catalog](const Request& req) -> Result<Response> {
        EventQuery query;
        if (auto kind = req.queryValue("kind")) {
            query.kind = parseEventKind(*kind);
            if (!query.kind) {
                Error e = Error::validation("kind", "must be one of concert, movie, sports, theatre, other");
                e.code = ErrorCode::InvalidParameter;
                return e;
            }
        }
        query.text = req.queryValue("q").value_or("");
        auto limit = intParam(req, "limit", 20);
        if (!limit) return std::move(limit).error();
        auto offset = intParam(req, "offset", 0);
        if (!offset) return std::move(offset).error();
        query.limit = *limit;
        query.offset = *offset;
        auto page = catalog.events(query);
        if (!page) return std::move(page).error();
        Json items = Json::array();
        for (const auto& e : page->items) items.push_back(toJson(e));
        Json body = {
            {"items", std::move(items)}, {"total", page->total}, {"limit", page->limit}, {"offset", page->offset}};
        const int next = page->offset + static_cast<int>(page->items.size());
        body["nextOffset"] = next < page->total ? Json(next) : Json(nullptr);
        return jsonResponse(200, body);
    });
    router.add(Method::Get, "/v1/events/{id}", Access::Public, [&catalog](const Request& req) -> Result<Response> {
        auto event = catalog.event(EventId{req.param("id")});
        if (!event) return std::move(event).error();
        return jsonResponse(200, toJson(*event));
    });
    router.add(Method::Patch, "/v1/events/{id}", Access::Admin, [&catalog](const Request& req) -> Result<Response> {
        auto body = parseJsonObject(req);
        if (!body) return std::move(body).error();
        auto patch = parseEventPatch(*body);
        if (!patch) return std::move(patch).error();
        auto event = catalog.updateEvent(EventId{req.param("id")}, *patch);
        if (!event) return std::move(event).error();
        return jsonResponse(200, toJson(*event));
    });
    router.add(Method::Delete, "/v1/events/{id}", Access::Admin, [&catalog](const Request& req) -> Result<Response> {
        if (auto r = catalog.deleteEvent(EventId{req.param("id")}); !r) return std::move(r).error();
        return Response::noContent();
    });
    router.add(Method::Get, "/v1/events/{id}/shows", Access::Public,
               [&catalog](const Request& req) -> Result<Response> {
                   auto shows = catalog.showsOf(EventId{req.param("id")}, req.queryValue("date").value_or(""));
                   if (!shows) return std::move(shows).error();
                   Json items = Json::array();
                   for (const auto& s : *shows) items.push_back(toJson(s));
                   return jsonResponse(200, {{"items", std::move(items)}});
               });
}

}  // namespace boxoffice::http
