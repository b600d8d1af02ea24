#pragma once
// The real application on port 0, on a fresh database, for HTTP tests over real sockets.
#include <memory>
#include <string>

#include "app/application.hpp"
#include "support/http_client.hpp"

namespace boxoffice::testing {

/// Sqlite: the embedded default (SQLite + in-process holds). Postgres: PostgreSQL + in-process
/// holds. PostgresRedis: the deployed stack (PostgreSQL + Redis).
enum class Backend { Sqlite, Postgres, PostgresRedis };

std::string backendName(Backend b);

class TestApp {
public:
    /// Starts the application on a fresh SQLite file or PostgreSQL database (migrated by the app).
    /// `tweak` may adjust the configuration before start.
    explicit TestApp(Backend backend, const std::function<void(app::Config&)>& tweak = {},
                     const Clock* clock = nullptr);
    ~TestApp();

    int port() const { return app_->port(); }
    app::Application& app() { return *app_; }
    HttpClient client() const { return HttpClient(app_->port()); }

    std::string adminToken() const;
    std::string userToken(const std::string& userId = "user-1") const;

    static const char* secret() { return "test-secret-0123456789-0123456789-abcdef"; }

private:
    std::unique_ptr<app::Application> app_;
};

}  // namespace boxoffice::testing
