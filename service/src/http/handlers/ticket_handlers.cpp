#include "http/handlers/ticket_routes.hpp"
#include "http/qr_svg.hpp"
#include "http/ticket_dto.hpp"

namespace boxoffice::http {

void registerTicketRoutes(Router& router, TicketService& tickets, const Json& publicJwk) {
    // Built once: it changes only with the process's key.
    const auto jwk = std::make_shared<const std::string>(dump(publicJwk));
    router.add(
        Method::Get, "/v1/tickets/public-key", Access::Public,
        [jwk](const Request&) -> Result<Response> {
            Response r = Response::json(200, {});
            r.sharedBody = jwk;
            r.with("Cache-Control", "public, max-age=300");
            return r;
        },
        Lane::Reactor);

    router.add(Method::Get, "/v1/me/tickets/{id}/qr", Access::User, [&tickets](const Request& req) -> Result<Response> {
        auto code = tickets.signedCodeOf(UserId{req.principal->userId}, req.param("id"));
        if (!code) return std::move(code).error();
        auto svg = qrSvg(*code);
        if (!svg) return Error::internalError("the ticket code does not fit a QR code");
        return Response{200, std::move(*svg), "image/svg+xml", {}, {}, {}};
    });

    router.add(Method::Post, "/v1/checkins", Access::Staff, [&tickets](const Request& req) -> Result<Response> {
        auto body = parseJsonObject(req);
        if (!body) return std::move(body).error();
        auto scan = parseCheckinBody(*body);
        if (!scan) return std::move(scan).error();
        auto admitted = tickets.checkIn(UserId{req.principal->userId}, scan->code, scan->gate);
        if (!admitted) return std::move(admitted).error();
        return Response::json(200, dump(toJson(*admitted)));
    });

    router.add(Method::Get, "/v1/shows/{id}/checkins", Access::Staff,
               [&tickets](const Request& req) -> Result<Response> {
                   const ShowId show{req.param("id")};
                   auto counts = tickets.checkins(show);
                   if (!counts) return std::move(counts).error();
                   return Response::json(200, dump(toJson(show, *counts)));
               });
}

}  // namespace boxoffice::http
