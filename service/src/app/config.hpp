#pragma once
// The one configuration struct, loaded from BOXOFFICE_* environment variables and validated at
// start-up. Every duration has a deadline: 0 never means "forever".
#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "admission/rate_limit_policy.hpp"
#include "domain/refund_policy.hpp"
#include "domain/result.hpp"
#include "messaging/aws_credentials.hpp"
#include "messaging/outbox_relay.hpp"

namespace boxoffice::app {

using std::chrono::milliseconds;

struct HttpConfig {
    std::string address = "0.0.0.0";
    int port = 8080;  // 0: pick a free port (tests)
    int threads = 2;
    std::size_t maxBodyBytes = 64 * 1024;
    std::size_t maxHeaderBytes = 16 * 1024;  // the header section; the request line has 8 KiB of its own
    milliseconds headerTimeout{10'000};
    milliseconds bodyTimeout{30'000};
    milliseconds keepaliveTimeout{75'000};  // above the ALB's 60 s idle timeout
    double accessLogSample = 1.0;           // share of successful requests logged (errors always)
    int fastWorkers = 8;                    // threads for Redis-only routes (holds, seat maps)
    int databaseWorkers = 16;               // threads for routes that use the database
    std::size_t queueCapacity = 20000;      // requests waiting per lane before 503 "overloaded"
    std::vector<std::string> corsOrigins;   // browser origins allowed to call the API; none: CORS off
    bool corsAllowCredentials = false;      // Access-Control-Allow-Credentials (never with "*")
};

struct DatabaseConfig {
    std::string url;  // empty: embedded SQLite at sqlitePath
    std::string sqlitePath = "boxoffice.db";
    int poolSize = 8;
    milliseconds poolWait{2'000};
    milliseconds connectTimeout{3'000};
    milliseconds statementTimeout{5'000};
    // PostgreSQL: prepared statements for the order repository (false behind PgBouncer in
    // transaction mode or RDS Proxy).
    bool preparedStatements = true;
    bool embedded() const { return url.empty(); }
    std::string effectiveUrl() const { return url.empty() ? "sqlite3://" + sqlitePath : url; }
};

struct RedisConfig {
    std::string url;  // empty: in-process hold store
    milliseconds connectTimeout{1'000};
    milliseconds commandTimeout{500};
    std::string caFile;
    int poolSize = 16;
    milliseconds poolWait{500};
    int pipelines = 2;  // connections that pipeline concurrent holds
};

struct BookingConfig {
    milliseconds holdTtl{10 * 60 * 1000};
    milliseconds paymentWindow{5 * 60 * 1000};
    int maxSeatsPerHold = 10;
    int maxSeatsPerUser = 10;               // per show, across holds and orders
    milliseconds sweepInterval{1'000};      // how often pending orders past their window are expired
    milliseconds reconcileInterval{1'000};  // how often the hold store is checked against SQL
    milliseconds idempotencyLease{10'000};  // how long an unanswered Idempotency-Key claim blocks retries
};

struct MetricsConfig {
    std::string address = "0.0.0.0";
    int port = 9464;                     // GET /metrics, on a listener of its own; 0 picks a free one
    milliseconds sampleInterval{1'000};  // seats per show, outbox, sweeper lag, pools, dependency checks
};

/// Publishing the outbox to SQS: on when queueUrl is set.
struct OutboxConfig {
    std::string queueUrl;  // a ".fifo" URL is a FIFO queue
    std::string endpoint;  // empty: scheme://host of queueUrl (override for VPC endpoints, moto)
    std::string region;    // BOXOFFICE_SQS_REGION, else AWS_REGION / AWS_DEFAULT_REGION, else the queue URL's
    bool relayInServe = true;
    milliseconds connectTimeout{2'000};
    milliseconds requestTimeout{5'000};
    int poolSize = 2;  // the relay's own database connections, apart from the request path's
    messaging::RelaySettings relay;
    messaging::AwsCredentialSettings aws;  // AWS_* variables
    bool enabled() const { return !queueUrl.empty(); }
};

/// Bearer tokens: HS256 with the shared secret (Config::jwtSecret), and/or RS256 / ES256 tokens of an
/// OpenID Connect provider verified against its JWKS (a file or a URL).
struct AuthConfig {
    std::string jwksFile;
    std::string jwksUrl;
    std::string issuer;                  // required `iss` when set
    std::vector<std::string> audiences;  // BOXOFFICE_JWT_AUDIENCE, comma-separated; `aud` must hold one
    std::string roleClaim = "role";
    std::string adminValue = "admin";
    std::string staffValue = "staff";
    milliseconds jwksRefreshInterval{300'000};
    milliseconds jwksMinRefreshInterval{30'000};  // fastest reload on unknown `kid`s
    milliseconds jwksTimeout{3'000};              // whole fetch of JWKS_URL
    bool jwksEnabled() const { return !jwksFile.empty() || !jwksUrl.empty(); }
};

/// Payments: the built-in dev provider (default) or Stripe.
struct PaymentsConfig {
    std::string provider = "dev";  // BOXOFFICE_PAYMENTS_PROVIDER: dev | stripe
    // BOXOFFICE_PAYMENTS_DEV_WEBHOOK_SECRET: signs the dev provider's callbacks. Empty: one generated
    // per process at start (logged as a warning; callbacks then need the tests' or operator's secret).
    std::string devWebhookSecret;
    std::string stripeApiBase = "https://api.stripe.com";  // BOXOFFICE_STRIPE_API_BASE (a local fake in tests)
    std::string stripeSecretKey;                           // BOXOFFICE_STRIPE_SECRET_KEY(_FILE)
    // BOXOFFICE_STRIPE_WEBHOOK_SECRETS (comma list, every one accepted: rotation) and/or
    // BOXOFFICE_STRIPE_WEBHOOK_SECRET(_FILE).
    std::vector<std::string> stripeWebhookSecrets;
    milliseconds webhookTolerance{300'000};  // BOXOFFICE_PAYMENTS_WEBHOOK_TOLERANCE
    milliseconds stripeConnectTimeout{2'000};
    milliseconds stripeTimeout{10'000};  // per attempt
    int stripeMaxAttempts = 3;
    // BOXOFFICE_REFUND_RETRY_INTERVAL / _AGE: how often refunds left pending (the provider call
    // failed and nobody asked again) are completed, and how old they must be (longer than a
    // request's own attempts at the provider: stripeTimeout x stripeMaxAttempts and the pauses).
    milliseconds refundRetryInterval{30'000};
    milliseconds refundRetryAge{120'000};
    // BOXOFFICE_REFUND_POLICY: what a buyer's refund gives back by time before the show, for shows
    // without a policy of their own ("7d:100,24h:50": all until 7 days before, half until 24 hours
    // before, nothing after; "none": never).
    RefundPolicy refundPolicy{{{std::chrono::hours(24 * 7), 100}, {std::chrono::hours(24), 50}}};
    bool stripe() const { return provider == "stripe"; }
};

struct Config {
    HttpConfig http;
    MetricsConfig metrics;
    DatabaseConfig database;
    RedisConfig redis;
    BookingConfig booking;
    OutboxConfig outbox;
    AuthConfig auth;
    PaymentsConfig payments;
    admission::RateLimitSettings rateLimit;  // BOXOFFICE_RATE_LIMIT_*, BOXOFFICE_TRUSTED_PROXIES
    std::string jwtSecret;                   // empty: HS256 tokens refused (only with a JWKS configured)
    bool jwtSecretIsDevDefault = false;
    // BOXOFFICE_TICKET_SIGNING_KEY: a PEM Ed25519 private key or the base64 of a 32-byte seed.
    // Empty: a key generated per process (codes then do not verify after a restart or on another replica).
    std::string ticketSigningKey;
    // BOXOFFICE_ADMISSION_SECRET: signs waiting-room admission tokens (at least 32 characters; every
    // replica needs the same). Empty: a secret generated per process (fine for one replica).
    std::string admissionSecret;
    milliseconds waitingRoomRefresh{2'000};  // how soon other replicas see a room's new settings
    bool autoMigrate = true;
    std::string logLevel = "info";
    milliseconds shutdownGrace{5'000};     // readiness fails this long before the listener closes
    milliseconds shutdownTimeout{20'000};  // longest wait for in-flight requests
    milliseconds seatmapShowTtl{2'000};
    milliseconds seatmapAvailabilityTtl{250};  // the seat map reflects every change within this
    // GET /v1/shows/{id}/seatmap/events: how often a watched show's availability is read (at most one
    // event per interval per show), the heartbeat comment's period (under the ALB's 60 s idle timeout),
    // and how far behind a subscriber may fall before it is dropped.
    milliseconds seatmapEventsInterval{100};
    milliseconds seatmapEventsHeartbeat{15'000};
    std::size_t seatmapEventsBacklog = 1024 * 1024;
    std::size_t seatmapEventsBudget = 16u << 20;  // bytes/s the live seat map may send per show

    /// Reads BOXOFFICE_* through `getenv` and validates everything; the error lists every bad
    /// variable with the reason.
    /// Secrets (BOXOFFICE_JWT_SECRET, _DATABASE_URL, _REDIS_URL) may instead come from a file named
    /// by the same name + `_FILE` (trailing newlines trimmed); setting both is an error.
    static Result<Config> fromEnv(const std::function<const char*(const char*)>& getenv);

    /// Every BOXOFFICE_* name fromEnv reads: taken from fromEnv itself, so it cannot drift.
    static std::vector<std::string> knownSettings();
};

/// One warning for each BOXOFFICE_* name in `present` (the process's environment) that fromEnv never
/// reads, naming the closest known setting when one is near:
/// "BOXOFFICE_JWT_SECRT is not a known setting; did you mean BOXOFFICE_JWT_SECRET?".
std::vector<std::string> unknownSettingWarnings(const std::vector<std::string>& present);

/// The development secret used when BOXOFFICE_JWT_SECRET is unset on the embedded default.
inline constexpr const char* kDevJwtSecret = "boxoffice-dev-secret-not-for-production-use";

}  // namespace boxoffice::app
