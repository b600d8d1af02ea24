// Configuration: secrets from files (BOXOFFICE_*_FILE), the OIDC settings, and the start-up warning
// for BOXOFFICE_* names config.cpp never reads.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>

#include "app/config.hpp"

namespace boxoffice::app {
namespace {

class ConfigFromEnv : public ::testing::Test {
protected:
    void SetUp() override {
        dir_ =
            std::filesystem::temp_directory_path() / ("config-test-" + std::to_string(::getpid()) + "-" +
                                                      ::testing::UnitTest::GetInstance()->current_test_info()->name());
        std::filesystem::create_directories(dir_);
    }
    void TearDown() override { std::filesystem::remove_all(dir_); }

    std::string file(const std::string& name, const std::string& content) {
        const auto path = (dir_ / name).string();
        std::ofstream(path, std::ios::binary) << content;
        return path;
    }
    Result<Config> load() {
        return Config::fromEnv([this](const char* name) -> const char* {
            auto it = env_.find(name);
            return it == env_.end() ? nullptr : it->second.c_str();
        });
    }
    // The one message about `field`, or "" when there is none.
    static std::string errorOf(const Result<Config>& r, const std::string& field) {
        if (r.ok()) return "";
        for (const auto& f : r.error().fields)
            if (f.field == field) return f.message;
        return "";
    }

    std::filesystem::path dir_;
    std::map<std::string, std::string> env_;
};

const std::string kSecret = "a-jwt-secret-of-more-than-32-characters!";

TEST_F(ConfigFromEnv, SecretsComeFromFilesWithTheTrailingNewlineTrimmed) {
    env_["BOXOFFICE_JWT_SECRET_FILE"] = file("jwt", kSecret + "\n");
    env_["BOXOFFICE_DATABASE_URL_FILE"] = file("db", "postgresql://app:pw@db:5432/boxoffice\r\n");
    env_["BOXOFFICE_REDIS_URL_FILE"] = file("redis", "rediss://:token@cache:6379");
    auto c = load();
    ASSERT_TRUE(c.ok()) << c.error().detail;
    EXPECT_EQ(c.value().jwtSecret, kSecret);
    EXPECT_FALSE(c.value().jwtSecretIsDevDefault);
    EXPECT_EQ(c.value().database.url, "postgresql://app:pw@db:5432/boxoffice");
    EXPECT_EQ(c.value().redis.url, "rediss://:token@cache:6379");
}

TEST_F(ConfigFromEnv, AValueAndItsFileTogetherIsAnError) {
    env_["BOXOFFICE_JWT_SECRET"] = kSecret;
    env_["BOXOFFICE_JWT_SECRET_FILE"] = file("jwt", kSecret);
    env_["BOXOFFICE_REDIS_URL"] = "redis://a:6379";
    env_["BOXOFFICE_REDIS_URL_FILE"] = file("redis", "redis://b:6379");
    auto c = load();
    ASSERT_FALSE(c.ok());
    EXPECT_EQ(errorOf(c, "BOXOFFICE_JWT_SECRET"), "is set together with BOXOFFICE_JWT_SECRET_FILE: set only one");
    EXPECT_EQ(errorOf(c, "BOXOFFICE_REDIS_URL"), "is set together with BOXOFFICE_REDIS_URL_FILE: set only one");
}

TEST_F(ConfigFromEnv, AnUnreadableFileNamesTheVariableNeverTheContent) {
    env_["BOXOFFICE_DATABASE_URL_FILE"] = (dir_ / "missing").string();
    env_["BOXOFFICE_JWT_SECRET_FILE"] = file("short", "too-short-secret-xyz\n");
    env_["BOXOFFICE_REDIS_URL_FILE"] = file("empty", "\n");
    auto c = load();
    ASSERT_FALSE(c.ok());
    EXPECT_EQ(errorOf(c, "BOXOFFICE_DATABASE_URL_FILE"), "cannot read the file '" + (dir_ / "missing").string() + "'");
    EXPECT_EQ(errorOf(c, "BOXOFFICE_REDIS_URL_FILE"), "the file '" + (dir_ / "empty").string() + "' is empty");
    EXPECT_EQ(errorOf(c, "BOXOFFICE_JWT_SECRET"), "must be at least 32 characters");
    for (const auto& f : c.error().fields) EXPECT_EQ(f.message.find("too-short-secret"), std::string::npos);
    EXPECT_EQ(c.error().detail.find("too-short-secret"), std::string::npos);
}

TEST_F(ConfigFromEnv, OidcSettings) {
    env_["BOXOFFICE_DATABASE_URL"] = "postgresql://db/boxoffice";
    env_["BOXOFFICE_JWKS_URL"] = "https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_abc/.well-known/jwks.json";
    env_["BOXOFFICE_JWT_ISSUER"] = "https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_abc";
    env_["BOXOFFICE_JWT_AUDIENCE"] = "client-a, client-b,";
    env_["BOXOFFICE_JWT_ROLE_CLAIM"] = "cognito:groups";
    env_["BOXOFFICE_JWT_ADMIN_VALUE"] = "box-office-staff";
    env_["BOXOFFICE_JWKS_REFRESH_INTERVAL"] = "10m";
    auto c = load();
    ASSERT_TRUE(c.ok()) << c.error().detail;
    const auto& a = c.value().auth;
    EXPECT_TRUE(a.jwksEnabled());
    EXPECT_EQ(a.audiences, (std::vector<std::string>{"client-a", "client-b"}));
    EXPECT_EQ(a.roleClaim, "cognito:groups");
    EXPECT_EQ(a.adminValue, "box-office-staff");
    EXPECT_EQ(a.jwksRefreshInterval, std::chrono::minutes(10));
    EXPECT_EQ(a.jwksMinRefreshInterval, std::chrono::seconds(30));
    // With a JWKS and no shared secret, HS256 is off rather than a start-up error.
    EXPECT_TRUE(c.value().jwtSecret.empty());
    EXPECT_FALSE(c.value().jwtSecretIsDevDefault);
}

TEST_F(ConfigFromEnv, OidcDefaultsAndMistakes) {
    auto plain = load();
    ASSERT_TRUE(plain.ok());
    EXPECT_FALSE(plain.value().auth.jwksEnabled());
    EXPECT_EQ(plain.value().auth.roleClaim, "role");
    EXPECT_EQ(plain.value().auth.adminValue, "admin");
    EXPECT_TRUE(plain.value().jwtSecretIsDevDefault);

    env_["BOXOFFICE_JWKS_FILE"] = "/etc/jwks.json";
    env_["BOXOFFICE_JWKS_URL"] = "https://idp/jwks";
    EXPECT_EQ(errorOf(load(), "BOXOFFICE_JWKS_URL"), "is set together with BOXOFFICE_JWKS_FILE: set only one");
    env_.erase("BOXOFFICE_JWKS_FILE");
    env_["BOXOFFICE_JWKS_URL"] = "http://idp.example/jwks";
    EXPECT_EQ(errorOf(load(), "BOXOFFICE_JWKS_URL"), "must be an https URL (http only on loopback)");
    env_["BOXOFFICE_JWKS_URL"] = "http://127.0.0.1:8081/jwks";
    EXPECT_TRUE(load().ok());
    env_["BOXOFFICE_JWKS_URL"] = "http://169.254.170.2/jwks";  // a credentials agent is no key server
    EXPECT_FALSE(load().ok());
    env_.erase("BOXOFFICE_JWKS_URL");
    env_["BOXOFFICE_DATABASE_URL"] = "postgresql://db/boxoffice";
    EXPECT_NE(errorOf(load(), "BOXOFFICE_JWT_SECRET").find("is required"), std::string::npos);
}

TEST_F(ConfigFromEnv, PaymentsDefaultToTheDevProviderAndStripeNeedsItsSecrets) {
    auto dev = load();
    ASSERT_TRUE(dev.ok());
    EXPECT_EQ(dev->payments.provider, "dev");
    EXPECT_FALSE(dev->payments.stripe());
    EXPECT_EQ(dev->payments.stripeApiBase, "https://api.stripe.com");
    EXPECT_EQ(dev->payments.webhookTolerance, std::chrono::seconds(300));

    env_["BOXOFFICE_PAYMENTS_PROVIDER"] = "paypal";
    EXPECT_NE(errorOf(load(), "BOXOFFICE_PAYMENTS_PROVIDER").find("dev or stripe"), std::string::npos);
    env_["BOXOFFICE_PAYMENTS_PROVIDER"] = "stripe";
    auto bare = load();
    EXPECT_NE(errorOf(bare, "BOXOFFICE_STRIPE_SECRET_KEY").find("is required"), std::string::npos);
    EXPECT_NE(errorOf(bare, "BOXOFFICE_STRIPE_WEBHOOK_SECRETS").find("is required"), std::string::npos);

    env_["BOXOFFICE_STRIPE_SECRET_KEY_FILE"] = file("sk", "sk_test_abc\n");
    env_["BOXOFFICE_STRIPE_WEBHOOK_SECRETS"] = "whsec_new, whsec_old";
    env_["BOXOFFICE_STRIPE_WEBHOOK_SECRET"] = "whsec_first";
    env_["BOXOFFICE_STRIPE_API_BASE"] = "http://127.0.0.1:9999";
    auto stripe = load();
    ASSERT_TRUE(stripe.ok()) << stripe.error().detail;
    EXPECT_TRUE(stripe->payments.stripe());
    EXPECT_EQ(stripe->payments.stripeSecretKey, "sk_test_abc");
    EXPECT_EQ(stripe->payments.stripeWebhookSecrets,
              (std::vector<std::string>{"whsec_first", "whsec_new", "whsec_old"}));
    EXPECT_EQ(stripe->payments.stripeApiBase, "http://127.0.0.1:9999");
    env_["BOXOFFICE_STRIPE_API_BASE"] = "ftp://stripe";
    EXPECT_FALSE(errorOf(load(), "BOXOFFICE_STRIPE_API_BASE").empty());
}

TEST(KnownSettings, ComeFromTheReadsThemselves) {
    const auto known = Config::knownSettings();
    EXPECT_TRUE(std::is_sorted(known.begin(), known.end()));
    for (const char* name : {"BOXOFFICE_PORT", "BOXOFFICE_JWT_SECRET", "BOXOFFICE_JWT_SECRET_FILE",
                             "BOXOFFICE_DATABASE_URL_FILE", "BOXOFFICE_REDIS_URL_FILE", "BOXOFFICE_JWKS_URL",
                             "BOXOFFICE_JWT_ROLE_CLAIM", "BOXOFFICE_OUTBOX_PRUNE_INTERVAL", "BOXOFFICE_SQS_QUEUE_URL"})
        EXPECT_TRUE(std::binary_search(known.begin(), known.end(), name)) << name;
    for (const auto& name : known) EXPECT_EQ(name.rfind("BOXOFFICE_", 0), 0u) << name;
    EXPECT_GT(known.size(), 60u);
}

TEST(KnownSettings, AMisspeltNameIsNamedWithTheClosestSetting) {
    const auto warnings = unknownSettingWarnings({"BOXOFFICE_JWT_SECRT", "BOXOFFICE_PORT", "PATH", "BOXOFFICE_HOLDTTL",
                                                  "BOXOFFICE_SOMETHING_ELSE_ENTIRELY", "BOXOFFICE_DATABASE_URL_FIEL"});
    ASSERT_EQ(warnings.size(), 4u);
    EXPECT_EQ(warnings[0], "BOXOFFICE_JWT_SECRT is not a known setting; did you mean BOXOFFICE_JWT_SECRET?");
    EXPECT_EQ(warnings[1], "BOXOFFICE_HOLDTTL is not a known setting; did you mean BOXOFFICE_HOLD_TTL?");
    EXPECT_EQ(warnings[2], "BOXOFFICE_SOMETHING_ELSE_ENTIRELY is not a known setting");
    EXPECT_EQ(warnings[3],
              "BOXOFFICE_DATABASE_URL_FIEL is not a known setting; did you mean BOXOFFICE_DATABASE_URL_FILE?");
    EXPECT_TRUE(unknownSettingWarnings(Config::knownSettings()).empty());
}

}  // namespace
}  // namespace boxoffice::app

namespace boxoffice::app {
namespace {

class TicketKeyConfig : public ::testing::Test {
protected:
    Result<Config> load() {
        return Config::fromEnv([this](const char* name) -> const char* {
            auto it = env_.find(name);
            return it == env_.end() ? nullptr : it->second.c_str();
        });
    }
    std::map<std::string, std::string> env_;
};

TEST_F(TicketKeyConfig, ASeedIsKeptAndABadKeyStopsStartUpWithoutEchoingIt) {
    env_["BOXOFFICE_TICKET_SIGNING_KEY"] = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=";  // bytes 0..31
    env_["BOXOFFICE_JWT_STAFF_VALUE"] = "door-staff";
    auto ok = load();
    ASSERT_TRUE(ok.ok()) << ok.error().detail;
    EXPECT_EQ(ok->ticketSigningKey, env_["BOXOFFICE_TICKET_SIGNING_KEY"]);
    EXPECT_EQ(ok->auth.staffValue, "door-staff");

    env_["BOXOFFICE_TICKET_SIGNING_KEY"] = "not-a-key-zzzz";
    auto bad = load();
    ASSERT_FALSE(bad.ok());
    EXPECT_NE(bad.error().detail.find("BOXOFFICE_TICKET_SIGNING_KEY"), std::string::npos) << bad.error().detail;
    EXPECT_EQ(bad.error().detail.find("not-a-key-zzzz"), std::string::npos) << bad.error().detail;

    env_.erase("BOXOFFICE_TICKET_SIGNING_KEY");
    auto none = load();
    ASSERT_TRUE(none.ok());
    EXPECT_TRUE(none->ticketSigningKey.empty()) << "none: the application makes a key per process";
}

}  // namespace
}  // namespace boxoffice::app
