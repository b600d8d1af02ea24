#include "http/problem.hpp"

#include <optional>
#include <string>

#include <nlohmann/json.hpp>

namespace boxoffice::http {

ErrorSpec errorSpec(ErrorCode code) {
    switch (code) {
        case ErrorCode::MalformedRequest:
            return {400, "MALFORMED_REQUEST", "Malformed request"};
        case ErrorCode::UriTooLong:
            return {414, "URI_TOO_LONG", "URI too long"};
        case ErrorCode::HeadersTooLarge:
            return {431, "HEADERS_TOO_LARGE", "Request header fields too large"};
        case ErrorCode::ExpectationFailed:
            return {417, "EXPECTATION_FAILED", "Expectation failed"};
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
        case ErrorCode::AlreadyCheckedIn:
            return {409, "ALREADY_CHECKED_IN", "Already checked in"};
        case ErrorCode::TicketVoid:
            return {409, "TICKET_VOID", "Ticket void"};
        case ErrorCode::RefundNotAllowed:
            return {409, "REFUND_NOT_ALLOWED", "Refund not allowed"};
        case ErrorCode::InvalidSignature:
            return {400, "INVALID_SIGNATURE", "Invalid webhook signature"};
        case ErrorCode::PaymentByWebhook:
            return {409, "PAYMENT_CONFIRMED_BY_WEBHOOK", "Payment is confirmed by the provider's webhook"};
        case ErrorCode::RateLimited:
            return {429, "RATE_LIMITED", "Too many requests"};
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

namespace {

// Printable ASCII without '"' or '\\': written as is by nlohmann's dump, so can be copied.
bool plain(std::string_view s) {
    for (unsigned char c : s)
        if (c < 0x20 || c > 0x7e || c == '"' || c == '\\') return false;
    return true;
}

void appendString(std::string& out, std::string_view s) {
    out.push_back('"');
    out.append(s);
    out.push_back('"');
}

// The body of problemBody() below, byte for byte (keys in nlohmann's sorted order), written
// without building a JSON tree: a 409 for taken seats is the commonest answer in a sale. Only
// for plain strings; anything that needs escaping or UTF-8 checks returns nullopt.
std::optional<std::string> fastProblemBody(const Error& error, const ErrorSpec& spec, std::string_view detail,
                                           std::string_view requestId) {
    if (!plain(detail) || !plain(requestId) || !plain(spec.code) || !plain(spec.title) || !error.extensions.empty())
        return std::nullopt;
    for (const auto& f : error.fields)
        if (!plain(f.field) || !plain(f.message)) return std::nullopt;
    for (const auto& s : error.subjects)
        if (!plain(s)) return std::nullopt;
    std::string out;
    out.reserve(160 + detail.size() + requestId.size() + 24 * error.subjects.size() + 64 * error.fields.size());
    out.append("{\"code\":");
    appendString(out, spec.code);
    out.append(",\"detail\":");
    appendString(out, detail);
    if (!error.fields.empty()) {
        out.append(",\"errors\":[");
        for (std::size_t i = 0; i < error.fields.size(); ++i) {
            if (i > 0) out.push_back(',');
            out.append("{\"field\":");
            appendString(out, error.fields[i].field);
            out.append(",\"message\":");
            appendString(out, error.fields[i].message);
            out.push_back('}');
        }
        out.push_back(']');
    }
    out.append(",\"requestId\":");
    appendString(out, requestId);
    if (!error.subjects.empty()) {
        out.append(",\"seats\":[");
        for (std::size_t i = 0; i < error.subjects.size(); ++i) {
            if (i > 0) out.push_back(',');
            appendString(out, error.subjects[i]);
        }
        out.push_back(']');
    }
    out.append(",\"status\":");
    out.append(std::to_string(spec.status));
    out.append(",\"title\":");
    appendString(out, spec.title);
    out.append(",\"type\":\"https://boxoffice.dev/problems/");
    out.append(spec.code);
    out.append("\"}");
    return out;
}

}  // namespace

std::string problemBody(const Error& error, std::string_view requestId) {
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
    for (const auto& [name, value] : error.extensions)
        if (!body.contains(name)) body[name] = value;
    return body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

Response problem(const Error& error, std::string_view requestId) {
    const ErrorSpec spec = errorSpec(error.code);
    const std::string_view detail = error.detail.empty() ? spec.title : std::string_view(error.detail);
    auto body = fastProblemBody(error, spec, detail, requestId);
    Response r{spec.status, body ? std::move(*body) : problemBody(error, requestId), "application/problem+json", {}, {},
               {}};
    if (spec.status == 503) r.with("Retry-After", "1");
    return r;
}

}  // namespace boxoffice::http
