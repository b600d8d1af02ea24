#pragma once
// The protocol-neutral error vocabulary. Transports map ErrorCode to their own
// status in exactly one table (http/problem.cpp); a test fails when a code is unmapped.
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace boxoffice {

enum class ErrorCode {
    MalformedRequest,   // the HTTP framing is wrong or ambiguous (the connection is closed after)
    UriTooLong,         // the request line is over its limit
    HeadersTooLarge,    // the header section is over its size or count limit
    ExpectationFailed,  // an Expect other than 100-continue
    MalformedJson,      // body is not JSON at all
    ValidationFailed,   // JSON is well-formed but a field is wrong
    InvalidParameter,   // path or query parameter is wrong
    Unauthenticated,    // no or bad credentials
    Forbidden,          // authenticated, but not allowed
    NotFound,
    RouteNotFound,
    MethodNotAllowed,
    PayloadTooLarge,
    UnsupportedMediaType,
    EventHasShows,
    ShowHasOrders,
    SeatsUnavailable,
    SaleNotOpen,
    SeatLimitReached,
    HoldNotActive,
    OrderExpired,
    IdempotencyKeyReused,
    Conflict,
    AlreadyCheckedIn,  // a ticket scanned before: the first scan's time and gate come with it
    TicketVoid,        // a refunded or otherwise voided ticket
    RefundNotAllowed,  // the show's refund policy gives nothing back now (or the show has started)
    InvalidSignature,  // a webhook whose signature is missing, malformed, stale or wrong
    PaymentByWebhook,  // the client may not confirm: only the provider's verified webhook does
    RateLimited,       // a rate limit budget is spent: retry after Retry-After
    RequestTimeout,
    DependencyUnavailable,  // database or Redis down / pool exhausted
    DependencyTimeout,      // a deadline ran out talking to a dependency
    ShuttingDown,
    Internal,
};

inline constexpr ErrorCode kAllErrorCodes[] = {
    ErrorCode::MalformedRequest,
    ErrorCode::UriTooLong,
    ErrorCode::HeadersTooLarge,
    ErrorCode::ExpectationFailed,
    ErrorCode::MalformedJson,
    ErrorCode::ValidationFailed,
    ErrorCode::InvalidParameter,
    ErrorCode::Unauthenticated,
    ErrorCode::Forbidden,
    ErrorCode::NotFound,
    ErrorCode::RouteNotFound,
    ErrorCode::MethodNotAllowed,
    ErrorCode::PayloadTooLarge,
    ErrorCode::UnsupportedMediaType,
    ErrorCode::EventHasShows,
    ErrorCode::ShowHasOrders,
    ErrorCode::SeatsUnavailable,
    ErrorCode::SaleNotOpen,
    ErrorCode::SeatLimitReached,
    ErrorCode::HoldNotActive,
    ErrorCode::OrderExpired,
    ErrorCode::IdempotencyKeyReused,
    ErrorCode::Conflict,
    ErrorCode::AlreadyCheckedIn,
    ErrorCode::TicketVoid,
    ErrorCode::RefundNotAllowed,
    ErrorCode::InvalidSignature,
    ErrorCode::PaymentByWebhook,
    ErrorCode::RateLimited,
    ErrorCode::RequestTimeout,
    ErrorCode::DependencyUnavailable,
    ErrorCode::DependencyTimeout,
    ErrorCode::ShuttingDown,
    ErrorCode::Internal,
};

/// A problem with one named input field (JSON pointer-ish path such as `layout.sections[2].rows[0].seats`).
struct FieldError {
    std::string field;
    std::string message;
};

/// Which constraint of a store refused a write, for the callers that act on it (a retried checkout,
/// a seat sold meanwhile). Set only by a store adapter's one error translation (for SQL:
/// storage/sql/sql_errors.cpp, from the sqlstate or SQLite's extended result code); never read out
/// of `internal`, never shown to clients, and no part of the transport's status table.
enum class StoreFault {
    None,
    UniqueViolation,      // a unique index or primary key
    ForeignKeyViolation,  // a reference to a missing row, or a row still referenced
    CheckViolation,       // a CHECK constraint
};

/// An expected failure. `detail` is safe to show to clients; `internal` is for logs only.
struct Error {
    ErrorCode code = ErrorCode::Internal;
    std::string detail;
    std::vector<FieldError> fields;
    std::vector<std::string> subjects;  // e.g. the seat ids that were unavailable
    std::string internal;
    // Further members of the problem body (RFC 9457 extension members), e.g. a first check-in's time.
    std::vector<std::pair<std::string, std::string>> extensions;
    StoreFault fault = StoreFault::None;

    bool is(StoreFault f) const { return fault == f; }

    /// An error of `code`: `detail` is shown to the client, `internal` goes to the logs only. The
    /// one way to build one (the factories below are the common cases of it).
    static Error of(ErrorCode code, std::string detail, std::string internal = {}) {
        return {code, std::move(detail), {}, {}, std::move(internal), {}};
    }
    static Error validation(std::string field, std::string message) {
        Error e{ErrorCode::ValidationFailed, field + ": " + message, {}, {}, {}, {}};
        e.fields.push_back({std::move(field), std::move(message)});
        return e;
    }
    static Error validation(std::vector<FieldError> fields) {
        Error e{ErrorCode::ValidationFailed, {}, std::move(fields), {}, {}, {}};
        e.detail = e.fields.empty() ? "invalid request" : e.fields.front().field + ": " + e.fields.front().message;
        if (e.fields.size() > 1) e.detail += " (and " + std::to_string(e.fields.size() - 1) + " more)";
        return e;
    }
    static Error notFound(std::string what) { return of(ErrorCode::NotFound, std::move(what) + " not found"); }
    static Error internalError(std::string internal_message) {
        return of(ErrorCode::Internal, "internal error", std::move(internal_message));
    }
};

}  // namespace boxoffice
