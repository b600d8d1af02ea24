#include "http/booking_dto.hpp"
#include "http/handlers/refund_routes.hpp"
#include "http/handlers/routes.hpp"
#include "http/json_body.hpp"
#include "util/rfc3339.hpp"

namespace boxoffice::http {
namespace {

constexpr std::int64_t kMaxAmount = 1'000'000'000'000LL;  // minor units; far above any order
constexpr std::int64_t kMaxBeforeHours = 24 * 3650;

Result<RefundAsk> parseRefundAsk(const Json& body) {
    std::vector<FieldError> errs;
    for (auto it = body.begin(); it != body.end(); ++it)
        if (it.key() != "seatIds" && it.key() != "amount") errs.push_back({it.key(), "is not a field of a refund"});
    FieldReader r(body, "", errs);
    RefundAsk ask;
    if (const Json* seats = r.array("seatIds", false)) {
        ask.seatIds.emplace();
        for (std::size_t i = 0; i < seats->size(); ++i) {
            const Json& s = (*seats)[i];
            if (!s.is_string() || s.get_ref<const std::string&>().empty() ||
                s.get_ref<const std::string&>().size() > 64)
                errs.push_back({"seatIds[" + std::to_string(i) + "]", "must be a seat id (1-64 characters)"});
            else
                ask.seatIds->push_back(SeatId{s.get<std::string>()});
        }
    }
    if (auto amount = r.integer("amount", false, 0, kMaxAmount)) ask.amountMinor = *amount;
    if (!errs.empty()) return Error::validation(std::move(errs));
    return ask;
}

Result<std::vector<RefundTier>> parseTiers(const Json& body) {
    std::vector<FieldError> errs;
    for (auto it = body.begin(); it != body.end(); ++it)
        if (it.key() != "tiers") errs.push_back({it.key(), "is not a field of a refund policy"});
    FieldReader r(body, "", errs);
    std::vector<RefundTier> tiers;
    if (const Json* list = r.array("tiers", true)) {
        if (list->size() > 16) errs.push_back({"tiers", "at most 16 tiers"});
        for (std::size_t i = 0; i < list->size() && i < 16; ++i) {
            const std::string at = "tiers[" + std::to_string(i) + "]";
            if (!(*list)[i].is_object()) {
                errs.push_back({at, "must be an object {hoursBefore, percent}"});
                continue;
            }
            FieldReader t((*list)[i], at, errs);
            for (auto it = (*list)[i].begin(); it != (*list)[i].end(); ++it)
                if (it.key() != "hoursBefore" && it.key() != "percent")
                    errs.push_back({at + "." + it.key(), "is not a field of a refund tier"});
            auto hours = t.integer("hoursBefore", true, 0, kMaxBeforeHours);
            auto percent = t.integer("percent", true, 0, 100);
            if (hours && percent) tiers.push_back({std::chrono::hours(*hours), static_cast<int>(*percent)});
        }
    }
    if (!errs.empty()) return Error::validation(std::move(errs));
    return tiers;
}

Json toJson(const RefundPolicy& p, const ShowId& show) {
    Json tiers = Json::array();
    for (const auto& t : p.tiers)
        tiers.push_back({{"hoursBefore", std::chrono::duration_cast<std::chrono::hours>(t.before).count()},
                         {"percent", t.percent}});
    return {{"showId", show.str()}, {"tiers", tiers}};
}

Json toJson(const RefundDone& d) {
    Json seats = Json::array();
    for (const auto& s : d.seatIds) seats.push_back(s.str());
    return {{"order", http::toJson(d.order)},
            {"refund",
             {{"refundId", d.refund.providerRefundId},
              {"provider", d.refund.provider},
              {"paymentId", d.refund.providerPaymentId},
              {"amount", d.refund.amountMinor},
              {"currency", d.refund.currency},
              {"percent", d.percent},
              {"seatIds", seats},
              {"reason", d.refund.reason},
              {"status", d.refund.status},
              {"createdAt", formatRfc3339(d.refund.createdAt)}}}};
}

}  // namespace

void registerRefundRoutes(Router& router, RefundService& refunds, IdempotencyStore& orderKeys, const Clock& clock,
                          IdGenerator& ids, const IdempotencySettings& settings) {
    router.add(Method::Post, "/v1/orders/{id}/refund", Access::User,
               idempotent(orderKeys, clock, ids, settings, [&refunds](const Request& req) -> Result<Response> {
                   // No body: every ticket of the order, by the policy.
                   Json empty = Json::object();
                   Result<Json> body = empty;
                   if (!req.body.empty()) body = parseJsonObject(req);
                   if (!body) return std::move(body).error();
                   auto ask = parseRefundAsk(*body);
                   if (!ask) return std::move(ask).error();
                   auto done = refunds.refund({UserId{req.principal->userId}, req.principal->isAdmin()},
                                              OrderId{req.param("id")}, *ask);
                   if (!done) return std::move(done).error();
                   return jsonResponse(200, toJson(*done));
               }));
    router.add(Method::Get, "/v1/shows/{id}/refund-policy", Access::Public,
               [&refunds](const Request& req) -> Result<Response> {
                   const ShowId id{req.param("id")};
                   auto policy = refunds.policyOf(id);
                   if (!policy) return std::move(policy).error();
                   return jsonResponse(200, toJson(*policy, id));
               });
    router.add(Method::Put, "/v1/shows/{id}/refund-policy", Access::Admin,
               [&refunds](const Request& req) -> Result<Response> {
                   const ShowId id{req.param("id")};
                   auto body = parseJsonObject(req);
                   if (!body) return std::move(body).error();
                   auto tiers = parseTiers(*body);
                   if (!tiers) return std::move(tiers).error();
                   auto saved = refunds.setPolicy(id, std::move(*tiers), UserId{req.principal->userId});
                   if (!saved) return std::move(saved).error();
                   return jsonResponse(200, toJson(*saved, id));
               });
}

}  // namespace boxoffice::http
