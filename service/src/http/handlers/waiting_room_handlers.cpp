#include "http/handlers/routes.hpp"
#include "http/handlers/waiting_room_routes.hpp"
#include "util/rfc3339.hpp"

namespace boxoffice::http {

namespace {

constexpr const char* kFields[] = {
    "enabled", "opensAt", "admitRate", "maxActive", "admissionTtlSeconds", "shoppingWindowSeconds"};

Json nullableTime(EpochMs ms) {
    return ms > 0 ? Json(formatRfc3339(ms)) : Json(nullptr);
}

}  // namespace

Result<admission::WaitingRoomSettings> parseWaitingRoom(const Json& body, const ShowId& show) {
    std::vector<FieldError> errs;
    for (auto it = body.begin(); it != body.end(); ++it) {
        bool known = false;
        for (const char* f : kFields) known = known || it.key() == f;
        if (!known) errs.push_back({it.key(), "is not a field of a waiting room"});
    }
    admission::WaitingRoomSettings w;
    w.show = show;
    auto enabled = body.find("enabled");
    if (enabled == body.end() || !enabled->is_boolean())
        errs.push_back({"enabled", "is required: true or false"});
    else
        w.enabled = enabled->get<bool>();
    FieldReader r(body, "", errs);
    if (auto opens = r.string("opensAt", w.enabled, 64)) {
        if (auto ms = parseRfc3339(*opens))
            w.opensAt = *ms;
        else
            errs.push_back({"opensAt", "must be an RFC 3339 time with an offset"});
    }
    if (auto rate = r.integer("admitRate", false, 1, admission::kMaxAdmitRate)) w.admitRate = *rate;
    if (auto active = r.integer("maxActive", false, 1, admission::kMaxActive)) w.maxActive = *active;
    if (auto ttl = r.integer("admissionTtlSeconds", false, admission::kMinAdmissionTtl.count() / 1000,
                             admission::kMaxAdmissionTtl.count() / 1000))
        w.admissionTtl = std::chrono::seconds(*ttl);
    if (auto window = r.integer("shoppingWindowSeconds", false, admission::kMinShoppingWindow.count() / 1000,
                                admission::kMaxShoppingWindow.count() / 1000))
        w.shoppingWindow = std::chrono::seconds(*window);
    if (errs.empty() && w.enabled)
        for (auto& e : admission::validate(w)) errs.push_back(std::move(e));
    if (!errs.empty()) return Error::validation(std::move(errs));
    return w;
}

Json toJson(const admission::WaitingRoomSettings& w) {
    Json out = {{"showId", w.show.str()},
                {"enabled", w.enabled},
                {"opensAt", nullableTime(w.opensAt)},
                {"admitRate", w.admitRate > 0 ? Json(w.admitRate) : Json(nullptr)},
                {"maxActive", w.maxActive > 0 ? Json(w.maxActive) : Json(nullptr)},
                {"admissionTtlSeconds", w.admissionTtl.count() / 1000},
                {"shoppingWindowSeconds", w.shoppingWindow.count() / 1000},
                {"updatedAt", nullableTime(w.updatedAt)}};
    out["updatedBy"] = w.updatedBy.empty() ? Json(nullptr) : Json(w.updatedBy);
    return out;
}

Json toJson(const admission::QueueState& s, const admission::WaitingRoomSettings& w) {
    return {{"showId", w.show.str()},
            {"size", s.size},
            {"admitted", s.admitted},
            {"waiting", std::max<std::int64_t>(0, s.size - s.admitted)},
            {"activeShoppers", s.active},
            {"held", s.held},
            {"abandoned", s.abandoned},
            {"paused", s.paused},
            {"opened", s.opened},
            {"opensAt", nullableTime(w.opensAt)},
            {"admitRate", w.admitRate > 0 ? Json(w.admitRate) : Json(nullptr)},
            {"maxActive", w.maxActive > 0 ? Json(w.maxActive) : Json(nullptr)}};
}

Json toJson(const admission::QueueTicket& t, const ShowId& show) {
    const auto& p = t.place;
    Json out = {{"showId", show.str()},
                {"status", std::string(admission::statusName(t.status))},
                {"preQueue", p.preQueue},
                {"position", p.preQueue ? Json(nullptr) : Json(p.rank + 1)},
                {"peopleAhead", t.peopleAhead},
                {"estimatedWaitSeconds", t.estimatedWaitSeconds ? Json(*t.estimatedWaitSeconds) : Json(nullptr)},
                {"queueSize", p.room.size},
                {"paused", p.room.paused}};
    if (t.status == admission::QueueTicket::Status::Admitted) {
        out["admissionToken"] = t.admissionToken;
        out["admissionExpiresAt"] = formatRfc3339(t.tokenExpiresAt);
    }
    out["windowEndsAt"] = nullableTime(t.windowEndsAt);
    return out;
}

void registerWaitingRoomRoutes(Router& router, CatalogService& catalog, admission::WaitingRoomService& rooms) {
    router.add(Method::Get, "/v1/shows/{id}/waiting-room", Access::Admin,
               [&catalog, &rooms](const Request& req) -> Result<Response> {
                   const ShowId id{req.param("id")};
                   auto show = catalog.show(id);
                   if (!show) return std::move(show).error();
                   return jsonResponse(200, toJson(rooms.settings(id)));
               });
    router.add(Method::Put, "/v1/shows/{id}/waiting-room", Access::Admin,
               [&catalog, &rooms](const Request& req) -> Result<Response> {
                   const ShowId id{req.param("id")};
                   if (auto show = catalog.show(id); !show) return std::move(show).error();
                   auto body = parseJsonObject(req);
                   if (!body) return std::move(body).error();
                   auto w = parseWaitingRoom(*body, id);
                   if (!w) return std::move(w).error();
                   w->updatedBy = req.principal->userId;
                   auto saved = rooms.configure(std::move(*w));
                   if (!saved) return std::move(saved).error();
                   return jsonResponse(200, toJson(*saved));
               });
    // The queue itself: Redis or memory, never SQL, so the fast lane.
    router.add(
        Method::Post, "/v1/shows/{id}/queue", Access::User,
        [&rooms](const Request& req) -> Result<Response> {
            const ShowId show{req.param("id")};
            auto t = rooms.join(show, UserId{req.principal->userId});
            if (!t) return std::move(t).error();
            return jsonResponse(200, toJson(*t, show));
        },
        Lane::Fast);
    router.add(
        Method::Get, "/v1/shows/{id}/queue/me", Access::User,
        [&rooms](const Request& req) -> Result<Response> {
            const ShowId show{req.param("id")};
            auto t = rooms.me(show, UserId{req.principal->userId});
            if (!t) return std::move(t).error();
            return jsonResponse(200, toJson(*t, show));
        },
        Lane::Fast);
    router.add(
        Method::Get, "/v1/shows/{id}/queue", Access::Admin,
        [&rooms](const Request& req) -> Result<Response> {
            const ShowId show{req.param("id")};
            auto s = rooms.state(show);
            if (!s) return std::move(s).error();
            return jsonResponse(200, toJson(*s, rooms.settings(show)));
        },
        Lane::Fast);
    for (bool pause : {true, false}) {
        router.add(
            Method::Post, pause ? "/v1/shows/{id}/queue/pause" : "/v1/shows/{id}/queue/resume", Access::Admin,
            [&rooms, pause](const Request& req) -> Result<Response> {
                const ShowId show{req.param("id")};
                auto s = rooms.setPaused(show, pause);
                if (!s) return std::move(s).error();
                return jsonResponse(200, toJson(*s, rooms.settings(show)));
            },
            Lane::Fast);
    }
}

}  // namespace boxoffice::http
