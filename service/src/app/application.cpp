#include "app/application.hpp"

#include "admission/memory_queue_store.hpp"
#include "admission/memory_rate_limiter.hpp"
#include "http/handlers/payment_routes.hpp"
#include "http/handlers/refund_routes.hpp"
#include "http/handlers/rate_limit_routes.hpp"
#include "http/handlers/routes.hpp"
#include "http/handlers/ticket_routes.hpp"
#include "http/handlers/waiting_room_routes.hpp"
#include "metrics/build_info.hpp"
#include "metrics/metered_hold_store.hpp"
#include "metrics/metered_idempotency_store.hpp"
#include "metrics/metered_order_repository.hpp"
#include "metrics/process_collector.hpp"
#include "payments/dev_payment_provider.hpp"
#include "payments/signed_webhook_verifier.hpp"
#include "payments/stripe_payment_provider.hpp"
#include "storage/memory/memory_hold_store.hpp"
#include "storage/redis/redis_hold_store.hpp"
#include "storage/redis/redis_idempotency_store.hpp"
#include "storage/redis/redis_queue_store.hpp"
#include "storage/redis/redis_rate_limiter.hpp"
#include "storage/sql/sql_idempotency_store.hpp"
#include "storage/sql/order_repository.hpp"
#include "storage/sql/sql_refund_policies.hpp"
#include "storage/sql/sql_show_rate_limits.hpp"
#include "storage/sql/sql_waiting_rooms.hpp"
#include "util/hex.hpp"
#include "util/random_id.hpp"
#include "util/sha256.hpp"
#include "util/log.hpp"
#include "util/redact.hpp"

namespace boxoffice::app {
namespace {

// BOXOFFICE_ADMISSION_SECRET, else one derived from the JWT secret (every replica already shares
// it; the HMAC keeps the two keys apart), else one of this process only.
std::string admissionSecret(const Config& c) {
    if (!c.admissionSecret.empty()) return c.admissionSecret;
    if (!c.jwtSecret.empty()) {
        const auto key = util::hmacSha256(c.jwtSecret, "boxoffice admission tokens v1");
        return std::string(reinterpret_cast<const char*>(key.data()), key.size());
    }
    log::warn(
        "BOXOFFICE_ADMISSION_SECRET is not set and there is no JWT secret: admission tokens are signed "
        "with a secret of this process only and do not verify on another replica");
    return util::randomBytes(32);
}

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
    o.preparedStatements = c.preparedStatements;
    return sql::Database::open(o);
}

Application::Application(Config config, std::unique_ptr<sql::Database> db, const Clock* clock)
    : config_(std::move(config)), clock_(clock ? *clock : systemClock_), db_(std::move(db)) {
    metrics_ = std::make_unique<metrics::Metrics>(metrics::buildVersion(), metrics::buildCommit());
    const std::string dbName = db_->dialect() == sql::Dialect::Postgres ? "postgresql" : "sqlite";
    readiness_.addCheck({"database", [this] { return db_->ping(); }});

    catalogRepo_ = std::make_unique<sql::SqlCatalogRepository>(*db_);
    sqlOrderRepo_ = sql::makeOrderRepository(*db_);
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
        readiness_.addCheck({"redis", [this]() -> Result<void> {
                                 auto reply = redisPool_->call({"PING"});
                                 if (!reply) return std::move(reply).error();
                                 if (reply->type == redis::Reply::Type::Error)
                                     return Error::of(ErrorCode::DependencyUnavailable, "redis unavailable",
                                                      reply->str);
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
    paymentStore_ = std::make_unique<sql::SqlPaymentStore>(*db_);
    reconciler_ =
        std::make_unique<Reconciler>(*inventory_, *orderRepo_, clock_, std::chrono::minutes(30), paymentStore_.get());
    holdStoreRepair_ = std::make_unique<HoldStoreRepair>(*reconciler_, config_.booking.reconcileInterval);

    catalog_ = std::make_unique<CatalogService>(*catalogRepo_, clock_, ids_, timeZones_);
    seatmaps_ = std::make_unique<SeatMapService>(*catalogRepo_, *inventory_, clock_, config_.seatmapShowTtl,
                                                 config_.seatmapAvailabilityTtl);
    BookingSettings settings{config_.booking.maxSeatsPerHold, config_.booking.maxSeatsPerUser, config_.booking.holdTtl,
                             config_.booking.paymentWindow};
    if (config_.ticketSigningKey.empty()) {
        ticketSigner_ = tickets::Ed25519TicketSigner::generate();
        log::warn(
            "BOXOFFICE_TICKET_SIGNING_KEY is not set: tickets are signed with a key of this process only; "
            "their codes will not verify after a restart or on another replica",
            {{"kid", ticketSigner_->keyId()}});
    } else {
        ticketSigner_ = tickets::Ed25519TicketSigner::fromKeyText(config_.ticketSigningKey);
    }
    // The waiting room: the booking flow's hold gate.
    waitingRoomRepo_ = std::make_unique<sql::SqlWaitingRooms>(*db_);
    waitingRooms_ = std::make_unique<admission::WaitingRoomCache>(*waitingRoomRepo_, config_.waitingRoomRefresh);
    if (redisPool_)
        queueStore_ = std::make_unique<redis::RedisQueueStore>(*redisPool_);
    else
        queueStore_ = std::make_unique<admission::MemoryQueueStore>();
    admissionTokens_ = std::make_unique<admission::AdmissionTokens>(admissionSecret(config_));
    waitingRoomMetrics_ = std::make_unique<metrics::WaitingRoomMetrics>(*metrics_);
    waitingRoom_ = std::make_unique<admission::WaitingRoomService>(
        *queueStore_, *waitingRooms_, *admissionTokens_, clock_,
        [] {
            // The pre-queue's shuffle: a uniform score below 2^52 from the one random source.
            return static_cast<std::int64_t>(std::stoull(util::randomHex(13), nullptr, 16));
        },
        waitingRoomMetrics_.get());
    booking_ = std::make_unique<BookingService>(*seatmaps_, *inventory_, *orderRepo_, clock_, ids_, *ticketSigner_,
                                                settings, waitingRoom_.get());
    ticketStore_ = std::make_unique<sql::SqlTicketStore>(*db_);
    tickets_ = std::make_unique<TicketService>(*ticketStore_, *ticketSigner_, clock_);
    lateSales_ = std::make_unique<sql::SqlLateSaleStore>(*db_);
    const auto& pay = config_.payments;
    const auto tolerance = std::chrono::duration_cast<std::chrono::seconds>(pay.webhookTolerance);
    if (pay.stripe()) {
        payments::StripeSettings stripe;
        stripe.apiBase = pay.stripeApiBase;
        stripe.secretKey = pay.stripeSecretKey;
        stripe.connectTimeout = pay.stripeConnectTimeout;
        stripe.timeout = pay.stripeTimeout;
        stripe.maxAttempts = pay.stripeMaxAttempts;
        paymentProvider_ = std::make_unique<payments::StripePaymentProvider>(stripe);
        webhookVerifier_ = std::make_unique<payments::SignedWebhookVerifier>(
            "stripe", payments::WebhookSignature(pay.stripeWebhookSecrets, clock_, tolerance));
    } else {
        std::string secret = pay.devWebhookSecret;
        if (secret.empty()) {
            secret = util::hexLower(util::randomBytes(32));
            log::warn(
                "BOXOFFICE_PAYMENTS_DEV_WEBHOOK_SECRET is not set: the dev provider's callbacks are checked against "
                "a secret of this process only (set it to pay through POST /v1/payments/dev/webhook)");
        }
        paymentProvider_ = std::make_unique<payments::DevPaymentProvider>();
        webhookVerifier_ = std::make_unique<payments::SignedWebhookVerifier>(
            "dev", payments::WebhookSignature({secret}, clock_, tolerance));
    }
    paymentMetrics_ = std::make_unique<metrics::PaymentMetrics>(*metrics_);
    payments_ = std::make_unique<PaymentService>(
        *booking_, *orderRepo_, *paymentStore_, *lateSales_, *paymentProvider_,
        std::map<std::string, const WebhookVerifier*>{{std::string(paymentProvider_->name()), webhookVerifier_.get()}},
        clock_, ids_, [m = paymentMetrics_.get()](std::string_view provider, std::string_view outcome) {
            m->event(provider, outcome);
        });
    refundPolicies_ = std::make_unique<sql::SqlRefundPolicies>(*db_);
    refunds_ = std::make_unique<RefundService>(
        *orderRepo_, *paymentStore_, *paymentProvider_, *refundPolicies_, config_.payments.refundPolicy, *catalog_,
        inventory_->holds(), clock_, ids_,
        [m = paymentMetrics_.get(), b = &metrics_->booking()](std::string_view provider, std::string_view outcome) {
            m->event(provider, outcome);
            if (outcome == "refunded") b->transition(OrderStatus::Refunded);
        });
    refundRetrier_ =
        std::make_unique<RefundRetrier>(*refunds_, *metrics_->registry(), clock_, config_.payments.refundRetryInterval,
                                        config_.payments.refundRetryAge);
    sweeper_ = std::make_unique<OrderSweeper>(*booking_, *sqlIdempotency_, metrics_->sweeper(), clock_,
                                              config_.booking.sweepInterval);
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
        auth::ClaimRules{config_.auth.issuer, config_.auth.audiences, config_.auth.roleClaim, config_.auth.adminValue,
                         config_.auth.staffValue},
        clock_);

    http::registerHealthRoutes(router_, readiness_);
    http::registerOpenApiRoute(router_);
    http::registerVenueRoutes(router_, *catalog_);
    http::registerEventRoutes(router_, *catalog_);
    http::registerShowRoutes(router_, *catalog_);
    http::registerSeatMapRoutes(router_, *seatmaps_, renderer_);
    seatmapFeedMetrics_ = std::make_unique<metrics::SeatMapFeedMetrics>(*metrics_->registry());
    SeatMapFeedSettings feed;
    feed.interval = config_.seatmapEventsInterval;
    feed.heartbeat = config_.seatmapEventsHeartbeat;
    feed.budgetBytesPerSecond = config_.seatmapEventsBudget;
    // The hold store itself, not the seat map's cache: one read per watched show per interval.
    seatmapFeed_ = std::make_unique<SeatMapFeed>(
        [this](const ShowSeating& s) { return inventory_->snapshot(s.show.id, *s.seats, clock_.nowMs()); }, renderer_,
        seatmapFeedMetrics_.get(), feed, util::randomHex(8));
    http::registerSeatMapEventRoutes(router_, *seatmaps_, *seatmapFeed_);
    http::registerWaitingRoomRoutes(router_, *catalog_, *waitingRoom_);
    http::IdempotencySettings idempotency;
    idempotency.lease = config_.booking.idempotencyLease;
    http::registerBookingRoutes(router_, *booking_, holdIdempotency_ ? *holdIdempotency_ : *idempotency_, *idempotency_,
                                clock_, ids_, idempotency, /*clientConfirms=*/!config_.payments.stripe());
    http::registerPaymentRoutes(router_, *payments_, *idempotency_, clock_, ids_, idempotency);
    http::registerRefundRoutes(router_, *refunds_, *idempotency_, clock_, ids_, idempotency);
    http::registerTicketRoutes(router_, *tickets_, ticketSigner_->publicJwk());

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
    auto server = serverOptions(config_.http);
    server.streams.backlogBytes = config_.seatmapEventsBacklog;
    server_ = std::make_unique<http::Server>(std::move(server), *pipeline_);
    if (config_.outbox.enabled() && config_.outbox.relayInServe)
        outbox_ = std::make_unique<OutboxPublishing>(config_, *metrics_, clock_);
}

Application::~Application() {
    stopComponents();
}

// Started in order, the listener last: the first request finds everything behind it running.
void Application::start() {
    metricsServer_ = std::make_unique<metrics::MetricsServer>(
        config_.metrics.address, config_.metrics.port,
        std::vector<std::shared_ptr<prometheus::Collectable>>{metrics_->registry(),
                                                              std::make_shared<metrics::ProcessCollector>()});
    sampler_->start();
    sweeper_->start();
    refundRetrier_->start();
    holdStoreRepair_->start();
    seatmapFeed_->start();
    if (outbox_) outbox_->start();
    server_->start();
    log::info("listening", {{"address", config_.http.address},
                            {"port", server_->port()},
                            {"metricsPort", metricsServer_->port()},
                            {"database", config_.database.embedded() ? "sqlite (embedded)" : "postgresql"},
                            {"holds", config_.redis.url.empty() ? "in-process" : "redis"}});
}

// The reverse order; each stop is safe to repeat (drainAndStop, then the destructor).
void Application::stopComponents() {
    server_->stop();  // every stream stops with its connection
    seatmapFeed_->stop();
    waitingRoom_->stop();
    holdStoreRepair_->stop();
    refundRetrier_->stop();
    sweeper_->stop();
    // After the last request: what they wrote to the outbox still gets a chance to go out.
    if (outbox_) outbox_->stop();
    sampler_->stop();
    metricsServer_.reset();
}

void Application::drainAndStop() {
    readiness_.startDraining();
    log::info("draining", {{"graceMs", config_.shutdownGrace.count()}});
    // Load balancers need a few probe periods to see the 503 before the listener goes away.
    std::this_thread::sleep_for(config_.shutdownGrace);
    if (!server_->waitIdle(config_.shutdownTimeout)) log::warn("stopping with requests still in flight");
    stopComponents();
    log::info("stopped");
}

}  // namespace boxoffice::app
