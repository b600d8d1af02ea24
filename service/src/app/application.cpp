#include "app/application.hpp"

#include "http/handlers/routes.hpp"
#include "storage/memory/memory_hold_store.hpp"
#include "storage/redis/redis_hold_store.hpp"
#include "storage/sql/migrator.hpp"
#include "storage/sql/sql_idempotency_store.hpp"
#include "storage/sql/sql_order_repository.hpp"
#include "util/log.hpp"

namespace boxoffice::app {

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
    db_ = openDatabase(config_.database);
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
    orderRepo_ = std::make_unique<sql::SqlOrderRepository>(*db_);
    idempotency_ = std::make_unique<sql::SqlIdempotencyStore>(*db_);

    if (config_.redis.url.empty()) {
        holdStore_ = std::make_unique<memory::MemoryHoldStore>();
    } else {
        std::string err;
        auto endpoint = redis::parseRedisUrl(config_.redis.url, err);
        if (!endpoint) throw std::runtime_error("BOXOFFICE_REDIS_URL: " + err);
        redis::RedisOptions ro;
        ro.endpoint = *endpoint;
        ro.connectTimeout = config_.redis.connectTimeout;
        ro.commandTimeout = config_.redis.commandTimeout;
        ro.caFile = config_.redis.caFile;
        redisPool_ = std::make_unique<redis::RedisPool>(ro, config_.redis.poolSize, config_.redis.poolWait);
        redisBatcher_ = std::make_unique<redis::RedisBatcher>(ro, config_.redis.pipelines);
        auto store = std::make_unique<redis::RedisHoldStore>(*redisPool_);
        store->useBatcher(redisBatcher_.get());
        holdStore_ = std::move(store);
        readiness_.addCheck(
            {"redis", [this]() -> Result<void> {
                 auto reply = redisPool_->call({"PING"});
                 if (!reply) return std::move(reply).error();
                 if (reply->type == redis::Reply::Type::Error)
                     return Error{ErrorCode::DependencyUnavailable, "redis unavailable", {}, {}, reply->str};
                 return {};
             }});
    }
    inventory_ = std::make_unique<Inventory>(*holdStore_, *orderRepo_);

    catalog_ = std::make_unique<CatalogService>(*catalogRepo_, clock_, ids_);
    seatmaps_ = std::make_unique<SeatMapService>(*catalogRepo_, *inventory_, clock_, config_.seatmapShowTtl,
                                                 config_.seatmapAvailabilityTtl);
    BookingSettings settings{config_.booking.maxSeatsPerHold, config_.booking.maxSeatsPerUser, config_.booking.holdTtl,
                             config_.booking.paymentWindow};
    booking_ = std::make_unique<BookingService>(*seatmaps_, *inventory_, *orderRepo_, clock_, ids_, settings);
    jwt_ = std::make_unique<auth::JwtCodec>(config_.jwtSecret, clock_);

    http::registerHealthRoutes(router_, readiness_);
    http::registerOpenApiRoute(router_);
    http::registerVenueRoutes(router_, *catalog_);
    http::registerEventRoutes(router_, *catalog_);
    http::registerShowRoutes(router_, *catalog_);
    http::registerSeatMapRoutes(router_, *seatmaps_, renderer_);
    http::registerBookingRoutes(router_, *booking_, *idempotency_, clock_);

    server_ = std::make_unique<HttpServer>(config_.http, router_, *jwt_);
}

Application::~Application() {
    {
        std::lock_guard lock(sweepMu_);
        stopping_ = true;
    }
    sweepCv_.notify_all();
    if (sweeper_.joinable()) sweeper_.join();
    server_->stop();
}

void Application::start() {
    server_->start();
    sweeper_ = std::thread([this] { sweepLoop(); });
    log::info("listening", {{"address", config_.http.address},
                            {"port", server_->port()},
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
        // Full batches mean a backlog: keep going until it is drained.
        for (int round = 0; round < 100; ++round) {
            auto n = booking_->sweep(kBatch);
            if (!n) {
                log::warn("order sweep failed", {{"error", n.error().detail}, {"internal", n.error().internal}});
                break;
            }
            if (*n > 0) log::info("orders expired", {{"count", *n}});
            if (*n < kBatch) break;
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
    {
        std::lock_guard lock(sweepMu_);
        stopping_ = true;
    }
    sweepCv_.notify_all();
    if (sweeper_.joinable()) sweeper_.join();
    log::info("stopped");
}

}  // namespace boxoffice::app
