#pragma once
// The composition root of `boxoffice serve`: builds clients, stores, services, routes and the
// HTTP server from one Config, in dependency order. main() and the HTTP tests both use it.
#include <memory>

#include "admission/rate_limiter.hpp"
#include "admission/show_rate_limit_cache.hpp"
#include "admission/waiting_room_service.hpp"
#include "app/config.hpp"
#include "app/hold_store_repair.hpp"
#include "app/order_sweeper.hpp"
#include "app/refund_retrier.hpp"
#include "app/seatmap_feed.hpp"
#include "app/outbox_publishing.hpp"
#include "auth/jwks_source.hpp"
#include "auth/jwt.hpp"
#include "auth/jwt_verifier.hpp"
#include "domain/booking_service.hpp"
#include "domain/catalog_service.hpp"
#include "domain/inventory.hpp"
#include "domain/payment_service.hpp"
#include "domain/reconciler.hpp"
#include "domain/refund_service.hpp"
#include "domain/seatmap_service.hpp"
#include "domain/ticket_service.hpp"
#include "http/pipeline.hpp"
#include "http/rate_limit_gate.hpp"
#include "http/readiness.hpp"
#include "http/router.hpp"
#include "http/seatmap_renderer.hpp"
#include "http/server.hpp"
#include "metrics/http_metrics.hpp"
#include "metrics/metrics.hpp"
#include "metrics/metrics_server.hpp"
#include "metrics/payment_metrics.hpp"
#include "metrics/rate_limit_metrics.hpp"
#include "metrics/state_sampler.hpp"
#include "metrics/waiting_room_metrics.hpp"
#include "storage/redis/redis_batcher.hpp"
#include "storage/redis/redis_pool.hpp"
#include "storage/sql/database.hpp"
#include "storage/sql/sql_catalog_repository.hpp"
#include "storage/sql/sql_idempotency_store.hpp"
#include "storage/sql/sql_late_sale_store.hpp"
#include "storage/sql/sql_payment_store.hpp"
#include "storage/sql/sql_ticket_store.hpp"
#include "tickets/ed25519_ticket_signer.hpp"
#include "util/random_id.hpp"
#include "util/time_zones.hpp"

namespace boxoffice::app {

class Application {
public:
    /// The composition root: wires everything over `db` (opened by openDatabase, its schema
    /// prepared by prepareSchema, app/schema.hpp) and prepares the Redis connections when
    /// configured; nothing runs until start(). Throws std::runtime_error with a clear message when
    /// a setting is unusable. `clock` may be injected by tests.
    Application(Config config, std::unique_ptr<sql::Database> db, const Clock* clock = nullptr);
    ~Application();

    /// Starts the components in order: the metrics listener, the metrics sampler, the order
    /// sweeper, the refund retrier, the hold store's repair, the live seat map's feed, the outbox
    /// relay (when configured), the listener.
    void start();
    int port() const { return server_->port(); }
    /// The port of GET /metrics (after start()).
    int metricsPort() const { return metricsServer_ ? metricsServer_->port() : 0; }
    metrics::Metrics& metrics() { return *metrics_; }
    metrics::StateSampler& metricsSampler() { return *sampler_; }
    SeatMapFeed& seatmapFeed() { return *seatmapFeed_; }
    /// SIGTERM path: readiness fails first, then after the grace period the listener closes once
    /// in-flight requests finish (at most shutdownTimeout).
    void drainAndStop();

    sql::Database& database() { return *db_; }
    CatalogService& catalog() { return *catalog_; }
    BookingService& booking() { return *booking_; }
    const tickets::Ed25519TicketSigner& ticketSigner() const { return *ticketSigner_; }
    HoldStore& holdStore() { return *holdStore_; }
    admission::WaitingRoomService& waitingRoom() { return *waitingRoom_; }
    admission::QueueStore& queueStore() { return *queueStore_; }
    /// The outbox relay of this process, or nullptr when publishing is off.
    OutboxPublishing* outbox() { return outbox_.get(); }
    const http::Router& router() const { return router_; }
    const Config& config() const { return config_; }

private:
    void stopComponents();

    Config config_;
    SystemClock systemClock_;
    const Clock& clock_;
    util::RandomIdGenerator ids_;
    util::ZoneinfoTimeZones timeZones_{util::zoneinfoDirectory()};
    std::unique_ptr<metrics::Metrics> metrics_;
    std::unique_ptr<sql::Database> db_;
    std::unique_ptr<sql::SqlCatalogRepository> catalogRepo_;
    // The SQL and hold-store adapters, and the metered decorators everything else uses.
    std::unique_ptr<OrderRepository> sqlOrderRepo_;
    std::unique_ptr<OrderRepository> orderRepo_;
    std::unique_ptr<sql::SqlIdempotencyStore> sqlIdempotency_;  // typed: the sweeper clears its dead claims
    std::unique_ptr<IdempotencyStore> idempotency_;
    // Idempotency-Keys of holds live where the holds are (Redis), or in SQL on the embedded default.
    std::unique_ptr<IdempotencyStore> rawHoldIdempotency_;
    std::unique_ptr<IdempotencyStore> holdIdempotency_;
    std::unique_ptr<redis::RedisHealth> redisHealth_;
    std::unique_ptr<redis::RedisPool> redisPool_;
    std::unique_ptr<HoldStore> rawHoldStore_;
    std::unique_ptr<HoldStore> holdStore_;
    std::unique_ptr<Inventory> inventory_;
    std::unique_ptr<sql::SqlPaymentStore> paymentStore_;  // before the reconciler, which reads its refunds
    std::unique_ptr<Reconciler> reconciler_;
    std::unique_ptr<HoldStoreRepair> holdStoreRepair_;
    std::unique_ptr<CatalogService> catalog_;
    std::unique_ptr<SeatMapService> seatmaps_;
    std::unique_ptr<tickets::Ed25519TicketSigner> ticketSigner_;
    std::unique_ptr<BookingService> booking_;
    std::unique_ptr<sql::SqlTicketStore> ticketStore_;
    std::unique_ptr<TicketService> tickets_;
    std::unique_ptr<OrderSweeper> sweeper_;
    std::unique_ptr<sql::SqlLateSaleStore> lateSales_;
    std::unique_ptr<PaymentProvider> paymentProvider_;
    std::unique_ptr<WebhookVerifier> webhookVerifier_;  // the configured provider's
    std::unique_ptr<metrics::PaymentMetrics> paymentMetrics_;
    std::unique_ptr<PaymentService> payments_;
    std::unique_ptr<RefundPolicyStore> refundPolicies_;
    std::unique_ptr<RefundService> refunds_;
    std::unique_ptr<RefundRetrier> refundRetrier_;
    http::SeatMapRenderer renderer_;
    std::unique_ptr<metrics::SeatMapFeedMetrics> seatmapFeedMetrics_;
    std::unique_ptr<SeatMapFeed> seatmapFeed_;  // outlives the server: its streams stop with the connections
    http::Readiness readiness_;
    http::Router router_;
    std::unique_ptr<auth::JwtCodec> jwt_;     // HS256, when BOXOFFICE_JWT_SECRET is set
    std::unique_ptr<auth::JwksSource> jwks_;  // when BOXOFFICE_JWKS_FILE / _URL is set
    std::unique_ptr<auth::JwtVerifier> verifier_;
    std::unique_ptr<metrics::HttpMetrics> httpMetrics_;
    std::unique_ptr<sql::SqlMetricsQueries> metricsQueries_;
    std::unique_ptr<metrics::StateSampler> sampler_;
    std::unique_ptr<metrics::MetricsServer> metricsServer_;
    // Rate limits (admission/): the store (Redis or in process), the shows' overrides, the gate.
    std::unique_ptr<redis::RedisHealth> rateLimitHealth_;
    std::unique_ptr<admission::RateLimiter> rateLimiter_;
    std::unique_ptr<admission::ShowRateLimitRepository> showRateLimitRepo_;
    std::unique_ptr<metrics::RateLimitMetrics> rateLimitMetrics_;
    std::unique_ptr<admission::ShowRateLimitCache> showRateLimits_;
    std::unique_ptr<http::RateLimitGate> rateLimitGate_;
    // The waiting room (admission/): settings in SQL behind a cache, the queue in Redis or in process.
    std::unique_ptr<admission::WaitingRoomRepository> waitingRoomRepo_;
    std::unique_ptr<admission::WaitingRoomCache> waitingRooms_;
    std::unique_ptr<admission::QueueStore> queueStore_;
    std::unique_ptr<admission::AdmissionTokens> admissionTokens_;
    std::unique_ptr<metrics::WaitingRoomMetrics> waitingRoomMetrics_;
    std::unique_ptr<admission::WaitingRoomService> waitingRoom_;
    std::unique_ptr<http::Pipeline> pipeline_;
    std::unique_ptr<http::Server> server_;
    std::unique_ptr<OutboxPublishing> outbox_;  // when BOXOFFICE_SQS_QUEUE_URL is set
    // Destroyed before the server: a batched hold still in flight answers while its handler lives.
    std::unique_ptr<redis::RedisBatcher> redisBatcher_;
    // The rate limiter's, destroyed first: a check still queued answers into a live pipeline,
    // and the hold it lets through reaches a live hold batcher.
    std::unique_ptr<redis::RedisBatcher> rateLimitBatcher_;
};

/// Opens the configured database with the configured pool and deadlines.
std::unique_ptr<sql::Database> openDatabase(const DatabaseConfig& config);

}  // namespace boxoffice::app
