#include "app/application.hpp"

#include "admission/memory_rate_limiter.hpp"
#include "http/handlers/rate_limit_routes.hpp"
#include "http/handlers/routes.hpp"
#include "metrics/build_info.hpp"
#include "metrics/metered_hold_store.hpp"
#include "metrics/metered_idempotency_store.hpp"
#include "metrics/metered_order_repository.hpp"
#include "metrics/process_collector.hpp"
#include "storage/memory/memory_hold_store.hpp"
#include "storage/redis/redis_hold_store.hpp"
#include "storage/redis/redis_idempotency_store.hpp"
#include "storage/redis/redis_rate_limiter.hpp"
#include "storage/sql/migrator.hpp"
#include "storage/sql/sql_idempotency_store.hpp"
#include "storage/sql/sql_order_repository.hpp"
#include "storage/sql/sql_show_rate_limits.hpp"
#include "util/log.hpp"
#include "util/redact.hpp"

namespace boxoffice::app {
namespace {

http::PipelineOptions pipelineOptions(const HttpConfig& c) {
    http::PipelineOptions o;
    o.fastWorkers = c.fastWorkers;
    o.databaseWorkers = c.databaseWorkers;
    o.queueCapacity = c.queueCapacity;
    o.accessLogSample = c.accessLogSample;
    o.cors.origins = c.corsOrigins;
    o.cors.allowCredentials = c.corsAllowCredentials;
    return o;
}

http::ServerOptions serverOptions(const HttpConfig& c) {
    http::ServerOptions o;
    o.address = c.address;
    o.port = c.port;
    o.threads = c.threads;
    o.limits.maxBodyBytes = c.maxBodyBytes;
    o.limits.maxHeaderBytes = c.maxHeaderBytes;
    o.timeouts.header = c.headerTimeout;
    o.timeouts.body = c.bodyTimeout;
    o.timeouts.keepAlive = c.keepaliveTimeout;
    return o;
}

}  // namespace

std::unique_ptr<sql::Database> openDatabase(const DatabaseConfig& c) {
    sql::DatabaseOptions o;
    o.url = c.effectiveUrl();
    o.poolSize = c.poolSize;
    o.poolWait = c.poolWait;
    o.connectTimeout = c.connectTimeout;
    o.statementTimeout = c.statementTimeout;
    return sql::Database::open(o);
}

Application::Application(Config config, const Clock* clock)
    : config_(std::move(config)), clock_(clock ? *clock : systemClock_) {
    metrics_ = std::make_unique<metrics::Metrics>(metrics::buildVersion(), metrics::buildCommit());
    db_ = openDatabase(config_.database);
    const std::string dbName = db_->dialect() == sql::Dialect::Postgres ? "postgresql" : "sqlite";
    sql::Migrator migrator(*db_, sql::embeddedMigrations());
    if (config_.autoMigrate) {
        auto applied = migrator.up();
        if (!applied)
            throw std::runtime_error("migration failed: " + applied.error().detail + " " + applied.error().internal);
        if (*applied > 0) log::info("migrations applied", {{"count", *applied}});
    } else {
        auto pending = migrator.pending();
        if (!pending) throw std::runtime_error("cannot read the schema version: " + pending.error().detail);
        if (*pending > 0)
            throw std::runtime_error(std::to_string(*pending) +
                                     " migration(s) pending: run `boxoffice migrate up` first");
    }
    readiness_.addCheck({"database", [this] { return db_->ping(); }});

    catalogRepo_ = std::make_unique<sql::SqlCatalogRepository>(*db_);
    sqlOrderRepo_ = std::make_unique<sql::SqlOrderRepository>(*db_);
    orderRepo_ = std::make_unique<metrics::MeteredOrderRepository>(*sqlOrderRepo_, *metrics_, dbName);
    sqlIdempotency_ = std::make_unique<sql::SqlIdempotencyStore>(*db_);
    idempotency_ = std::make_unique<metrics::MeteredIdempotencyStore>(*sqlIdempotency_, *metrics_, dbName);
    std::vector<metrics::DependencySource> dependencies;
    dependencies.push_back({dbName,
                            [this] {
                                const auto s = db_->poolStats();
                                return metrics::PoolSample{db_->poolSize(), db_->inUse(),  s.acquired,
                                                           s.exhausted,     s.waitSeconds, s.reconnects};
                            },
                            [this] { return db_->ping(); }});

    if (config_.redis.url.empty()) {
        rawHoldStore_ = std::make_unique<memory::MemoryHoldStore>();
        holdStore_ = std::make_unique<metrics::MeteredHoldStore>(*rawHoldStore_, *metrics_, "memory");
    } else {
        std::string err;
        auto endpoint = redis::parseRedisUrl(config_.redis.url, err);
        if (!endpoint) throw std::runtime_error("BOXOFFICE_REDIS_URL: " + err);
        redis::RedisOptions ro;
        ro.endpoint = *endpoint;
        ro.connectTimeout = config_.redis.connectTimeout;
        ro.commandTimeout = config_.redis.commandTimeout;
        ro.caFile = config_.redis.caFile;
        redisHealth_ = std::make_unique<redis::RedisHealth>();
        redisPool_ =
            std::make_unique<redis::RedisPool>(ro, config_.redis.poolSize, config_.redis.poolWait, redisHealth_.get());
        redisBatcher_ =
            std::make_unique<redis::RedisBatcher>(ro, config_.redis.pipelines, 256, 8192, redisHealth_.get());
        auto store = std::make_unique<redis::RedisHoldStore>(*redisPool_);
        store->useBatcher(redisBatcher_.get());
        rawHoldStore_ = std::move(store);
        holdStore_ = std::make_unique<metrics::MeteredHoldStore>(*rawHoldStore_, *metrics_, "redis");
        rawHoldIdempotency_ = std::make_unique<redis::RedisIdempotencyStore>(*redisPool_);
        holdIdempotency_ = std::make_unique<metrics::MeteredIdempotencyStore>(*rawHoldIdempotency_, *metrics_, "redis");
        readiness_.addCheck(
            {"redis", [this]() -> Result<void> {
                 auto reply = redisPool_->call({"PING"});
                 if (!reply) return std::move(reply).error();
                 if (reply->type == redis::Reply::Type::Error)
                     return Error{ErrorCode::DependencyUnavailable, "redis unavailable", {}, {}, reply->str};
                 return {};
             }});
        dependencies.push_back({"redis",
                                [this] {
                                    const auto s = redisPool_->poolStats();
                                    return metrics::PoolSample{redisPool_->size(), s.inUse,       s.acquired,
                                                               s.exhausted,        s.waitSeconds, s.reconnects};
                                },
                                readiness_.checks().back().check});
    }
    // The store keeps an expired order's seats until the sweeper frees them in SQL (a few sweeps),
    // and never longer than that plus a margin if the sweeper's release is lost.
    const auto releaseGrace = std::max(std::chrono::milliseconds(2'000), 3 * config_.booking.sweepInterval);
    inventory_ = std::make_unique<Inventory>(*holdStore_, *orderRepo_, releaseGrace);
    reconciler_ = std::make_unique<Reconciler>(*inventory_, *orderRepo_, clock_);

    catalog_ = std::make_unique<CatalogService>(*catalogRepo_, clock_, ids_);
    seatmaps_ = std::make_unique<SeatMapService>(*catalogRepo_, *inventory_, clock_, config_.seatmapShowTtl,
                                                 config_.seatmapAvailabilityTtl);
    BookingSettings settings{config_.booking.maxSeatsPerHold, config_.booking.maxSeatsPerUser, config_.booking.holdTtl,
                             config_.booking.paymentWindow};
    booking_ = std::make_unique<BookingService>(*seatmaps_, *inventory_, *orderRepo_, clock_, ids_, settings);
    if (!config_.jwtSecret.empty()) jwt_ = std::make_unique<auth::JwtCodec>(config_.jwtSecret, clock_);
    if (config_.auth.jwksEnabled()) {
        const auto& a = config_.auth;
        auth::JwksSourceSettings jwks{a.jwksRefreshInterval, a.jwksMinRefreshInterval};
        jwks_ = a.jwksFile.empty()
                    ? std::make_unique<auth::JwksSource>(a.jwksUrl, auth::jwksFromUrl(a.jwksUrl, a.jwksTimeout), jwks)
                    : std::make_unique<auth::JwksSource>(a.jwksFile, auth::jwksFromFile(a.jwksFile), jwks);
        // Not fatal for a URL (the provider may be down now and back in a minute); a file is ours.
        if (!jwks_->current() && !a.jwksFile.empty())
            throw std::runtime_error("BOXOFFICE_JWKS_FILE " + a.jwksFile + " holds no usable RS256/ES256 key");
    }
    verifier_ = std::make_unique<auth::JwtVerifier>(
        jwt_.get(), jwks_.get(),
        auth::ClaimRules{config_.auth.issuer, config_.auth.audiences, config_.auth.roleClaim, config_.auth.adminValue},
        clock_);

    http::registerHealthRoutes(router_, readiness_);
    http::registerOpenApiRoute(router_);
    http::registerVenueRoutes(router_, *catalog_);
    http::registerEventRoutes(router_, *catalog_);
    http::registerShowRoutes(router_, *catalog_);
    http::registerSeatMapRoutes(router_, *seatmaps_, renderer_);
    http::IdempotencySettings idempotency;
    idempotency.lease = config_.booking.idempotencyLease;
    http::registerBookingRoutes(router_, *booking_, holdIdempotency_ ? *holdIdempotency_ : *idempotency_, *idempotency_,
                                clock_, ids_, idempotency);

    // Shared by every replica on Redis; in process on the embedded default. Fails open either way.
    // On Redis with a batcher of its own (as many connections as the holds' pipelines): the checks
    // of concurrent requests share round trips and no thread waits; short deadlines and a health of
    // its own, so a slow check never marks Redis frozen for the holds.
    if (redisPool_) {
        std::string err;
        redis::RedisOptions ro;
        ro.endpoint = *redis::parseRedisUrl(config_.redis.url, err);
        ro.connectTimeout = ro.commandTimeout = config_.rateLimit.redisTimeout;
        ro.caFile = config_.redis.caFile;
        rateLimitHealth_ = std::make_unique<redis::RedisHealth>();
        rateLimitBatcher_ =
            std::make_unique<redis::RedisBatcher>(ro, config_.redis.pipelines, 256, 8192, rateLimitHealth_.get());
        rateLimiter_ = std::make_unique<redis::RedisRateLimiter>(*rateLimitBatcher_);
    } else {
        rateLimiter_ = std::make_unique<admission::MemoryRateLimiter>(config_.rateLimit.maxKeys);
    }
    rateLimitMetrics_ = std::make_unique<metrics::RateLimitMetrics>(*metrics_, redisPool_ ? "redis" : "memory");
    showRateLimitRepo_ = std::make_unique<sql::SqlShowRateLimits>(*db_);
    showRateLimits_ = std::make_unique<admission::ShowRateLimitCache>(
        *showRateLimitRepo_, config_.rateLimit.overrideRefresh,
        [m = rateLimitMetrics_.get()](bool ok) { m->overrideRefresh(ok); });
    rateLimitGate_ = std::make_unique<http::RateLimitGate>(config_.rateLimit, *rateLimiter_, showRateLimits_.get(),
                                                           rateLimitMetrics_.get());
    http::registerRateLimitRoutes(router_, *catalog_, *showRateLimits_, config_.rateLimit, clock_);

    httpMetrics_ = std::make_unique<metrics::HttpMetrics>(*metrics_, router_.routes());
    metricsQueries_ = std::make_unique<sql::SqlMetricsQueries>(*db_);
    sampler_ = std::make_unique<metrics::StateSampler>(*metrics_, *metricsQueries_, *seatmaps_, *inventory_, clock_,
                                                       std::move(dependencies), config_.metrics.sampleInterval);
    pipeline_ = std::make_unique<http::Pipeline>(router_, *verifier_, pipelineOptions(config_.http), httpMetrics_.get(),
                                                 config_.rateLimit.enabled ? rateLimitGate_.get() : nullptr);
    server_ = std::make_unique<http::Server>(serverOptions(config_.http), *pipeline_);
    if (config_.outbox.enabled() && config_.outbox.relayInServe)
        outbox_ = std::make_unique<OutboxPublishing>(config_, *metrics_, clock_);
}

Application::~Application() {
    if (outbox_) outbox_->stop();
    metricsServer_.reset();
    if (sampler_) sampler_->stop();
    stopBackground();
    server_->stop();
}

void Application::stopBackground() {
    {
        std::lock_guard lock(sweepMu_);
        stopping_ = true;
    }
    sweepCv_.notify_all();
    if (sweeper_.joinable()) sweeper_.join();
    if (reconcilerThread_.joinable()) reconcilerThread_.join();
}

void Application::start() {
    server_->start();
    metricsServer_ = std::make_unique<metrics::MetricsServer>(
        config_.metrics.address, config_.metrics.port,
        std::vector<std::shared_ptr<prometheus::Collectable>>{metrics_->registry(),
                                                              std::make_shared<metrics::ProcessCollector>()});
    sampler_->start();
    sweeper_ = std::thread([this] { sweepLoop(); });
    reconcilerThread_ = std::thread([this] { reconcileLoop(); });
    if (outbox_) outbox_->start();
    log::info("listening", {{"address", config_.http.address},
                            {"port", server_->port()},
                            {"metricsPort", metricsServer_->port()},
                            {"database", config_.database.embedded() ? "sqlite (embedded)" : "postgresql"},
                            {"holds", config_.redis.url.empty() ? "in-process" : "redis"}});
}

void Application::sweepLoop() {
    constexpr int kBatch = 500;
    std::unique_lock lock(sweepMu_);
    while (!stopping_) {
        sweepCv_.wait_for(lock, config_.booking.sweepInterval, [this] { return stopping_; });
        if (stopping_) break;
        lock.unlock();
        const metrics::SweeperMetrics& m = metrics_->sweeper();
        const auto started = std::chrono::steady_clock::now();
        bool ok = true;
        // Full batches mean a backlog: keep going until it is drained.
        for (int round = 0; round < 100; ++round) {
            auto n = booking_->sweep(kBatch);
            if (!n) {
                log::warn("order sweep failed",
                          {{"error", n.error().detail}, {"internal", util::redactSecrets(n.error().internal)}});
                ok = false;
                break;
            }
            if (*n > 0) log::info("orders expired", {{"count", *n}});
            if (*n < kBatch) break;
        }
        // Claims whose lease passed unanswered (a crashed request, or an answer the database went
        // away before it could store): forgotten, so no key reads "in progress" past its lease. The
        // same database as the orders: not tried when their sweep just failed.
        if (ok) {
            auto purged = sqlIdempotency_->purgeDeadClaims(clock_.nowMs());
            if (!purged)
                log::warn(
                    "idempotency claim sweep failed",
                    {{"error", purged.error().detail}, {"internal", util::redactSecrets(purged.error().internal)}});
            else if (*purged > 0)
                log::info("dead idempotency claims cleared", {{"count", *purged}});
        }
        m.duration->Observe(std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count());
        (ok ? m.runsOk : m.runsFailed)->Increment();
        // Wall time, not clock_: alerts compare it with time().
        if (ok)
            m.lastRun->Set(std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count());
        lock.lock();
    }
}

void Application::reconcileLoop() {
    // The store's generation is asked for often (one cheap call): a Redis that restarted, with or
    // without old data, is caught within a tick, not a pass. The full pass runs every interval.
    const auto tick = std::min(config_.booking.reconcileInterval, std::chrono::milliseconds(100));
    auto nextPass = std::chrono::steady_clock::now();
    std::unique_lock lock(sweepMu_);
    bool failing = false;
    while (!stopping_) {
        sweepCv_.wait_for(lock, tick, [this] { return stopping_; });
        if (stopping_) break;
        lock.unlock();
        auto changed = reconciler_->generationChanged();
        const bool due = std::chrono::steady_clock::now() >= nextPass || (changed && *changed);
        if (due) {
            nextPass = std::chrono::steady_clock::now() + config_.booking.reconcileInterval;
            auto pass = reconciler_->runOnce();
            if (!pass) {
                // Logged once per outage, not once per pass.
                if (!failing)
                    log::warn(
                        "hold store reconciliation failed",
                        {{"error", pass.error().detail}, {"internal", util::redactSecrets(pass.error().internal)}});
                failing = true;
            } else {
                if (failing) log::info("hold store reconciliation recovered");
                failing = false;
                if (pass->restored > 0 || pass->generationChanged)
                    log::warn("hold store repaired from the database", {{"shows", pass->restored},
                                                                        {"checked", pass->checked},
                                                                        {"storeRestarted", pass->generationChanged}});
            }
        }
        lock.lock();
    }
}

void Application::drainAndStop() {
    readiness_.startDraining();
    log::info("draining", {{"graceMs", config_.shutdownGrace.count()}});
    // Load balancers need a few probe periods to see the 503 before the listener goes away.
    std::this_thread::sleep_for(config_.shutdownGrace);
    if (!server_->waitIdle(config_.shutdownTimeout)) log::warn("stopping with requests still in flight");
    server_->stop();
    stopBackground();
    // After the last request: what they wrote to the outbox still gets a chance to go out.
    if (outbox_) outbox_->stop();
    sampler_->stop();
    metricsServer_.reset();
    log::info("stopped");
}

}  // namespace boxoffice::app
