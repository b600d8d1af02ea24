#pragma once
// The middleware every framed request passes, in order: request id, target checks, CORS preflight,
// routing, authentication, access, rate limits; then the route's lane, the exception guard, the response
// fields every answer carries (request id, nosniff, no-store, WWW-Authenticate, CORS), metrics and
// the access log. Works on the project's own Request/Response; the connection feeds it.
#include <atomic>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "auth/jwt.hpp"
#include "auth/token_verifier.hpp"
#include "http/connection.hpp"
#include "http/rate_limit_gate.hpp"
#include "http/router.hpp"
#include "util/work_queue.hpp"

namespace boxoffice::metrics {
class HttpMetrics;
}

namespace boxoffice::http {

struct CorsPolicy {
    std::vector<std::string> origins;  // exact origins ("https://shop.example"); "*" for any; none: off
    bool allowCredentials = false;     // never together with "*"
    int maxAgeSeconds = 600;
};

struct PipelineOptions {
    int fastWorkers = 8;
    int databaseWorkers = 16;
    std::size_t queueCapacity = 20000;
    double accessLogSample = 1.0;
    CorsPolicy cors;
};

class Pipeline final : public RequestSink {
public:
    /// `metrics` (may be null) must have been built from `router`'s final table and outlive this;
    /// `rateLimits` (may be null: no limits) too.
    Pipeline(const Router& router, const auth::TokenVerifier& verifier, PipelineOptions options,
             metrics::HttpMetrics* metrics = nullptr, const RateLimitGate* rateLimits = nullptr);
    ~Pipeline() override;

    void handle(Request request, std::function<void(Response)> respond) override;
    Response reject(const Error& error) override;

    int inFlight() const { return inFlight_.load(); }
    /// Finishes what the lanes hold; later requests are answered 503.
    void stop();

    struct Exchange;

private:
    std::optional<Response> preflight(Exchange& ex, const Route*& route) const;
    void dispatch(const std::shared_ptr<Exchange>& ex, const Route& route) const;
    void admitThenRun(const std::shared_ptr<Exchange>& ex, const Route& route, admission::Budget budget) const;
    std::optional<Response> corsPreflight(Exchange& ex) const;
    void post(const std::shared_ptr<Exchange>& ex, const Route& route, const Handler& handler) const;
    void startAsync(const std::shared_ptr<Exchange>& ex, const Route& route) const;
    Response invoke(Exchange& ex, const Handler& handler) const;
    Response fail(Exchange& ex, Error e) const;
    void finish(Exchange& ex, Response resp) const;
    void decorate(const Exchange& ex, Response& resp) const;
    void accessLog(const Exchange& ex, int status, double seconds) const;
    bool originAllowed(const std::string& origin) const;

    const Router& router_;
    metrics::HttpMetrics* metrics_;
    const RateLimitGate* rateLimits_;
    std::vector<std::optional<admission::Budget>> budgets_;  // by route index; none without a gate
    mutable auth::VerifiedTokenCache tokens_;
    PipelineOptions options_;
    mutable std::atomic<int> inFlight_{0};
    std::unique_ptr<util::WorkQueue> fastLane_;
    std::unique_ptr<util::WorkQueue> databaseLane_;
};

/// A client's X-Request-Id is echoed into headers and logs: only a short, inert token is kept.
bool acceptableRequestId(std::string_view id);

}  // namespace boxoffice::http
