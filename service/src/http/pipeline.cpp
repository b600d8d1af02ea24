#include "http/pipeline.hpp"

#include <chrono>
#include <random>

#include "http/problem.hpp"
#include "http/request_parser.hpp"
#include "http/uri_component.hpp"
#include "metrics/http_metrics.hpp"
#include "util/random_id.hpp"
#include "util/log.hpp"
#include "util/redact.hpp"

namespace boxoffice::http {

using Clock = std::chrono::steady_clock;

// What one request carries from the connection to whichever thread finishes it.
struct Pipeline::Exchange {
    Request req;
    std::function<void(Response)> respond;
    std::string route = "unmatched";
    int routeIndex = -1;  // in the router's table; names the request in metrics
    std::string internal;
    bool personal = false;       // credentials were sent or the route needs them: never cached
    bool tokenRejected = false;  // a bearer token was sent and refused
    std::vector<std::pair<std::string, std::string>> limitHeaders;  // RateLimit-*, added to the answer
    Clock::time_point started = Clock::now();
};

namespace {

constexpr std::string_view kAllowedRequestHeaders =
    "Authorization, Boxoffice-Admission, Content-Type, Idempotency-Key, If-None-Match, X-Request-Id, traceparent";
constexpr std::string_view kExposedHeaders = "ETag, Location, Retry-After, X-Request-Id, RateLimit, RateLimit-Policy";

std::string newRequestId() {
    return util::randomHex(32);
}

char lowerAscii(char c) {
    return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
}

bool startsWithLower(std::string_view s, std::string_view lowerPrefix) {
    if (s.size() < lowerPrefix.size()) return false;
    for (std::size_t i = 0; i < lowerPrefix.size(); ++i)
        if (lowerAscii(s[i]) != lowerPrefix[i]) return false;
    return true;
}

bool hasHeader(const Response& r, std::string_view lowerName) {
    for (const auto& [name, value] : r.headers)
        if (name.size() == lowerName.size() && startsWithLower(name, lowerName)) return true;
    return false;
}

void setHeader(Response& r, std::string_view name, std::string value) {
    const std::string lowerName = [&] {
        std::string s(name);
        for (auto& c : s) c = lowerAscii(c);
        return s;
    }();
    for (auto& [n, v] : r.headers)
        if (n.size() == lowerName.size() && startsWithLower(n, lowerName)) {
            v = std::move(value);
            return;
        }
    r.headers.emplace_back(std::string(name), std::move(value));
}

// A response field value the handler built: refused (the field dropped) if it could split the
// response; handlers never put client text into fields unchecked, this is the last guard.
bool safeFieldValue(std::string_view v) {
    for (unsigned char c : v)
        if ((c < 0x20 && c != '\t') || c == 0x7f) return false;
    return true;
}

std::string allowList(const RouteMatch& match) {
    std::string allow;
    bool get = false;
    for (auto m : match.allowed) {
        allow += (allow.empty() ? "" : ", ") + std::string(methodName(m));
        get = get || m == Method::Get;
    }
    if (get) allow += ", HEAD";
    return allow + ", OPTIONS";
}

bool plausibleId(std::string_view id) {
    if (id.empty() || id.size() > 128) return false;
    for (char c : id)
        if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.')) return false;
    return true;
}

}  // namespace

bool acceptableRequestId(std::string_view id) {
    if (id.empty() || id.size() > 128) return false;
    for (char c : id)
        if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.' || c == ':'))
            return false;
    return true;
}

Pipeline::Pipeline(const Router& router, const auth::TokenVerifier& verifier, PipelineOptions options,
                   metrics::HttpMetrics* metrics, const RateLimitGate* rateLimits)
    : router_(router),
      metrics_(metrics),
      rateLimits_(rateLimits),
      tokens_(verifier, verifier.clock()),
      options_(std::move(options)),
      fastLane_(std::make_unique<util::WorkQueue>("bx-fast", options_.fastWorkers, options_.queueCapacity)),
      databaseLane_(std::make_unique<util::WorkQueue>("bx-db", options_.databaseWorkers, options_.queueCapacity)) {
    // Which budget each route spends is known from its method and pattern: found once, here.
    for (const auto& route : router_.routes())
        budgets_.push_back(rateLimits_ ? RateLimitGate::budgetOf(route.method, route.pattern) : std::nullopt);
}

Pipeline::~Pipeline() {
    stop();
}

void Pipeline::stop() {
    // Workers finish what is queued first: their answers go out before the connections close.
    fastLane_->stop();
    databaseLane_->stop();
}

Response Pipeline::reject(const Error& error) {
    Exchange ex;
    ex.req.requestId = newRequestId();
    Response resp = problem(error, ex.req.requestId);
    decorate(ex, resp);
    if (metrics_) metrics_->rejected(resp.status);
    log::write(log::Level::Info, "request refused",
               {{"requestId", ex.req.requestId}, {"status", resp.status}, {"reason", error.detail}});
    return resp;
}

void Pipeline::handle(Request request, std::function<void(Response)> respond) {
    inFlight_.fetch_add(1);
    if (metrics_) metrics_->started();
    auto ex = std::make_shared<Exchange>();
    ex->req = std::move(request);
    ex->respond = std::move(respond);
    const Route* route = nullptr;
    std::optional<Response> early;
    try {
        early = preflight(*ex, route);
    } catch (const std::exception& e) {
        early = fail(*ex, Error::internalError(e.what()));
    }
    if (early) return finish(*ex, std::move(*early));
    if (const auto& budget = budgets_[static_cast<std::size_t>(ex->routeIndex)])
        return admitThenRun(ex, *route, *budget);
    dispatch(ex, *route);
}

void Pipeline::dispatch(const std::shared_ptr<Exchange>& ex, const Route& route) const {
    if (route.lane == Lane::Reactor && !route.async) return finish(*ex, invoke(*ex, route.handler));
    if (route.async) return startAsync(ex, route);
    post(ex, route, route.handler);
}

// The limit is checked where the request is (a reactor: the limiter never waits) and the request
// goes on where the verdict comes back: here for the in-process limiter, on the Redis limiter's
// batcher thread otherwise. Either way dispatch() sends blocking work to its lane.
void Pipeline::admitThenRun(const std::shared_ptr<Exchange>& ex, const Route& route, admission::Budget budget) const {
    rateLimits_->admit(ex->req, route, budget, [this, ex, &route](RateLimitVerdict verdict) {
        if (verdict.rejection) return finish(*ex, std::move(*verdict.rejection));
        ex->limitHeaders = std::move(verdict.headers);
        dispatch(ex, route);
    });
}

Response Pipeline::fail(Exchange& ex, Error e) const {
    ex.internal = e.internal;
    if (e.code == ErrorCode::Unauthenticated && ex.req.headers.count("authorization")) ex.tokenRejected = true;
    return problem(e, ex.req.requestId);
}

bool Pipeline::originAllowed(const std::string& origin) const {
    for (const auto& o : options_.cors.origins)
        if (o == "*" || o == origin) return true;
    return false;
}

std::optional<Response> Pipeline::corsPreflight(Exchange& ex) const {
    Request& req = ex.req;
    auto origin = req.headers.find("origin");
    auto method = req.headers.find("access-control-request-method");
    if (req.method != Method::Options || origin == req.headers.end() || method == req.headers.end())
        return std::nullopt;
    std::unordered_map<std::string, std::string> params;
    const auto match = router_.match(Method::Get, req.path, params);
    if (!match.pathKnown) return fail(ex, Error::of(ErrorCode::RouteNotFound, "no route for " + req.path));
    if (!originAllowed(origin->second))
        return fail(ex, Error::of(ErrorCode::Forbidden, "this origin may not use the API from a browser"));
    Response r = Response::noContent();
    r.with("Access-Control-Allow-Methods", allowList(match));
    r.with("Access-Control-Allow-Headers", std::string(kAllowedRequestHeaders));
    r.with("Access-Control-Max-Age", std::to_string(options_.cors.maxAgeSeconds));
    return r;
}

// Everything decided before a handler runs: target, route, credentials. A value means "answer now".
std::optional<Response> Pipeline::preflight(Exchange& ex, const Route*& route) const {
    Request& req = ex.req;
    auto rid = req.headers.find("x-request-id");
    req.requestId = rid != req.headers.end() && acceptableRequestId(rid->second) ? rid->second : newRequestId();
    ex.personal = req.headers.count("authorization") > 0;

    // Ids and names never carry control characters: a NUL must not end a string in one store
    // and not in another.
    if (!decodeComponent(req.path, false))
        return fail(ex,
                    Error::of(ErrorCode::InvalidParameter, "the path has a malformed escape or a control character"));
    std::string queryError;
    if (!parseQuery(req.rawQuery, req.query, queryError))
        return fail(ex, Error::of(ErrorCode::InvalidParameter, queryError));

    if (auto cors = corsPreflight(ex)) return cors;

    // HEAD is GET without the body (the connection leaves it out).
    const Method lookup = req.method == Method::Head ? Method::Get : req.method;
    auto match = router_.match(lookup, req.path, req.pathParams);
    if (!match.route) {
        if (match.pathKnown) {
            const std::string allow = allowList(match);
            if (req.method == Method::Options) {
                Response r = Response::noContent();
                r.with("Allow", allow);
                return r;
            }
            const std::string shown =
                req.method == Method::Other ? req.methodText : std::string(methodName(req.method));
            auto r = fail(ex, Error::of(ErrorCode::MethodNotAllowed, shown + " is not allowed here; use " + allow));
            r.with("Allow", allow);
            return r;
        }
        return fail(ex, Error::of(ErrorCode::RouteNotFound, "no route for " + req.path));
    }
    // Every id in a path is letters, digits, '-', '_' or '.' (UUIDs, hold ids "<show>.<hex>"):
    // anything else is refused before a store is asked about it.
    for (const auto& [name, value] : req.pathParams)
        if (!plausibleId(value)) return fail(ex, Error::of(ErrorCode::InvalidParameter, name + " is not a valid id"));
    route = match.route;
    ex.route = route->pattern;
    ex.routeIndex = static_cast<int>(route - router_.routes().data());
    ex.personal = ex.personal || route->access != Access::Public;

    if (auto authz = req.headers.find("authorization"); authz != req.headers.end()) {
        if (!startsWithLower(authz->second, "bearer "))
            return fail(ex, Error::of(ErrorCode::Unauthenticated, "use Authorization: Bearer <token>"));
        auto principal = tokens_.verify(std::string_view(authz->second).substr(7));
        if (!principal) return fail(ex, std::move(principal).error());
        req.principal = std::move(principal).value();
    }
    if (route->access != Access::Public && !req.principal)
        return fail(ex, Error::of(ErrorCode::Unauthenticated, "this route needs Authorization: Bearer <token>"));
    if (route->access == Access::Admin && !req.principal->isAdmin())
        return fail(ex, Error::of(ErrorCode::Forbidden, "this route needs the admin role"));
    if (route->access == Access::Staff && !req.principal->isStaff())
        return fail(ex, Error::of(ErrorCode::Forbidden, "this route needs the staff or admin role"));
    return std::nullopt;
}

// Runs `handler` on the route's lane and answers with its result.
void Pipeline::post(const std::shared_ptr<Exchange>& ex, const Route& route, const Handler& handler) const {
    util::WorkQueue& queue = route.lane == Lane::Database ? *databaseLane_ : *fastLane_;
    const bool queued = queue.tryPost([this, ex, handler] { finish(*ex, invoke(*ex, handler)); });
    if (!queued)
        finish(*ex, fail(*ex, Error::of(ErrorCode::DependencyUnavailable, "the service is overloaded; retry",
                                        "work queue full")));
}

void Pipeline::startAsync(const std::shared_ptr<Exchange>& ex, const Route& route) const {
    auto answered = std::make_shared<std::atomic<bool>>(false);
    Responder respond = [this, ex, answered](Result<Response> r) {
        if (answered->exchange(true)) return;
        finish(*ex, r ? std::move(r).value() : fail(*ex, std::move(r).error()));
    };
    Deferrer defer = [this, ex, &route, answered](Handler handler) {
        if (answered->exchange(true)) return;
        post(ex, route, handler);
    };
    try {
        route.async(ex->req, respond, defer);
    } catch (const std::exception& e) {
        respond(Error::internalError(e.what()));
    }
}

Response Pipeline::invoke(Exchange& ex, const Handler& handler) const {
    try {
        auto result = handler(ex.req);
        if (!result) return fail(ex, std::move(result).error());
        return std::move(result).value();
    } catch (const std::exception& e) {
        // Never let library text reach a client: it is logged, the client gets the problem.
        return fail(ex, Error::internalError(e.what()));
    } catch (...) {
        return fail(ex, Error::internalError("unknown exception"));
    }
}

void Pipeline::decorate(const Exchange& ex, Response& resp) const {
    std::erase_if(resp.headers, [](const auto& h) { return !safeFieldValue(h.first) || !safeFieldValue(h.second); });
    if (!ex.req.requestId.empty()) setHeader(resp, "X-Request-Id", ex.req.requestId);
    resp.with("X-Content-Type-Options", "nosniff");
    if (ex.personal) setHeader(resp, "Cache-Control", "no-store");
    if (resp.status == 401)
        setHeader(
            resp, "WWW-Authenticate",
            ex.tokenRejected ? "Bearer realm=\"boxoffice\", error=\"invalid_token\"" : "Bearer realm=\"boxoffice\"");
    if ((resp.status == 503 || resp.status == 429) && !hasHeader(resp, "retry-after")) resp.with("Retry-After", "1");
    if (auto origin = ex.req.headers.find("origin");
        origin != ex.req.headers.end() && !options_.cors.origins.empty() && originAllowed(origin->second)) {
        const bool any = !options_.cors.allowCredentials && options_.cors.origins.size() == 1 &&
                         options_.cors.origins.front() == "*";
        setHeader(resp, "Access-Control-Allow-Origin", any ? "*" : origin->second);
        if (options_.cors.allowCredentials) setHeader(resp, "Access-Control-Allow-Credentials", "true");
        setHeader(resp, "Access-Control-Expose-Headers", std::string(kExposedHeaders));
    }
    if (!options_.cors.origins.empty()) resp.with("Vary", "Origin");
}

void Pipeline::finish(Exchange& ex, Response resp) const {
    const double seconds = std::chrono::duration<double>(Clock::now() - ex.started).count();
    for (auto& h : ex.limitHeaders) resp.headers.push_back(std::move(h));
    decorate(ex, resp);
    // Counted before the answer leaves: a client that stops and scrapes sees every answer it got.
    if (metrics_) metrics_->finished(ex.routeIndex, ex.req.method, resp.status, seconds);
    const int status = resp.status;
    auto respond = std::move(ex.respond);
    accessLog(ex, status, seconds);
    respond(std::move(resp));
    inFlight_.fetch_sub(1);
}

void Pipeline::accessLog(const Exchange& ex, int status, double seconds) const {
    const double ms = seconds * 1000.0;
    const bool isError = status >= 500;
    if (!isError) {
        const double sample = options_.accessLogSample;
        if (sample <= 0.0) return;
        if (sample < 1.0) {
            thread_local std::mt19937 rng{std::random_device{}()};
            if (std::uniform_real_distribution<double>(0.0, 1.0)(rng) >= sample) return;
        }
    }
    const auto& req = ex.req;
    log::Fields f = {{"requestId", req.requestId},
                     {"method", req.method == Method::Other ? req.methodText : std::string(methodName(req.method))},
                     {"route", ex.route},
                     {"status", status},
                     {"latencyMs", static_cast<double>(static_cast<long long>(ms * 1000)) / 1000.0}};
    if (req.principal) f["userId"] = req.principal->userId;
    if (auto trace = util::traceIdOf(req.header("traceparent"))) f["traceId"] = *trace;
    // Internal messages may quote a database error, which may quote a row: scrub it.
    if (!ex.internal.empty()) f["error"] = util::redactSecrets(ex.internal);
    log::write(isError ? log::Level::Error : log::Level::Info, "request", f);
}

}  // namespace boxoffice::http
