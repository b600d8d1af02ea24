#include "http/handlers/routes.hpp"
#include "http/problem.hpp"

namespace boxoffice::http {

void registerHealthRoutes(Router& router, Readiness& readiness) {
    router.add(
        Method::Get, "/healthz", Access::Public,
        [](const Request&) -> Result<Response> { return Response::json(200, R"({"status":"ok"})"); }, Lane::Reactor);
    router.add(Method::Get, "/readyz", Access::Public, [&readiness](const Request&) -> Result<Response> {
        Json deps = Json::object();
        bool ready = !readiness.draining();
        for (const auto& dep : readiness.checks()) {
            auto r = dep.check();
            if (r) {
                deps[dep.name] = {{"status", "up"}};
            } else {
                ready = false;
                deps[dep.name] = {
                    {"status", "down"}, {"code", errorSpec(r.error().code).code}, {"detail", r.error().detail}};
            }
        }
        Json body = {{"status", ready ? "ready" : (readiness.draining() ? "draining" : "unavailable")},
                     {"dependencies", std::move(deps)}};
        return jsonResponse(ready ? 200 : 503, body).with("Cache-Control", "no-store");
    });
}

}  // namespace boxoffice::http
