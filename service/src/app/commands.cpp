#include "app/commands.hpp"

#include <csignal>
#include <cstdlib>
#include <iostream>
#include <pthread.h>
#include <unistd.h>

#include "app/application.hpp"
#include "app/schema.hpp"
#include "app/demo_seed.hpp"
#include "app/outbox_publishing.hpp"
#include "metrics/build_info.hpp"
#include "metrics/metrics_server.hpp"
#include "metrics/process_collector.hpp"
#include "metrics/state_sampler.hpp"
#include "storage/sql/sql_metrics_queries.hpp"
#include "util/rfc3339.hpp"
#include "storage/sql/migrator.hpp"
#include "storage/sql/sql_catalog_repository.hpp"
#include "util/log.hpp"

namespace boxoffice::app {
namespace {

std::optional<Config> loadConfig() {
    auto config = Config::fromEnv([](const char* name) { return std::getenv(name); });
    if (!config) {
        std::cerr << "boxoffice: invalid configuration:\n";
        for (const auto& f : config.error().fields) std::cerr << "  " << f.field << ": " << f.message << "\n";
        return std::nullopt;
    }
    log::Level level{};
    if (log::parseLevel(config->logLevel, level)) log::setMinLevel(level);
    return std::move(config).value();
}

// Before the configuration is checked: a misspelt name often explains the error that follows.
void warnUnknownSettings() {
    std::vector<std::string> present;
    for (char** e = environ; e && *e; ++e) {
        const std::string_view entry(*e);
        present.emplace_back(entry.substr(0, entry.find('=')));
    }
    for (const auto& warning : unknownSettingWarnings(present)) log::warn(warning);
}

}  // namespace

int runServe() {
    warnUnknownSettings();
    auto config = loadConfig();
    if (!config) return 2;
    if (config->jwtSecretIsDevDefault)
        log::warn("BOXOFFICE_JWT_SECRET is not set: using the development secret (embedded mode only)");

    // Signals are taken synchronously by sigwait below: block them before any thread starts.
    sigset_t signals;
    sigemptyset(&signals);
    sigaddset(&signals, SIGTERM);
    sigaddset(&signals, SIGINT);
    pthread_sigmask(SIG_BLOCK, &signals, nullptr);
    std::signal(SIGPIPE, SIG_IGN);

    std::unique_ptr<Application> application;
    try {
        auto db = openDatabase(config->database);
        prepareSchema(*db, config->autoMigrate);
        application = std::make_unique<Application>(*config, std::move(db));
        application->start();
    } catch (const std::exception& e) {
        log::error("start-up failed", {{"error", e.what()}});
        std::cerr << "boxoffice: " << e.what() << "\n";
        return 1;
    }
    int sig = 0;
    sigwait(&signals, &sig);
    log::info("signal received", {{"signal", sig == SIGTERM ? "SIGTERM" : "SIGINT"}});
    application->drainAndStop();
    return 0;
}

int runRelay() {
    warnUnknownSettings();
    auto config = loadConfig();
    if (!config) return 2;
    if (!config->outbox.enabled()) {
        std::cerr << "boxoffice relay: BOXOFFICE_SQS_QUEUE_URL is not set\n";
        return 2;
    }
    sigset_t signals;
    sigemptyset(&signals);
    sigaddset(&signals, SIGTERM);
    sigaddset(&signals, SIGINT);
    pthread_sigmask(SIG_BLOCK, &signals, nullptr);
    std::signal(SIGPIPE, SIG_IGN);

    SystemClock clock;
    metrics::Metrics metrics(metrics::buildVersion(), metrics::buildCommit());
    std::unique_ptr<OutboxPublishing> outbox;
    std::unique_ptr<sql::SqlMetricsQueries> queries;
    std::unique_ptr<metrics::MetricsServer> metricsServer;
    try {
        {
            auto db = openDatabase(config->database);
            prepareSchema(*db, config->autoMigrate);
        }
        // No state sampler runs here: the relay samples the outbox gauges itself.
        config->outbox.relay.sampleInterval = config->metrics.sampleInterval;
        outbox = std::make_unique<OutboxPublishing>(
            *config, metrics, clock, [&] { metrics::StateSampler::sampleOutbox(metrics, *queries, clock.nowMs()); });
        queries = std::make_unique<sql::SqlMetricsQueries>(outbox->database());
        metricsServer = std::make_unique<metrics::MetricsServer>(
            config->metrics.address, config->metrics.port,
            std::vector<std::shared_ptr<prometheus::Collectable>>{metrics.registry(),
                                                                  std::make_shared<metrics::ProcessCollector>()});
        outbox->start();
        log::info("relay running", {{"metricsPort", metricsServer->port()}});
    } catch (const std::exception& e) {
        log::error("start-up failed", {{"error", e.what()}});
        std::cerr << "boxoffice relay: " << e.what() << "\n";
        return 1;
    }
    int sig = 0;
    sigwait(&signals, &sig);
    log::info("signal received", {{"signal", sig == SIGTERM ? "SIGTERM" : "SIGINT"}});
    outbox->stop();
    log::info("stopped");
    return 0;
}

int runMigrate(MigrateAction action, int steps) {
    auto config = loadConfig();
    if (!config) return 2;
    try {
        auto db = openDatabase(config->database);
        sql::Migrator migrator(*db, sql::embeddedMigrations());
        if (action == MigrateAction::Status) {
            auto st = migrator.status();
            if (!st) throw std::runtime_error(st.error().detail + " " + st.error().internal);
            for (const auto& m : *st) {
                std::cout << (m.applied ? (m.checksumMismatch ? "CHANGED " : "applied ") : "pending ") << m.version
                          << " " << m.name;
                if (m.applied) std::cout << " at " << formatRfc3339(m.appliedAtMs);
                std::cout << "\n";
            }
            return 0;
        }
        auto n = action == MigrateAction::Up ? migrator.up() : migrator.down(steps);
        if (!n)
            throw std::runtime_error(n.error().detail +
                                     (n.error().internal.empty() ? "" : " (" + n.error().internal + ")"));
        std::cout << (action == MigrateAction::Up ? "applied " : "reverted ") << *n << " migration(s)\n";
        return 0;
    } catch (const std::exception& e) {
        std::cerr << "boxoffice migrate: " << e.what() << "\n";
        return 1;
    }
}

int runSeedDemo(int seats) {
    auto config = loadConfig();
    if (!config) return 2;
    try {
        auto db = openDatabase(config->database);
        prepareSchema(*db, config->autoMigrate);
        sql::SqlCatalogRepository repo(*db);
        SystemClock clock;
        util::RandomIdGenerator ids;
        auto result = seedDemo(repo, clock, ids, seats);
        if (!result)
            throw std::runtime_error(result.error().detail +
                                     (result.error().internal.empty() ? "" : " (" + result.error().internal + ")"));
        std::cerr << (result->created ? "created" : "reopened") << " demo: " << seatCount(result->venue.layout)
                  << "-seat venue " << result->venue.id.str() << ", event " << result->event.id.str() << "\n";
        std::cout << result->show.id.str() << "\n";
        return 0;
    } catch (const std::exception& e) {
        std::cerr << "boxoffice seed: " << e.what() << "\n";
        return 1;
    }
}

int runToken(auth::TokenSpec spec, int count) {
    auto config = loadConfig();
    if (!config) return 2;
    if (config->jwtSecret.empty()) {
        std::cerr << "boxoffice token: BOXOFFICE_JWT_SECRET is not set (HS256 tokens are off; use your identity "
                     "provider's)\n";
        return 2;
    }
    // The service checks iss/aud of every token when they are configured, its own included.
    const std::string issuer = config->auth.issuer;
    const std::string audience = config->auth.audiences.empty() ? "" : config->auth.audiences.front();
    SystemClock clock;
    auth::JwtCodec jwt(config->jwtSecret, clock);
    if (count == 0) {
        std::cout << jwt.mint(spec, issuer, audience) << "\n";
        return 0;
    }
    // Many users at once (load tests): ID-1 .. ID-N, one token per line.
    const std::string prefix = spec.userId;
    std::string out;
    for (int n = 1; n <= count; ++n) {
        spec.userId = prefix + "-" + std::to_string(n);
        out += jwt.mint(spec, issuer, audience);
        out += '\n';
    }
    std::cout << out;
    return 0;
}

}  // namespace boxoffice::app
