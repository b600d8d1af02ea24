#include "http/problem.hpp"

#include <nlohmann/json.hpp>

namespace boxoffice::http {

ErrorSpec errorSpec(ErrorCode code) {
    switch (code) {
        case ErrorCode::MalformedJson:
            return {400, "MALFORMED_JSON", "Malformed JSON"};
        case ErrorCode::ValidationFailed:
            return {422, "VALIDATION_FAILED", "Validation failed"};
        case ErrorCode::InvalidParameter:
            return {400, "INVALID_PARAMETER", "Invalid parameter"};
        case ErrorCode::Unauthenticated:
            return {401, "UNAUTHENTICATED", "Authentication required"};
        case ErrorCode::Forbidden:
            return {403, "FORBIDDEN", "Forbidden"};
        case ErrorCode::NotFound:
            return {404, "NOT_FOUND", "Not found"};
        case ErrorCode::RouteNotFound:
            return {404, "ROUTE_NOT_FOUND", "No such route"};
        case ErrorCode::MethodNotAllowed:
            return {405, "METHOD_NOT_ALLOWED", "Method not allowed"};
        case ErrorCode::PayloadTooLarge:
            return {413, "PAYLOAD_TOO_LARGE", "Payload too large"};
        case ErrorCode::UnsupportedMediaType:
            return {415, "UNSUPPORTED_MEDIA_TYPE", "Unsupported media type"};
        case ErrorCode::EventHasShows:
            return {409, "EVENT_HAS_SHOWS", "Event has shows"};
        case ErrorCode::ShowHasOrders:
            return {409, "SHOW_HAS_ORDERS", "Show has orders"};
        case ErrorCode::SeatsUnavailable:
            return {409, "SEATS_UNAVAILABLE", "Seats unavailable"};
        case ErrorCode::SaleNotOpen:
            return {409, "SALE_NOT_OPEN", "Sale not open"};
        case ErrorCode::SeatLimitReached:
            return {409, "SEAT_LIMIT_REACHED", "Seat limit reached"};
        case ErrorCode::HoldNotActive:
            return {409, "HOLD_NOT_ACTIVE", "Hold not active"};
        case ErrorCode::OrderExpired:
            return {409, "ORDER_EXPIRED", "Order expired"};
        case ErrorCode::IdempotencyKeyReused:
            return {422, "IDEMPOTENCY_KEY_REUSED", "Idempotency key reused"};
        case ErrorCode::Conflict:
            return {409, "CONFLICT", "Conflict"};
        case ErrorCode::RequestTimeout:
            return {408, "REQUEST_TIMEOUT", "Request timeout"};
        case ErrorCode::DependencyUnavailable:
            return {503, "DEPENDENCY_UNAVAILABLE", "Service unavailable"};
        case ErrorCode::DependencyTimeout:
            return {503, "DEPENDENCY_TIMEOUT", "Dependency timed out"};
        case ErrorCode::ShuttingDown:
            return {503, "SHUTTING_DOWN", "Shutting down"};
        case ErrorCode::Internal:
            return {500, "INTERNAL", "Internal error"};
    }
    return {500, "INTERNAL", "Internal error"};
}

Response problem(const Error& error, std::string_view requestId) {
    const ErrorSpec spec = errorSpec(error.code);
    nlohmann::json body = {
        {"type", "https://boxoffice.dev/problems/" + std::string(spec.code)},
        {"title", spec.title},
        {"status", spec.status},
        {"detail", error.detail.empty() ? std::string(spec.title) : error.detail},
        {"code", spec.code},
        {"requestId", requestId},
    };
    if (!error.fields.empty()) {
        auto& arr = body["errors"] = nlohmann::json::array();
        for (const auto& f : error.fields) arr.push_back({{"field", f.field}, {"message", f.message}});
    }
    if (!error.subjects.empty()) body["seats"] = error.subjects;
    Response r{spec.status,
               body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace),
               "application/problem+json",
               {},
               {}};
    if (spec.status == 503) r.with("Retry-After", "1");
    return r;
}

}  // namespace boxoffice::http
