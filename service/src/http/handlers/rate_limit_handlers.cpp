#include "util/rfc3339.hpp"
#include "http/handlers/rate_limit_routes.hpp"
#include "http/handlers/routes.hpp"

namespace boxoffice::http {

using admission::Budget;
using admission::Scope;

namespace {

const char* scopeField(Scope s) {
    return s == Scope::User ? "perUser" : "perIp";
}

Json rateJson(const admission::Rate& r) {
    return {{"limit", r.limit}, {"windowSeconds", r.window.count() / 1000}};
}

}  // namespace

Result<admission::ShowRateLimits> parseShowRateLimits(const Json& body, const ShowId& show) {
    std::vector<FieldError> errs;
    admission::ShowRateLimits out;
    out.show = show;
    for (auto it = body.begin(); it != body.end(); ++it) {
        bool known = false;
        for (auto b : admission::kBudgets) known = known || it.key() == admission::budgetName(b);
        if (!known) errs.push_back({it.key(), "is not a budget: use holds, orders or reads"});
    }
    FieldReader top(body, "", errs);
    for (auto b : admission::kBudgets) {
        const std::string name(admission::budgetName(b));
        auto found = body.find(name);
        if (found == body.end() || found->is_null()) continue;
        const Json* budget = top.object(name.c_str(), false);
        if (!budget) continue;
        for (auto it = budget->begin(); it != budget->end(); ++it)
            if (it.key() != "perUser" && it.key() != "perIp")
                errs.push_back({name + "." + it.key(), "is not a scope: use perUser or perIp"});
        FieldReader br(*budget, name, errs);
        for (auto s : admission::kScopes) {
            auto rf = budget->find(scopeField(s));
            if (rf == budget->end() || rf->is_null()) continue;
            const Json* rate = br.object(scopeField(s), false);
            if (!rate) continue;
            const std::string path = name + "." + scopeField(s);
            for (auto it = rate->begin(); it != rate->end(); ++it)
                if (it.key() != "limit" && it.key() != "windowSeconds")
                    errs.push_back({path + "." + it.key(), "is not a field: use limit and windowSeconds"});
            FieldReader rr(*rate, path, errs);
            auto limit = rr.integer("limit", true, 1, admission::kMaxRateLimit);
            auto window = rr.integer("windowSeconds", true, admission::kMinRateWindow.count() / 1000,
                                     admission::kMaxRateWindow.count() / 1000);
            if (limit && window) out.of(b, s) = admission::Rate{*limit, std::chrono::seconds(*window)};
        }
    }
    if (!errs.empty()) return Error::validation(std::move(errs));
    return out;
}

Json toJson(const admission::ShowRateLimits& overrides, const admission::RateLimitSettings& defaults) {
    Json set = Json::object(), effective = Json::object();
    for (auto b : admission::kBudgets) {
        const std::string name(admission::budgetName(b));
        Json setBudget = Json::object(), effBudget = Json::object();
        for (auto s : admission::kScopes) {
            const auto& own = overrides.of(b, s);
            if (own) setBudget[scopeField(s)] = rateJson(*own);
            Json e = rateJson(own ? *own : defaults.of(b).of(s));
            e["source"] = own ? "show" : "default";
            effBudget[scopeField(s)] = std::move(e);
        }
        if (!setBudget.empty()) set[name] = std::move(setBudget);
        effective[name] = std::move(effBudget);
    }
    Json out = {{"showId", overrides.show.str()},
                {"enabled", defaults.enabled},
                {"overrides", std::move(set)},
                {"effective", std::move(effective)}};
    out["updatedAt"] = overrides.updatedAt > 0 ? Json(formatRfc3339(overrides.updatedAt)) : Json(nullptr);
    out["updatedBy"] = overrides.updatedBy.empty() ? Json(nullptr) : Json(overrides.updatedBy);
    return out;
}

void registerRateLimitRoutes(Router& router, CatalogService& catalog, admission::ShowRateLimitCache& overrides,
                             const admission::RateLimitSettings& defaults, const Clock& clock) {
    router.add(Method::Get, "/v1/shows/{id}/rate-limits", Access::Admin,
               [&catalog, &overrides, &defaults](const Request& req) -> Result<Response> {
                   const ShowId id{req.param("id")};
                   auto show = catalog.show(id);
                   if (!show) return std::move(show).error();
                   auto own = overrides.find(id.str());
                   admission::ShowRateLimits none;
                   none.show = id;
                   return jsonResponse(200, toJson(own ? *own : none, defaults));
               });
    router.add(Method::Put, "/v1/shows/{id}/rate-limits", Access::Admin,
               [&overrides, &defaults, &clock](const Request& req) -> Result<Response> {
                   auto body = parseJsonObject(req);
                   if (!body) return std::move(body).error();
                   auto limits = parseShowRateLimits(*body, ShowId{req.param("id")});
                   if (!limits) return std::move(limits).error();
                   limits->updatedAt = clock.nowMs();
                   limits->updatedBy = req.principal->userId;
                   if (auto r = overrides.replace(*limits); !r) return r.error();
                   if (limits->empty()) {
                       limits->updatedAt = 0;
                       limits->updatedBy.clear();
                   }
                   return jsonResponse(200, toJson(*limits, defaults));
               });
}

}  // namespace boxoffice::http
