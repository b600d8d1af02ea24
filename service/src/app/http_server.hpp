#pragma once
// The Pistache endpoint and the middleware every request passes: request id, keep-alive fix,
// body limit, routing, authentication, the exception guard, problem bodies and the access log.
#include <atomic>
#include <chrono>
#include <memory>

#include "app/config.hpp"
#include "auth/jwt.hpp"
#include "http/readiness.hpp"
#include "http/router.hpp"

namespace Pistache::Http {
class Endpoint;
}

namespace boxoffice::metrics {
class HttpMetrics;
}
namespace boxoffice::http {
class RateLimitGate;
}

namespace boxoffice::app {

class HttpServer {
public:
    /// `metrics` (may be null) must have been built from `router`'s final table and outlive the server.
    /// `rateLimits` (may be null: no limits) must outlive the server.
    HttpServer(HttpConfig config, const http::Router& router, const auth::JwtCodec& jwt,
               metrics::HttpMetrics* metrics = nullptr, const http::RateLimitGate* rateLimits = nullptr);
    ~HttpServer();
    HttpServer(const HttpServer&) = delete;
    HttpServer& operator=(const HttpServer&) = delete;

    /// Binds and serves on background threads. Throws std::runtime_error when the port is taken.
    void start();
    /// The bound port (useful with port 0).
    int port() const;
    /// Waits until no request is in flight, at most `timeout`; false when some are still running.
    bool waitIdle(std::chrono::milliseconds timeout) const;
    void stop();

    struct State;

private:
    HttpConfig config_;
    std::shared_ptr<State> state_;
    std::unique_ptr<Pistache::Http::Endpoint> endpoint_;
    bool running_ = false;
};

}  // namespace boxoffice::app
