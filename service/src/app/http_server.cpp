#include "app/http_server.hpp"

#include <pistache/endpoint.h>
#include <pistache/http.h>

#include <random>
#include <sstream>
#include <thread>

#include "http/problem.hpp"
#include "http/rate_limit_gate.hpp"
#include "metrics/http_metrics.hpp"
#include "util/log.hpp"
#include "util/redact.hpp"
#include "util/work_queue.hpp"

namespace boxoffice::app {

namespace Ph = Pistache::Http;

struct HttpServer::State {
    State(const http::Router& r, const auth::JwtCodec& j, HttpConfig c, metrics::HttpMetrics* m,
          const http::RateLimitGate* g)
        : router(r),
          jwt(j),
          metrics(m),
          rateLimits(g),
          config(std::move(c)),
          fastLane(std::make_unique<util::WorkQueue>("bx-fast", config.fastWorkers, config.queueCapacity)),
          databaseLane(std::make_unique<util::WorkQueue>("bx-db", config.databaseWorkers, config.queueCapacity)) {}
    const http::Router& router;
    const auth::JwtCodec& jwt;
    metrics::HttpMetrics* metrics;
    const http::RateLimitGate* rateLimits;  // null: no rate limits
    auth::VerifiedTokenCache tokens{jwt, jwt.clock()};
    HttpConfig config;
    std::atomic<int> inFlight{0};
    std::unique_ptr<util::WorkQueue> fastLane;
    std::unique_ptr<util::WorkQueue> databaseLane;
};

namespace {

using Clock = std::chrono::steady_clock;

http::Method toMethod(Ph::Method m) {
    switch (m) {
        case Ph::Method::Get:
            return http::Method::Get;
        case Ph::Method::Post:
            return http::Method::Post;
        case Ph::Method::Put:
            return http::Method::Put;
        case Ph::Method::Patch:
            return http::Method::Patch;
        case Ph::Method::Delete:
            return http::Method::Delete;
        case Ph::Method::Head:
            return http::Method::Head;
        case Ph::Method::Options:
            return http::Method::Options;
        default:
            return http::Method::Other;
    }
}

std::string newRequestId() {
    thread_local std::mt19937_64 rng{std::random_device{}()};
    static constexpr char hex[] = "0123456789abcdef";
    std::string id(32, '0');
    std::uint64_t a = rng(), b = rng();
    for (int i = 0; i < 16; ++i) {
        id[static_cast<std::size_t>(i)] = hex[(a >> (i * 4)) & 0xf];
        id[static_cast<std::size_t>(16 + i)] = hex[(b >> (i * 4)) & 0xf];
    }
    return id;
}

// A client's id is echoed into headers and logs: accept only a short, inert token.
bool acceptableRequestId(const std::string& id) {
    if (id.empty() || id.size() > 128) return false;
    for (char c : id)
        if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.' || c == ':'))
            return false;
    return true;
}

int hexValue(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

std::string percentDecode(const std::string& in) {
    std::string out;
    out.reserve(in.size());
    for (std::size_t i = 0; i < in.size(); ++i) {
        if (in[i] == '+') {
            out.push_back(' ');
        } else if (in[i] == '%' && i + 2 < in.size() && hexValue(in[i + 1]) >= 0 && hexValue(in[i + 2]) >= 0) {
            out.push_back(static_cast<char>(hexValue(in[i + 1]) * 16 + hexValue(in[i + 2])));
            i += 2;
        } else {
            out.push_back(in[i]);
        }
    }
    return out;
}

char lowerAscii(char c) {
    return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
}

// Header names and the "Bearer" scheme are ASCII: no locale lookup per character.
std::string lower(std::string s) {
    for (auto& c : s) c = lowerAscii(c);
    return s;
}

bool startsWithLower(std::string_view s, std::string_view lowerPrefix) {
    if (s.size() < lowerPrefix.size()) return false;
    for (std::size_t i = 0; i < lowerPrefix.size(); ++i)
        if (lowerAscii(s[i]) != lowerPrefix[i]) return false;
    return true;
}

// Pistache writes only typed headers into responses (addRaw ones are silently dropped), so every
// header we set goes through this one typed wrapper.
class DynamicHeader final : public Ph::Header::Header {
public:
    DynamicHeader(std::string name, std::string value) : name_(std::move(name)), value_(std::move(value)) {}
    const char* name() const override { return name_.c_str(); }
    void write(std::ostream& os) const override { os << value_; }
    std::uint64_t hash() const override { return Ph::Header::detail::hash(name_.c_str()); }

private:
    std::string name_;
    std::string value_;
};

void setHeader(Ph::Header::Collection& headers, const std::string& name, const std::string& value) {
    headers.add(std::make_shared<DynamicHeader>(name, value));
}

// What one request carries from the reactor to whichever thread finishes it.
struct Exchange {
    http::Request req;
    std::string route = "unmatched";
    int routeIndex = -1;  // in the router's table; names the request in metrics
    std::string internal;
    bool forceKeepAlive = false;
    std::vector<std::pair<std::string, std::string>> limitHeaders;  // RateLimit-*, added to the answer
    Clock::time_point started = Clock::now();
};

class Handler final : public Ph::Handler {
public:
    HTTP_PROTOTYPE(Handler)

    explicit Handler(std::shared_ptr<HttpServer::State> state) : state_(std::move(state)) {}

    void onRequest(const Ph::Request& request, Ph::ResponseWriter writer) override {
        state_->inFlight.fetch_add(1);
        if (state_->metrics) state_->metrics->started();
        auto ex = std::make_shared<Exchange>();
        // Pistache answers "Connection: Close" to an HTTP/1.1 request without a Connection header,
        // yet keeps the socket open; clients then reconnect for every request. HTTP/1.1 means
        // keep-alive unless the client says otherwise.
        ex->forceKeepAlive =
            request.version() == Ph::Version::Http11 && !request.headers().has<Ph::Header::Connection>();
        const http::Route* route = nullptr;
        std::optional<http::Response> early;
        try {
            collect(request, ex->req);
            early = preflight(*ex, route);
        } catch (const std::exception& e) {
            early = fail(*ex, Error::internalError(e.what()));
        }
        if (early) return finish(*ex, writer, std::move(*early));

        if (route->lane == http::Lane::Reactor && !route->async) return finish(*ex, writer, invoke(*ex, *route));
        auto shared = std::make_shared<Ph::ResponseWriter>(std::move(writer));
        if (route->async) return startAsync(ex, *route, shared);
        post(ex, *route, shared, route->handler);
    }

    void onTimeout(const Ph::Request& request, Ph::ResponseWriter writer) override {
        Exchange ex;
        ex.req.requestId = newRequestId();
        ex.forceKeepAlive = false;
        auto resp = http::problem(Error{ErrorCode::RequestTimeout, "the request was not received in time", {}, {}, {}},
                                  ex.req.requestId);
        resp.with("Connection", "close");
        (void)request;
        if (state_->metrics) state_->metrics->rejected(resp.status);
        send(ex, writer, resp);
    }

private:
    void collect(const Ph::Request& request, http::Request& req) const {
        const auto& raw = request.headers().rawList();
        req.headers.reserve(raw.size() + 2);
        for (const auto& [name, value] : raw) req.headers[lower(name)] = value.value();
        // Registered headers are parsed by Pistache and absent from rawList; of those, handlers
        // read only these two. A header is written out through an ostream: one per thread, reused,
        // since building one per request (and its locale) costs more than the write.
        thread_local std::ostringstream os;
        for (auto [name, key] : {std::pair<const char*, const char*>{"Authorization", "authorization"},
                                 {"Content-Type", "content-type"}}) {
            if (auto h = request.headers().tryGet(name)) {
                os.str(std::string());
                os.clear();
                h->write(os);
                req.headers[key] = os.str();
            }
        }
        auto rid = req.header("x-request-id");
        req.requestId = rid && acceptableRequestId(*rid) ? *rid : newRequestId();
        req.method = toMethod(request.method());
        req.path = request.resource();
        req.peerAddress = request.address().host();
        const auto& q = request.query();
        for (auto it = q.parameters_begin(); it != q.parameters_end(); ++it)
            req.query[percentDecode(it->first)] = percentDecode(it->second);
        req.body = request.body();
    }

    http::Response fail(Exchange& ex, Error e) const {
        ex.internal = e.internal;
        return http::problem(e, ex.req.requestId);
    }

    // Everything decided before a handler runs: size, route, credentials. A value means "answer now".
    std::optional<http::Response> preflight(Exchange& ex, const http::Route*& route) const {
        http::Request& req = ex.req;
        if (req.body.size() > state_->config.maxBodyBytes)
            return fail(ex, {ErrorCode::PayloadTooLarge,
                             "the body exceeds " + std::to_string(state_->config.maxBodyBytes) + " bytes",
                             {},
                             {},
                             {}});
        auto match = state_->router.match(req.method, req.path, req.pathParams);
        if (!match.route) {
            if (match.pathKnown) {
                std::string allow;
                for (auto m : match.allowed) allow += (allow.empty() ? "" : ", ") + std::string(http::methodName(m));
                auto r = fail(ex, {ErrorCode::MethodNotAllowed,
                                   std::string(http::methodName(req.method)) + " is not allowed here; use " + allow,
                                   {},
                                   {},
                                   {}});
                r.with("Allow", allow);
                return r;
            }
            return fail(ex, {ErrorCode::RouteNotFound, "no route for " + req.path, {}, {}, {}});
        }
        route = match.route;
        ex.route = route->pattern;
        ex.routeIndex = static_cast<int>(route - state_->router.routes().data());

        if (auto authz = req.headers.find("authorization"); authz != req.headers.end()) {
            if (!startsWithLower(authz->second, "bearer "))
                return fail(ex, {ErrorCode::Unauthenticated, "use Authorization: Bearer <token>", {}, {}, {}});
            auto principal = state_->tokens.verify(std::string_view(authz->second).substr(7));
            if (!principal) return fail(ex, std::move(principal).error());
            req.principal = std::move(principal).value();
        }
        if (route->access != http::Access::Public && !req.principal)
            return fail(ex, {ErrorCode::Unauthenticated, "this route needs Authorization: Bearer <token>", {}, {}, {}});
        if (route->access == http::Access::Admin && !req.principal->isAdmin())
            return fail(ex, {ErrorCode::Forbidden, "this route needs the admin role", {}, {}, {}});
        // Rate limits (http/rate_limit_gate.hpp), once the caller is known: a 429 now, or the
        // RateLimit headers for the route's answer.
        if (state_->rateLimits) {
            auto verdict = state_->rateLimits->admit(req, *route);
            if (verdict.rejection) return std::move(*verdict.rejection);
            ex.limitHeaders = std::move(verdict.headers);
        }
        return std::nullopt;
    }

    // Runs `handler` on the route's lane and answers with its result.
    void post(const std::shared_ptr<Exchange>& ex, const http::Route& route,
              const std::shared_ptr<Ph::ResponseWriter>& writer, const http::Handler& handler) const {
        util::WorkQueue& queue = route.lane == http::Lane::Database ? *state_->databaseLane : *state_->fastLane;
        const bool queued = queue.tryPost([this, ex, writer, handler] { finish(*ex, *writer, invoke(*ex, handler)); });
        if (!queued)
            finish(
                *ex, *writer,
                fail(
                    *ex,
                    {ErrorCode::DependencyUnavailable, "the service is overloaded; retry", {}, {}, "work queue full"}));
    }

    void startAsync(const std::shared_ptr<Exchange>& ex, const http::Route& route,
                    const std::shared_ptr<Ph::ResponseWriter>& writer) const {
        auto answered = std::make_shared<std::atomic<bool>>(false);
        http::Responder respond = [this, ex, writer, answered](Result<http::Response> r) {
            if (answered->exchange(true)) return;
            finish(*ex, *writer, r ? std::move(r).value() : fail(*ex, std::move(r).error()));
        };
        http::Deferrer defer = [this, ex, &route, writer, answered](http::Handler handler) {
            if (answered->exchange(true)) return;
            post(ex, route, writer, handler);
        };
        try {
            route.async(ex->req, respond, defer);
        } catch (const std::exception& e) {
            respond(Error::internalError(e.what()));
        }
    }

    http::Response invoke(Exchange& ex, const http::Route& route) const { return invoke(ex, route.handler); }

    http::Response invoke(Exchange& ex, const http::Handler& handler) const {
        try {
            auto result = handler(ex.req);
            if (!result) return fail(ex, std::move(result).error());
            return std::move(result).value();
        } catch (const std::exception& e) {
            // Never let Pistache answer: its 500 carries e.what().
            return fail(ex, Error::internalError(e.what()));
        } catch (...) {
            return fail(ex, Error::internalError("unknown exception"));
        }
    }

    void finish(Exchange& ex, Ph::ResponseWriter& writer, http::Response resp) const {
        for (auto& h : ex.limitHeaders) resp.headers.push_back(std::move(h));
        const double seconds = std::chrono::duration<double>(Clock::now() - ex.started).count();
        // Counted before the answer leaves: a client that stops and scrapes sees every answer it got.
        if (state_->metrics) state_->metrics->finished(ex.routeIndex, ex.req.method, resp.status, seconds);
        send(ex, writer, resp);
        accessLog(ex, resp.status, seconds);
        state_->inFlight.fetch_sub(1);
    }

    static void send(const Exchange& ex, Ph::ResponseWriter& writer, const http::Response& resp) {
        auto& headers = writer.headers();
        if (ex.forceKeepAlive) {
            headers.remove<Ph::Header::Connection>();
            headers.add<Ph::Header::Connection>(Ph::ConnectionControl::KeepAlive);
        }
        if (!ex.req.requestId.empty()) setHeader(headers, "X-Request-Id", ex.req.requestId);
        if (!resp.contentType.empty() && resp.status != 204 && resp.status != 304)
            setHeader(headers, "Content-Type", resp.contentType);
        for (const auto& [name, value] : resp.headers) {
            if (lower(name) == "connection") {
                headers.remove<Ph::Header::Connection>();
                headers.add<Ph::Header::Connection>(Ph::ConnectionControl::Close);
            } else {
                setHeader(headers, name, value);
            }
        }
        const std::string& body = resp.sharedBody ? *resp.sharedBody : resp.body;
        writer.send(static_cast<Ph::Code>(resp.status), body);
    }

    void accessLog(const Exchange& ex, int status, double seconds) const {
        const double ms = seconds * 1000.0;
        const bool isError = status >= 500;
        if (!isError) {
            const double sample = state_->config.accessLogSample;
            if (sample <= 0.0) return;
            if (sample < 1.0) {
                thread_local std::mt19937 rng{std::random_device{}()};
                if (std::uniform_real_distribution<double>(0.0, 1.0)(rng) >= sample) return;
            }
        }
        const auto& req = ex.req;
        log::Fields f = {{"requestId", req.requestId},
                         {"method", http::methodName(req.method)},
                         {"route", ex.route},
                         {"status", status},
                         {"latencyMs", static_cast<double>(static_cast<long long>(ms * 1000)) / 1000.0}};
        if (req.principal) f["userId"] = req.principal->userId;
        if (auto trace = util::traceIdOf(req.header("traceparent"))) f["traceId"] = *trace;
        // Internal messages may quote a database error, which may quote a row: scrub it.
        if (!ex.internal.empty()) f["error"] = util::redactSecrets(ex.internal);
        log::write(isError ? log::Level::Error : log::Level::Info, "request", f);
    }

    std::shared_ptr<HttpServer::State> state_;
};

}  // namespace

HttpServer::HttpServer(HttpConfig config, const http::Router& router, const auth::JwtCodec& jwt,
                       metrics::HttpMetrics* metrics, const http::RateLimitGate* rateLimits)
    : config_(std::move(config)), state_(std::make_shared<State>(router, jwt, config_, metrics, rateLimits)) {}

HttpServer::~HttpServer() {
    stop();
}

void HttpServer::start() {
    Pistache::Address addr(config_.address, Pistache::Port(static_cast<std::uint16_t>(config_.port)));
    endpoint_ = std::make_unique<Ph::Endpoint>(addr);
    // Pistache bounds headers and body together; headers get 16 KiB on top of the body limit and
    // the body limit itself is enforced with a problem body in dispatch().
    auto opts = Ph::Endpoint::options()
                    .threads(config_.threads)
                    .flags(Pistache::Tcp::Options::ReuseAddr)
                    .backlog(4096)
                    .maxRequestSize(config_.maxBodyBytes + 16 * 1024)
                    .maxResponseSize(256 * 1024 * 1024)
                    .headerTimeout(config_.headerTimeout)
                    .bodyTimeout(config_.bodyTimeout)
                    .keepaliveTimeout(config_.keepaliveTimeout);
    endpoint_->init(opts);
    endpoint_->setHandler(Ph::make_handler<Handler>(state_));
    try {
        endpoint_->serveThreaded();
    } catch (const std::exception& e) {
        endpoint_.reset();
        throw std::runtime_error("cannot listen on " + config_.address + ":" + std::to_string(config_.port) + ": " +
                                 e.what());
    }
    running_ = true;
}

int HttpServer::port() const {
    return endpoint_ ? static_cast<int>(static_cast<std::uint16_t>(endpoint_->getPort())) : 0;
}

bool HttpServer::waitIdle(std::chrono::milliseconds timeout) const {
    const auto deadline = Clock::now() + timeout;
    while (state_->inFlight.load() > 0) {
        if (Clock::now() >= deadline) return false;
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return true;
}

void HttpServer::stop() {
    if (!running_) return;
    running_ = false;
    // Workers finish what is queued first: their replies go out before the reactors stop.
    state_->fastLane->stop();
    state_->databaseLane->stop();
    endpoint_->shutdown();
    endpoint_.reset();
}

}  // namespace boxoffice::app
