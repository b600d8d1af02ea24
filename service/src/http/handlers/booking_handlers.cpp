#include "http/booking_dto.hpp"
#include "http/handlers/routes.hpp"
#include "http/idempotency.hpp"
#include "util/redact.hpp"

namespace boxoffice::http {
namespace {

UserId caller(const Request& req) {
    return UserId{req.principal->userId};
}

// W3C traceparent: version-traceid-parentid-flags. Anything else is dropped, not propagated
// (the same check as the access log's traceId, so what is logged is what is propagated).
std::string traceContext(const Request& req) {
    auto tp = req.header("traceparent");
    return util::traceIdOf(tp) ? *tp : std::string{};
}

Result<std::pair<int, int>> page(const Request& req) {
    int limit = 50, offset = 0;
    for (auto [name, out, max] :
         {std::tuple<const char*, int*, int>{"limit", &limit, 100}, {"offset", &offset, 1'000'000}}) {
        auto v = req.queryValue(name);
        if (!v) continue;
        try {
            std::size_t used = 0;
            *out = std::stoi(*v, &used);
            if (used != v->size() || *out < (std::string(name) == "limit" ? 1 : 0) || *out > max)
                throw std::out_of_range(name);
        } catch (const std::exception&) {
            Error e =
                Error::validation(name, std::string("must be an integer between ") +
                                            (std::string(name) == "limit" ? "1" : "0") + " and " + std::to_string(max));
            e.code = ErrorCode::InvalidParameter;
            return e;
        }
    }
    return std::pair{limit, offset};
}

// The admission a waiting room handed out (GET /v1/shows/{id}/queue/me), when the show has one on.
// A view into the request, which outlives the hold call it is passed to.
std::string_view admissionToken(const Request& req) {
    const auto it = req.headers.find("boxoffice-admission");
    return it == req.headers.end() ? std::string_view{} : std::string_view(it->second);
}

}  // namespace

void registerBookingRoutes(Router& router, BookingService& booking, IdempotencyStore& holdKeys,
                           IdempotencyStore& orderKeys, const Clock& clock, IdGenerator& ids,
                           const IdempotencySettings& idem, bool clientConfirms) {
    Handler holdNow = idempotent(holdKeys, clock, ids, idem, [&booking](const Request& req) -> Result<Response> {
        auto body = parseJsonObject(req);
        if (!body) return std::move(body).error();
        auto h = parseHoldBody(*body);
        if (!h) return std::move(h).error();
        auto hold = booking.hold(caller(req), h->showId, HoldChoice{std::move(h->seatIds), std::move(h->pick)},
                                 admissionToken(req));
        if (!hold) return std::move(hold).error();
        return jsonResponse(201, toJson(*hold)).with("Location", "/v1/holds/" + hold->id.str());
    });
    // The hottest route of a sale: validated on the reactor thread and pipelined to the hold
    // store, so no thread waits on Redis. Anything that may wait (an idempotency key, a show not
    // in the cache, a store being restored) goes to holdNow on the fast lane instead.
    router.addAsync(
        Method::Post, "/v1/holds", Access::User,
        [&booking, holdNow](const Request& req, Responder respond, const Deferrer& defer) {
            if (req.headers.count("idempotency-key")) return defer(holdNow);
            auto h = [&req]() -> Result<HoldBody> {
                if (auto ct = checkJsonContentType(req); !ct) return std::move(ct).error();
                if (auto plain = parsePlainHoldBody(req.body)) return std::move(*plain);
                auto body = parseJsonObject(req);
                if (!body) return std::move(body).error();
                return parseHoldBody(*body);
            }();
            if (!h) return respond(std::move(h).error());
            const bool started = booking.tryHoldAsync(
                caller(req), h->showId, HoldChoice{std::move(h->seatIds), std::move(h->pick)}, admissionToken(req),
                [respond, defer, holdNow](Result<Hold> hold, bool retrySlow) {
                    if (retrySlow) return defer(holdNow);
                    if (!hold) return respond(std::move(hold).error());
                    respond(jsonResponse(201, toJson(*hold)).with("Location", "/v1/holds/" + hold->id.str()));
                });
            if (!started) defer(holdNow);
        },
        Lane::Fast);
    router.add(
        Method::Get, "/v1/holds/{id}", Access::User,
        [&booking](const Request& req) -> Result<Response> {
            auto hold = booking.findHold(caller(req), HoldId{req.param("id")});
            if (!hold) return std::move(hold).error();
            return jsonResponse(200, toJson(*hold));
        },
        Lane::Fast);
    router.add(
        Method::Delete, "/v1/holds/{id}", Access::User,
        [&booking](const Request& req) -> Result<Response> {
            auto hold = booking.release(caller(req), HoldId{req.param("id")});
            if (!hold) return std::move(hold).error();
            return jsonResponse(200, toJson(*hold));
        },
        Lane::Fast);

    router.add(Method::Post, "/v1/orders", Access::User,
               idempotent(orderKeys, clock, ids, idem, [&booking](const Request& req) -> Result<Response> {
                   auto body = parseJsonObject(req);
                   if (!body) return std::move(body).error();
                   auto o = parseOrderBody(*body);
                   if (!o) return std::move(o).error();
                   auto order = booking.placeOrder(caller(req), o->holdId, o->customer, traceContext(req));
                   if (!order) return std::move(order).error();
                   return jsonResponse(201, toJson(*order)).with("Location", "/v1/orders/" + order->id.str());
               }));
    router.add(Method::Get, "/v1/orders/{id}", Access::User, [&booking](const Request& req) -> Result<Response> {
        auto order = booking.order(caller(req), OrderId{req.param("id")});
        if (!order) return std::move(order).error();
        return jsonResponse(200, toJson(*order));
    });
    router.add(
        Method::Post, "/v1/orders/{id}/confirm-payment", Access::User,
        idempotent(orderKeys, clock, ids, idem, [&booking, clientConfirms](const Request& req) -> Result<Response> {
            if (!clientConfirms)
                return Error::of(ErrorCode::PaymentByWebhook,
                                 "orders are confirmed by the payment provider's verified webhook; "
                                 "pay through POST /v1/orders/{id}/payment");
            auto body = parseJsonObject(req);
            if (!body) return std::move(body).error();
            auto ref = parsePaymentReference(*body);
            if (!ref) return std::move(ref).error();
            auto order = booking.confirm(caller(req), OrderId{req.param("id")}, *ref, traceContext(req));
            if (!order) return std::move(order).error();
            return jsonResponse(200, toJson(*order));
        }));
    router.add(Method::Post, "/v1/orders/{id}/cancel", Access::User,
               [&booking](const Request& req) -> Result<Response> {
                   auto order = booking.cancel(caller(req), OrderId{req.param("id")}, traceContext(req));
                   if (!order) return std::move(order).error();
                   return jsonResponse(200, toJson(*order));
               });

    router.add(Method::Get, "/v1/me/orders", Access::User, [&booking](const Request& req) -> Result<Response> {
        auto p = page(req);
        if (!p) return std::move(p).error();
        auto orders = booking.ordersOf(caller(req), p->first, p->second);
        if (!orders) return std::move(orders).error();
        Json items = Json::array();
        for (const auto& o : *orders) items.push_back(toJson(o));
        return jsonResponse(200, {{"items", std::move(items)}, {"limit", p->first}, {"offset", p->second}});
    });
    router.add(Method::Get, "/v1/me/tickets", Access::User, [&booking](const Request& req) -> Result<Response> {
        auto p = page(req);
        if (!p) return std::move(p).error();
        auto tickets = booking.ticketsOf(caller(req), p->first, p->second);
        if (!tickets) return std::move(tickets).error();
        Json items = Json::array();
        for (const auto& t : *tickets) items.push_back(toJson(t));
        return jsonResponse(200, {{"items", std::move(items)}, {"limit", p->first}, {"offset", p->second}});
    });
}

}  // namespace boxoffice::http
