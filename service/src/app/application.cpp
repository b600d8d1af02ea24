#include "app/application.hpp"

#include <thread>

#include "http/handlers/routes.hpp"
#include "storage/sql/migrator.hpp"
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

Application::Application(Config config) : config_(std::move(config)) {
    db_ = openDatabase(config_.database);
    sql::Migrator migrator(*db_, sql::embeddedMigrations());
    if (config_.autoMigrate) {
        auto applied = migrator.up();
        if (!applied) throw std::runtime_error("migration failed: " + applied.error().detail + " " + applied.error().internal);
        if (*applied > 0) log::info("migrations applied", {{"count", *applied}});
    } else {
        auto pending = migrator.pending();
        if (!pending) throw std::runtime_error("cannot read the schema version: " + pending.error().detail);
        if (*pending > 0)
            throw std::runtime_error(std::to_string(*pending) + " migration(s) pending: run `boxoffice migrate up` first");
    }
    readiness_.addCheck({"database", [this] { return db_->ping(); }});

    if (!config_.redis.url.empty()) {
        std::string err;
        auto endpoint = redis::parseRedisUrl(config_.redis.url, err);
        if (!endpoint) throw std::runtime_error("BOXOFFICE_REDIS_URL: " + err);
        redis::RedisOptions ro;
        ro.endpoint = *endpoint;
        ro.connectTimeout = config_.redis.connectTimeout;
        ro.commandTimeout = config_.redis.commandTimeout;
        ro.caFile = config_.redis.caFile;
        redisProbe_ = std::make_unique<redis::RedisConnection>(ro);
        readiness_.addCheck({"redis", [this]() -> Result<void> {
                                 std::lock_guard lock(redisProbeMu_);
                                 auto reply = redisProbe_->command({"PING"});
                                 if (!reply) return std::move(reply).error();
                                 if (reply->type == redis::Reply::Type::Error)
                                     return Error{ErrorCode::DependencyUnavailable, "redis unavailable", {}, {}, reply->str};
                                 return {};
                             }});
    }

    catalogRepo_ = std::make_unique<sql::SqlCatalogRepository>(*db_);
    catalog_ = std::make_unique<CatalogService>(*catalogRepo_, clock_, ids_);
    seatmaps_ = std::make_unique<SeatMapService>(*catalogRepo_, seatStatus_, clock_, config_.seatmapShowTtl);
    jwt_ = std::make_unique<auth::JwtCodec>(config_.jwtSecret, clock_);

    http::registerHealthRoutes(router_, readiness_);
    http::registerVenueRoutes(router_, *catalog_);
    http::registerEventRoutes(router_, *catalog_);
    http::registerShowRoutes(router_, *catalog_);
    http::registerSeatMapRoutes(router_, *seatmaps_, renderer_);

    server_ = std::make_unique<HttpServer>(config_.http, router_, *jwt_);
}

Application::~Application() { server_->stop(); }

void Application::start() {
    server_->start();
    log::info("listening", {{"address", config_.http.address},
                            {"port", server_->port()},
                            {"database", config_.database.embedded() ? "sqlite (embedded)" : "postgresql"},
                            {"redis", config_.redis.url.empty() ? "none" : "configured"}});
}

void Application::drainAndStop() {
    readiness_.startDraining();
    log::info("draining", {{"graceMs", config_.shutdownGrace.count()}});
    // Load balancers need a few probe periods to see the 503 before the listener goes away.
    std::this_thread::sleep_for(config_.shutdownGrace);
    if (!server_->waitIdle(config_.shutdownTimeout)) log::warn("stopping with requests still in flight");
    server_->stop();
    log::info("stopped");
}

}  // namespace boxoffice::app
