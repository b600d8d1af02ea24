#include "support/test_app.hpp"

#include "app/schema.hpp"
#include "support/test_env.hpp"

namespace boxoffice::testing {

std::string backendName(Backend b) {
    switch (b) {
        case Backend::Sqlite:
            return "Sqlite";
        case Backend::Postgres:
            return "Postgres";
        case Backend::PostgresRedis:
            return "PostgresRedis";
    }
    return "Unknown";
}

TestApp::TestApp(Backend backend, const std::function<void(app::Config&)>& tweak, const Clock* clock) {
    auto config = app::Config::fromEnv([](const char*) -> const char* { return nullptr; });
    if (!config) throw std::runtime_error("default config invalid");
    app::Config c = std::move(config).value();
    c.http.address = "127.0.0.1";
    c.http.port = 0;
    c.http.threads = 2;
    c.metrics.address = "127.0.0.1";
    c.metrics.port = 0;
    c.jwtSecret = secret();
    c.jwtSecretIsDevDefault = false;
    c.autoMigrate = true;
    c.shutdownGrace = std::chrono::milliseconds(0);
    c.database.poolSize = 4;
    if (backend == Backend::Sqlite) {
        c.database.url = tempSqliteUrl("app");
    } else {
        c.database.url = createPgDatabase("app");
    }
    if (backend == Backend::PostgresRedis) c.redis.url = TestEnv::get().redisUrl;
    // Every test comes from 127.0.0.1, and tests running in parallel share user names ("alice") on
    // the shared Redis: the rate limits stay on, with budgets no test reaches unless it sets its own.
    for (auto& b : c.rateLimit.budgets)
        b = {{1'000'000, std::chrono::seconds(1)}, {1'000'000, std::chrono::seconds(1)}};
    if (tweak) tweak(c);
    auto db = app::openDatabase(c.database);
    app::prepareSchema(*db, c.autoMigrate);
    app_ = std::make_unique<app::Application>(c, std::move(db), clock);
    app_->start();
}

TestApp::~TestApp() {
    if (app_) app_->drainAndStop();
}

std::string TestApp::adminToken() const {
    static SystemClock clock;
    auth::JwtCodec jwt(secret(), clock);
    return jwt.mint({"admin-1", auth::Role::Admin, std::chrono::seconds(3600)});
}

std::string TestApp::userToken(const std::string& userId) const {
    static SystemClock clock;
    auth::JwtCodec jwt(secret(), clock);
    return jwt.mint({userId, auth::Role::User, std::chrono::seconds(3600)});
}

}  // namespace boxoffice::testing
