#pragma once
// The waiting room (issue 16): GET/PUT /v1/shows/{id}/waiting-room (admin), POST /v1/shows/{id}/queue
// and GET .../queue/me (users), GET .../queue and POST .../queue/pause|resume (admin).
#include "admission/waiting_room_service.hpp"
#include "domain/catalog_service.hpp"
#include "http/json_body.hpp"
#include "http/router.hpp"

namespace boxoffice::http {

void registerWaitingRoomRoutes(Router& router, CatalogService& catalog, admission::WaitingRoomService& rooms);

/// The PUT body: {enabled, opensAt (RFC 3339), admitRate | maxActive, admissionTtlSeconds,
/// shoppingWindowSeconds}; unknown fields are refused (422).
Result<admission::WaitingRoomSettings> parseWaitingRoom(const Json& body, const ShowId& show);
Json toJson(const admission::WaitingRoomSettings& room);
Json toJson(const admission::QueueState& state, const admission::WaitingRoomSettings& room);
Json toJson(const admission::QueueTicket& ticket, const ShowId& show);

}  // namespace boxoffice::http
