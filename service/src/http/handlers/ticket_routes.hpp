#pragma once
// GET /v1/tickets/public-key, GET /v1/me/tickets/{id}/qr, POST /v1/checkins,
// GET /v1/shows/{id}/checkins.
#include "domain/ticket_service.hpp"
#include "http/json_body.hpp"
#include "http/router.hpp"

namespace boxoffice::http {

/// `publicJwk`: the ticket signer's public key as a JWK, served as is.
void registerTicketRoutes(Router& router, TicketService& tickets, const Json& publicJwk);

}  // namespace boxoffice::http
