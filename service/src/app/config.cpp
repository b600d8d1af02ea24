#include "app/config.hpp"

#include <algorithm>
#include <charconv>
#include <fstream>
#include <iterator>
#include <thread>

#include "app/env_reader.hpp"
#include "messaging/sqs_publisher.hpp"
#include "tickets/ed25519_ticket_signer.hpp"
#include "util/duration.hpp"
#include "util/log.hpp"

namespace boxoffice::app {
namespace {

// Loopback, or the ECS / EKS Pod Identity agent addresses: where plain-http credentials may come from.
bool trustedCredentialsHost(const std::string& url, bool allowAgents = true) {
    const std::string origin = messaging::originOf(url);
    if (origin.rfind("https://", 0) == 0) return true;
    if (origin.rfind("http://", 0) != 0) return false;
    std::string host = origin.substr(7);
    if (auto colon = host.rfind(':'); colon != std::string::npos && host.find(']') == std::string::npos)
        host.resize(colon);
    if (host == "localhost" || host.rfind("127.", 0) == 0 || host == "[::1]") return true;
    return allowAgents && (host == "169.254.170.2" || host == "169.254.170.23" || host == "[fd00:ec2::23]");
}

void readAuth(EnvReader& env, AuthConfig& a) {
    env.str("BOXOFFICE_JWKS_FILE", a.jwksFile);
    env.str("BOXOFFICE_JWKS_URL", a.jwksUrl);
    env.str("BOXOFFICE_JWT_ISSUER", a.issuer);
    env.list("BOXOFFICE_JWT_AUDIENCE", a.audiences);
    env.str("BOXOFFICE_JWT_ROLE_CLAIM", a.roleClaim);
    env.str("BOXOFFICE_JWT_ADMIN_VALUE", a.adminValue);
    env.str("BOXOFFICE_JWT_STAFF_VALUE", a.staffValue);
    env.duration("BOXOFFICE_JWKS_REFRESH_INTERVAL", a.jwksRefreshInterval, 1'000, 24 * 3'600'000LL);
    env.duration("BOXOFFICE_JWKS_MIN_REFRESH_INTERVAL", a.jwksMinRefreshInterval, 100, 3'600'000);
    env.duration("BOXOFFICE_JWKS_TIMEOUT", a.jwksTimeout, 100, 60'000);
    if (!a.jwksFile.empty() && !a.jwksUrl.empty())
        env.fail("BOXOFFICE_JWKS_URL", "is set together with BOXOFFICE_JWKS_FILE: set only one");
    // Keys fetched over plain http could be swapped by anyone on the path: https only, but loopback.
    if (!a.jwksUrl.empty() && !trustedCredentialsHost(a.jwksUrl, /*allowAgents=*/false))
        env.fail("BOXOFFICE_JWKS_URL", "must be an https URL (http only on loopback)");
    if (a.jwksMinRefreshInterval > a.jwksRefreshInterval)
        env.fail("BOXOFFICE_JWKS_MIN_REFRESH_INTERVAL", "must not exceed BOXOFFICE_JWKS_REFRESH_INTERVAL");
}

void readOutbox(EnvReader& env, OutboxConfig& o) {
    env.str("BOXOFFICE_SQS_QUEUE_URL", o.queueUrl);
    env.str("BOXOFFICE_SQS_ENDPOINT", o.endpoint);
    env.str("BOXOFFICE_SQS_REGION", o.region);
    if (o.region.empty()) env.str("AWS_REGION", o.region);
    if (o.region.empty()) env.str("AWS_DEFAULT_REGION", o.region);
    env.boolean("BOXOFFICE_OUTBOX_RELAY", o.relayInServe);
    env.duration("BOXOFFICE_SQS_CONNECT_TIMEOUT", o.connectTimeout, 10, 60'000);
    env.duration("BOXOFFICE_SQS_REQUEST_TIMEOUT", o.requestTimeout, 10, 120'000);
    env.integer("BOXOFFICE_OUTBOX_DB_POOL_SIZE", o.poolSize, 1, 16);
    auto& r = o.relay;
    env.integer("BOXOFFICE_OUTBOX_CLAIM_SIZE", r.claimSize, 1, 1000);
    env.duration("BOXOFFICE_OUTBOX_POLL_INTERVAL", r.pollInterval, 10, 60'000);
    env.duration("BOXOFFICE_OUTBOX_LEASE", r.lease, 1'000, 3'600'000);
    env.integer("BOXOFFICE_OUTBOX_MAX_ATTEMPTS", r.maxAttempts, 1, 1000);
    env.duration("BOXOFFICE_OUTBOX_BACKOFF_BASE", r.backoffBase, 1, 600'000);
    env.duration("BOXOFFICE_OUTBOX_BACKOFF_MAX", r.backoffMax, 1, 3'600'000);
    env.duration("BOXOFFICE_OUTBOX_RETENTION", r.retention, 60'000, 365LL * 24 * 3'600'000);
    env.duration("BOXOFFICE_OUTBOX_PRUNE_INTERVAL", r.pruneInterval, 1'000, 24LL * 3'600'000);

    auto& a = o.aws;
    env.str("AWS_ACCESS_KEY_ID", a.accessKeyId);
    env.str("AWS_SECRET_ACCESS_KEY", a.secretAccessKey);
    env.str("AWS_SESSION_TOKEN", a.sessionToken);
    env.str("AWS_WEB_IDENTITY_TOKEN_FILE", a.webIdentityTokenFile);
    env.str("AWS_ROLE_ARN", a.roleArn);
    env.str("AWS_ROLE_SESSION_NAME", a.roleSessionName);
    env.str("BOXOFFICE_STS_ENDPOINT", a.stsEndpoint);
    env.str("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", a.containerRelativeUri);
    env.str("AWS_CONTAINER_CREDENTIALS_FULL_URI", a.containerFullUri);
    env.str("AWS_CONTAINER_AUTHORIZATION_TOKEN", a.containerAuthToken);
    env.str("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE", a.containerAuthTokenFile);
    if (!o.enabled()) return;

    if (messaging::originOf(o.queueUrl).empty() ||
        o.queueUrl.find('/', o.queueUrl.find("://") + 3) == std::string::npos)
        env.fail("BOXOFFICE_SQS_QUEUE_URL",
                 "must be an http(s) queue URL such as https://sqs.eu-west-1.amazonaws.com/123456789012/orders");
    if (!o.endpoint.empty() && messaging::originOf(o.endpoint).empty())
        env.fail("BOXOFFICE_SQS_ENDPOINT", "must be an http(s) URL");
    if (o.region.empty()) o.region = messaging::regionFromQueueUrl(o.queueUrl);
    if (o.region.empty())
        env.fail("BOXOFFICE_SQS_REGION", "is required when the region is neither in AWS_REGION nor in the queue URL");
    a.region = o.region;
    a.connectTimeout = o.connectTimeout;
    a.timeout = o.requestTimeout;
    if (r.backoffBase > r.backoffMax)
        env.fail("BOXOFFICE_OUTBOX_BACKOFF_BASE", "must not exceed BOXOFFICE_OUTBOX_BACKOFF_MAX");
    // A live relay must finish a claim before its lease runs out, or a second relay sends it too.
    const long long batches = (r.claimSize + 9) / 10;
    if (r.lease.count() <= batches * (o.connectTimeout.count() + o.requestTimeout.count()))
        env.fail("BOXOFFICE_OUTBOX_LEASE",
                 "must exceed (claim size / 10) x (connect + request timeout) = " +
                     std::to_string(batches * (o.connectTimeout.count() + o.requestTimeout.count())) + "ms");
    switch (messaging::pickSource(a)) {
        case messaging::CredentialSource::None:
            env.fail(
                "AWS_ACCESS_KEY_ID",
                "no AWS credentials: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or AWS_WEB_IDENTITY_TOKEN_FILE "
                "and AWS_ROLE_ARN (EKS), or AWS_CONTAINER_CREDENTIALS_RELATIVE_URI / _FULL_URI (ECS)");
            break;
        case messaging::CredentialSource::Static:
            if (a.secretAccessKey.empty()) env.fail("AWS_SECRET_ACCESS_KEY", "is required with AWS_ACCESS_KEY_ID");
            break;
        case messaging::CredentialSource::WebIdentity:
            if (a.roleArn.empty()) env.fail("AWS_ROLE_ARN", "is required with AWS_WEB_IDENTITY_TOKEN_FILE");
            if (!a.stsEndpoint.empty() && messaging::originOf(a.stsEndpoint).empty())
                env.fail("BOXOFFICE_STS_ENDPOINT", "must be an http(s) URL");
            break;
        case messaging::CredentialSource::Container:
            if (!a.containerRelativeUri.empty() && a.containerRelativeUri[0] != '/')
                env.fail("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "must start with /");
            if (a.containerRelativeUri.empty() && !trustedCredentialsHost(a.containerFullUri))
                env.fail("AWS_CONTAINER_CREDENTIALS_FULL_URI",
                         "must be https, or http on loopback or the ECS / EKS credentials agent address");
            break;
    }
}

// Rate limits; the defaults and why they are what they are: admission/rate_limit_policy.hpp.
void readPayments(EnvReader& env, PaymentsConfig& p) {
    env.str("BOXOFFICE_PAYMENTS_PROVIDER", p.provider);
    if (p.provider != "dev" && p.provider != "stripe") env.fail("BOXOFFICE_PAYMENTS_PROVIDER", "must be dev or stripe");
    env.secret("BOXOFFICE_PAYMENTS_DEV_WEBHOOK_SECRET", p.devWebhookSecret);
    env.str("BOXOFFICE_STRIPE_API_BASE", p.stripeApiBase);
    if (p.stripeApiBase.rfind("https://", 0) != 0 && p.stripeApiBase.rfind("http://", 0) != 0)
        env.fail("BOXOFFICE_STRIPE_API_BASE", "must be an http(s) URL such as https://api.stripe.com");
    env.secret("BOXOFFICE_STRIPE_SECRET_KEY", p.stripeSecretKey);
    env.list("BOXOFFICE_STRIPE_WEBHOOK_SECRETS", p.stripeWebhookSecrets);
    std::string single;
    env.secret("BOXOFFICE_STRIPE_WEBHOOK_SECRET", single);
    if (!single.empty()) p.stripeWebhookSecrets.insert(p.stripeWebhookSecrets.begin(), single);
    env.duration("BOXOFFICE_PAYMENTS_WEBHOOK_TOLERANCE", p.webhookTolerance, 1'000, 3'600'000);
    if (auto text = env.raw("BOXOFFICE_REFUND_POLICY")) {
        auto policy = parseRefundPolicy(*text);
        if (policy)
            p.refundPolicy = std::move(*policy);
        else
            env.fail("BOXOFFICE_REFUND_POLICY",
                     policy.error().fields.empty() ? policy.error().detail : policy.error().fields.front().message);
    }
    env.duration("BOXOFFICE_STRIPE_CONNECT_TIMEOUT", p.stripeConnectTimeout, 1, 60'000);
    env.duration("BOXOFFICE_STRIPE_TIMEOUT", p.stripeTimeout, 1, 120'000);
    env.integer("BOXOFFICE_STRIPE_MAX_ATTEMPTS", p.stripeMaxAttempts, 1, 10);
    env.duration("BOXOFFICE_REFUND_RETRY_INTERVAL", p.refundRetryInterval, 100, 3'600'000);
    env.duration("BOXOFFICE_REFUND_RETRY_AGE", p.refundRetryAge, 0, 86'400'000);
    if (p.stripe()) {
        if (p.stripeSecretKey.empty())
            env.fail("BOXOFFICE_STRIPE_SECRET_KEY", "is required with BOXOFFICE_PAYMENTS_PROVIDER=stripe");
        if (p.stripeWebhookSecrets.empty())
            env.fail("BOXOFFICE_STRIPE_WEBHOOK_SECRETS",
                     "is required with BOXOFFICE_PAYMENTS_PROVIDER=stripe (or BOXOFFICE_STRIPE_WEBHOOK_SECRET)");
    }
}

void readRateLimits(EnvReader& env, admission::RateLimitSettings& r) {
    using admission::Budget;
    env.boolean("BOXOFFICE_RATE_LIMIT_ENABLED", r.enabled);
    using admission::Scope;
    // Spelt out, so a grep for a variable's name finds where it is read.
    const struct {
        Budget budget;
        Scope scope;
        const char* name;
    } rates[] = {{Budget::Holds, Scope::User, "BOXOFFICE_RATE_LIMIT_HOLDS_PER_USER"},
                 {Budget::Holds, Scope::Ip, "BOXOFFICE_RATE_LIMIT_HOLDS_PER_IP"},
                 {Budget::Orders, Scope::User, "BOXOFFICE_RATE_LIMIT_ORDERS_PER_USER"},
                 {Budget::Orders, Scope::Ip, "BOXOFFICE_RATE_LIMIT_ORDERS_PER_IP"},
                 {Budget::Reads, Scope::User, "BOXOFFICE_RATE_LIMIT_READS_PER_USER"},
                 {Budget::Reads, Scope::Ip, "BOXOFFICE_RATE_LIMIT_READS_PER_IP"}};
    for (const auto& rate : rates) {
        auto v = env.raw(rate.name);
        if (!v) continue;
        std::string error;
        auto parsed = admission::parseRate(*v, error);
        if (!parsed) {
            env.fail(rate.name, error);
            continue;
        }
        auto& limits = r.budgets[static_cast<std::size_t>(rate.budget)];
        (rate.scope == Scope::User ? limits.perUser : limits.perIp) = *parsed;
    }
    env.duration("BOXOFFICE_RATE_LIMIT_OVERRIDE_REFRESH", r.overrideRefresh, 100, 600'000);
    env.duration("BOXOFFICE_RATE_LIMIT_REDIS_TIMEOUT", r.redisTimeout, 1, 5'000);
    env.size("BOXOFFICE_RATE_LIMIT_MAX_KEYS", r.maxKeys, 1'000, 100'000'000);
    if (auto v = env.raw("BOXOFFICE_TRUSTED_PROXIES")) {
        std::string error;
        auto list = admission::parseCidrList(*v, error);
        if (!list)
            env.fail("BOXOFFICE_TRUSTED_PROXIES", error);
        else
            r.trustedProxies = std::move(*list);
    }
}

}  // namespace

namespace {

// Every read is unconditional (whatever the values), so reading an empty environment names them all.
Config load(EnvReader& env) {
    Config c;
    c.http.threads = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));

    env.str("BOXOFFICE_LISTEN_ADDRESS", c.http.address);
    env.integer("BOXOFFICE_PORT", c.http.port, 0, 65535);
    env.integer("BOXOFFICE_HTTP_THREADS", c.http.threads, 1, 64);
    env.integer("BOXOFFICE_FAST_WORKERS", c.http.fastWorkers, 1, 256);
    env.integer("BOXOFFICE_DB_WORKERS", c.http.databaseWorkers, 1, 256);
    env.size("BOXOFFICE_HTTP_MAX_BODY_BYTES", c.http.maxBodyBytes, 1024, 16 * 1024 * 1024);
    env.size("BOXOFFICE_HTTP_MAX_HEADER_BYTES", c.http.maxHeaderBytes, 1024, 1024 * 1024);
    env.duration("BOXOFFICE_HTTP_HEADER_TIMEOUT", c.http.headerTimeout, 100, 300'000);
    env.duration("BOXOFFICE_HTTP_BODY_TIMEOUT", c.http.bodyTimeout, 100, 300'000);
    env.duration("BOXOFFICE_HTTP_KEEPALIVE_TIMEOUT", c.http.keepaliveTimeout, 1'000, 3'600'000);
    if (auto v = env.raw("BOXOFFICE_ACCESS_LOG_SAMPLE")) {
        char* end = nullptr;
        double d = std::strtod(v->c_str(), &end);
        if (end != v->c_str() + v->size() || d < 0.0 || d > 1.0)
            env.fail("BOXOFFICE_ACCESS_LOG_SAMPLE", "must be a number between 0 and 1");
        else
            c.http.accessLogSample = d;
    }

    if (auto v = env.raw("BOXOFFICE_CORS_ORIGINS")) {
        std::string_view rest = *v;
        while (!rest.empty()) {
            const auto comma = rest.find(',');
            std::string_view origin = rest.substr(0, comma);
            rest = comma == std::string_view::npos ? std::string_view() : rest.substr(comma + 1);
            while (!origin.empty() && origin.front() == ' ') origin.remove_prefix(1);
            while (!origin.empty() && origin.back() == ' ') origin.remove_suffix(1);
            if (origin.empty()) continue;
            const auto scheme = origin.find("://");
            const bool ok =
                origin == "*" || ((origin.starts_with("https://") || origin.starts_with("http://")) &&
                                  origin.size() > scheme + 3 && origin.find('/', scheme + 3) == std::string_view::npos);
            if (!ok) {
                env.fail("BOXOFFICE_CORS_ORIGINS",
                         "each origin must be * or scheme://host[:port] (no path), got '" + std::string(origin) + "'");
                break;
            }
            c.http.corsOrigins.emplace_back(origin);
        }
    }
    env.boolean("BOXOFFICE_CORS_ALLOW_CREDENTIALS", c.http.corsAllowCredentials);
    if (c.http.corsAllowCredentials &&
        std::find(c.http.corsOrigins.begin(), c.http.corsOrigins.end(), "*") != c.http.corsOrigins.end())
        env.fail("BOXOFFICE_CORS_ALLOW_CREDENTIALS",
                 "cannot be true while BOXOFFICE_CORS_ORIGINS allows any origin (*)");

    env.str("BOXOFFICE_METRICS_ADDRESS", c.metrics.address);
    env.integer("BOXOFFICE_METRICS_PORT", c.metrics.port, 0, 65535);
    env.duration("BOXOFFICE_METRICS_SAMPLE_INTERVAL", c.metrics.sampleInterval, 100, 3'600'000);

    env.secret("BOXOFFICE_DATABASE_URL", c.database.url);
    env.str("BOXOFFICE_SQLITE_PATH", c.database.sqlitePath);
    env.integer("BOXOFFICE_DB_POOL_SIZE", c.database.poolSize, 1, 256);
    env.duration("BOXOFFICE_DB_POOL_WAIT", c.database.poolWait, 1, 60'000);
    env.duration("BOXOFFICE_DB_CONNECT_TIMEOUT", c.database.connectTimeout, 1'000, 60'000);
    env.duration("BOXOFFICE_DB_STATEMENT_TIMEOUT", c.database.statementTimeout, 1, 600'000);
    env.boolean("BOXOFFICE_DB_PREPARED", c.database.preparedStatements);
    if (!c.database.url.empty() && c.database.url.rfind("postgres", 0) != 0 &&
        c.database.url.rfind("sqlite3://", 0) != 0)
        env.fail("BOXOFFICE_DATABASE_URL", "must start with postgresql://, postgres:// or sqlite3://");

    env.secret("BOXOFFICE_REDIS_URL", c.redis.url);
    env.duration("BOXOFFICE_REDIS_CONNECT_TIMEOUT", c.redis.connectTimeout, 1, 60'000);
    env.duration("BOXOFFICE_REDIS_COMMAND_TIMEOUT", c.redis.commandTimeout, 1, 60'000);
    env.str("BOXOFFICE_REDIS_TLS_CA_FILE", c.redis.caFile);
    env.integer("BOXOFFICE_REDIS_POOL_SIZE", c.redis.poolSize, 1, 512);
    env.duration("BOXOFFICE_REDIS_POOL_WAIT", c.redis.poolWait, 1, 60'000);
    env.integer("BOXOFFICE_REDIS_PIPELINES", c.redis.pipelines, 1, 64);

    env.duration("BOXOFFICE_HOLD_TTL", c.booking.holdTtl, 1'000, 24 * 3'600'000LL);
    env.duration("BOXOFFICE_PAYMENT_WINDOW", c.booking.paymentWindow, 1'000, 24 * 3'600'000LL);
    env.integer("BOXOFFICE_MAX_SEATS_PER_HOLD", c.booking.maxSeatsPerHold, 1, 100);
    env.integer("BOXOFFICE_MAX_SEATS_PER_USER", c.booking.maxSeatsPerUser, 1, 1000);
    env.duration("BOXOFFICE_SWEEP_INTERVAL", c.booking.sweepInterval, 10, 3'600'000);
    env.duration("BOXOFFICE_RECONCILE_INTERVAL", c.booking.reconcileInterval, 10, 3'600'000);
    env.duration("BOXOFFICE_IDEMPOTENCY_LEASE", c.booking.idempotencyLease, 100, 3'600'000);
    if (!c.redis.url.empty() && c.redis.url.rfind("redis://", 0) != 0 && c.redis.url.rfind("rediss://", 0) != 0)
        env.fail("BOXOFFICE_REDIS_URL", "must start with redis:// or rediss://");

    env.secret("BOXOFFICE_JWT_SECRET", c.jwtSecret);
    readAuth(env, c.auth);
    if (c.jwtSecret.empty()) {
        if (c.auth.jwksEnabled()) {
            // Provider tokens only: HS256 is refused outright, there is no secret to forge with.
        } else if (c.database.embedded()) {
            c.jwtSecret = kDevJwtSecret;
            c.jwtSecretIsDevDefault = true;
        } else {
            env.fail("BOXOFFICE_JWT_SECRET",
                     "is required when BOXOFFICE_DATABASE_URL is set, unless BOXOFFICE_JWKS_FILE or BOXOFFICE_JWKS_URL "
                     "is (at least 32 characters)");
        }
    } else if (c.jwtSecret.size() < 32) {
        env.fail("BOXOFFICE_JWT_SECRET", "must be at least 32 characters");
    }

    env.secret("BOXOFFICE_TICKET_SIGNING_KEY", c.ticketSigningKey);
    if (!c.ticketSigningKey.empty()) {
        try {
            (void)tickets::Ed25519TicketSigner::fromKeyText(c.ticketSigningKey);
        } catch (const std::exception& e) {
            env.fail("BOXOFFICE_TICKET_SIGNING_KEY", e.what());  // the reason, never the key
        }
    }

    env.secret("BOXOFFICE_ADMISSION_SECRET", c.admissionSecret);
    if (!c.admissionSecret.empty() && c.admissionSecret.size() < 32)
        env.fail("BOXOFFICE_ADMISSION_SECRET", "must be at least 32 characters");
    env.duration("BOXOFFICE_WAITING_ROOM_REFRESH", c.waitingRoomRefresh, 100, 600'000);

    c.autoMigrate = c.database.embedded();
    env.boolean("BOXOFFICE_AUTO_MIGRATE", c.autoMigrate);
    env.str("BOXOFFICE_LOG_LEVEL", c.logLevel);
    log::Level level{};
    if (!log::parseLevel(c.logLevel, level)) env.fail("BOXOFFICE_LOG_LEVEL", "must be debug, info, warn or error");
    env.duration("BOXOFFICE_SHUTDOWN_GRACE", c.shutdownGrace, 0, 120'000);
    env.duration("BOXOFFICE_SHUTDOWN_TIMEOUT", c.shutdownTimeout, 1, 600'000);
    env.duration("BOXOFFICE_SEATMAP_SHOW_TTL", c.seatmapShowTtl, 1, 60'000);
    env.duration("BOXOFFICE_SEATMAP_AVAILABILITY_TTL", c.seatmapAvailabilityTtl, 1, 1'000);
    env.duration("BOXOFFICE_SEATMAP_EVENTS_INTERVAL", c.seatmapEventsInterval, 10, 10'000);
    env.duration("BOXOFFICE_SEATMAP_EVENTS_HEARTBEAT", c.seatmapEventsHeartbeat, 100, 55'000);
    env.size("BOXOFFICE_SEATMAP_EVENTS_BACKLOG", c.seatmapEventsBacklog, 16 * 1024, 64LL * 1024 * 1024);
    env.size("BOXOFFICE_SEATMAP_EVENTS_BUDGET", c.seatmapEventsBudget, 0, 1LL << 40);

    readOutbox(env, c.outbox);
    readRateLimits(env, c.rateLimit);
    readPayments(env, c.payments);
    return c;
}

std::size_t editDistance(std::string_view a, std::string_view b) {
    std::vector<std::size_t> row(b.size() + 1);
    for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
    for (std::size_t i = 1; i <= a.size(); ++i) {
        std::size_t diagonal = row[0];
        row[0] = i;
        for (std::size_t j = 1; j <= b.size(); ++j) {
            const std::size_t above = row[j];
            row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
            diagonal = above;
        }
    }
    return row[b.size()];
}

}  // namespace

Result<Config> Config::fromEnv(const std::function<const char*(const char*)>& getenv) {
    EnvReader env(getenv);
    Config c = load(env);
    if (!env.errors.empty()) {
        Error e = Error::validation(std::move(env.errors));
        return e;
    }
    return c;
}

std::vector<std::string> Config::knownSettings() {
    const std::function<const char*(const char*)> none = [](const char*) -> const char* { return nullptr; };
    EnvReader env(none);
    load(env);
    std::vector<std::string> names;
    for (auto& n : env.names)
        if (n.rfind("BOXOFFICE_", 0) == 0) names.push_back(std::move(n));
    std::sort(names.begin(), names.end());
    names.erase(std::unique(names.begin(), names.end()), names.end());
    return names;
}

std::vector<std::string> unknownSettingWarnings(const std::vector<std::string>& present) {
    const auto known = Config::knownSettings();
    std::vector<std::string> warnings;
    for (const auto& name : present) {
        if (name.rfind("BOXOFFICE_", 0) != 0 || std::binary_search(known.begin(), known.end(), name)) continue;
        std::string warning = name + " is not a known setting";
        // A typo is a few edits away; beyond a third of the part after the prefix it is another word.
        std::size_t best = std::max<std::size_t>(2, (name.size() - 10) / 3) + 1;
        const std::string* nearest = nullptr;
        for (const auto& k : known) {
            const auto d = editDistance(name, k);
            if (d < best) {
                best = d;
                nearest = &k;
            }
        }
        if (nearest) warning += "; did you mean " + *nearest + "?";
        warnings.push_back(std::move(warning));
    }
    return warnings;
}

}  // namespace boxoffice::app
