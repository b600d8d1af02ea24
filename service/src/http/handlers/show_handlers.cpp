#include "http/catalog_dto.hpp"
#include "http/handlers/routes.hpp"

namespace boxoffice::http {

void registerShowRoutes(Router& router, CatalogService& catalog) {
    router.add(Method::Post, "/v1/shows", Access::Admin, [&catalog](const Request& req) -> Result<Response> {
        auto body = parseJsonObject(req);
        if (!body) return std::move(body).error();
        auto draft = parseShowDraft(*body);
        if (!draft) return std::move(draft).error();
        auto show = catalog.createShow(std::move(draft).value());
        if (!show) return std::move(show).error();
        return jsonResponse(201, toJson(*show)).with("Location", "/v1/shows/" + show->id.str());
    });
    router.add(Method::Get, "/v1/shows/{id}", Access::Public, [&catalog](const Request& req) -> Result<Response> {
        auto show = catalog.show(ShowId{req.param("id")});
        if (!show) return std::move(show).error();
        return jsonResponse(200, toJson(*show));
    });
    router.add(Method::Patch, "/v1/shows/{id}", Access::Admin, [&catalog](const Request& req) -> Result<Response> {
        auto body = parseJsonObject(req);
        if (!body) return std::move(body).error();
        auto patch = parseShowPatch(*body);
        if (!patch) return std::move(patch).error();
        auto show = catalog.updateShow(ShowId{req.param("id")}, *patch);
        if (!show) return std::move(show).error();
        return jsonResponse(200, toJson(*show));
    });
    router.add(Method::Delete, "/v1/shows/{id}", Access::Admin, [&catalog](const Request& req) -> Result<Response> {
        if (auto r = catalog.deleteShow(ShowId{req.param("id")}); !r) return std::move(r).error();
        return Response::noContent();
    });
}

}  // namespace boxoffice::http
