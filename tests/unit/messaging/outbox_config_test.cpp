// The outbox relay's settings from the environment: off without a queue, validated with one.
#include <gtest/gtest.h>

#include <map>
#include <string>

#include "app/config.hpp"

namespace boxoffice::app {
namespace {

Result<Config> load(std::map<std::string, std::string> env) {
    return Config::fromEnv([&](const char* name) -> const char* {
        auto it = env.find(name);
        return it == env.end() ? nullptr : it->second.c_str();
    });
}

bool failsOn(const Result<Config>& c, const std::string& field) {
    if (c.ok()) return false;
    for (const auto& f : c.error().fields)
        if (f.field == field) return true;
    return false;
}

TEST(OutboxConfig, OffWithoutAQueueAndValidatedWithOne) {
    auto off = load({});
    ASSERT_TRUE(off.ok());
    EXPECT_FALSE(off->outbox.enabled());

    const std::string url = "https://sqs.eu-west-1.amazonaws.com/123456789012/orders.fifo";
    auto ok = load({{"BOXOFFICE_SQS_QUEUE_URL", url}, {"AWS_ACCESS_KEY_ID", "AKID"}, {"AWS_SECRET_ACCESS_KEY", "s"}});
    ASSERT_TRUE(ok.ok());
    EXPECT_EQ(ok->outbox.region, "eu-west-1");

    EXPECT_TRUE(failsOn(load({{"BOXOFFICE_SQS_QUEUE_URL", url}}), "AWS_ACCESS_KEY_ID"));
    EXPECT_TRUE(
        failsOn(load({{"BOXOFFICE_SQS_QUEUE_URL", url}, {"AWS_ACCESS_KEY_ID", "AKID"}}), "AWS_SECRET_ACCESS_KEY"));
    EXPECT_TRUE(failsOn(load({{"BOXOFFICE_SQS_QUEUE_URL", "http://127.0.0.1:1/1/q"},
                              {"AWS_ACCESS_KEY_ID", "A"},
                              {"AWS_SECRET_ACCESS_KEY", "s"}}),
                        "BOXOFFICE_SQS_REGION"));
    EXPECT_TRUE(failsOn(load({{"BOXOFFICE_SQS_QUEUE_URL", "not a url"},
                              {"AWS_REGION", "us-east-1"},
                              {"AWS_ACCESS_KEY_ID", "A"},
                              {"AWS_SECRET_ACCESS_KEY", "s"}}),
                        "BOXOFFICE_SQS_QUEUE_URL"));
    EXPECT_TRUE(
        failsOn(load({{"BOXOFFICE_SQS_QUEUE_URL", url}, {"AWS_WEB_IDENTITY_TOKEN_FILE", "/t"}}), "AWS_ROLE_ARN"));
    EXPECT_TRUE(failsOn(
        load({{"BOXOFFICE_SQS_QUEUE_URL", url}, {"AWS_CONTAINER_CREDENTIALS_FULL_URI", "http://evil.example/c"}}),
        "AWS_CONTAINER_CREDENTIALS_FULL_URI"));
    EXPECT_TRUE(
        load({{"BOXOFFICE_SQS_QUEUE_URL", url}, {"AWS_CONTAINER_CREDENTIALS_FULL_URI", "http://127.0.0.1:9/c"}}).ok());
    EXPECT_TRUE(failsOn(load({{"BOXOFFICE_SQS_QUEUE_URL", url},
                              {"AWS_ACCESS_KEY_ID", "A"},
                              {"AWS_SECRET_ACCESS_KEY", "s"},
                              {"BOXOFFICE_OUTBOX_LEASE", "5s"}}),
                        "BOXOFFICE_OUTBOX_LEASE"));
    EXPECT_TRUE(failsOn(load({{"BOXOFFICE_OUTBOX_CLAIM_SIZE", "0"}}), "BOXOFFICE_OUTBOX_CLAIM_SIZE"));
    EXPECT_TRUE(failsOn(load({{"BOXOFFICE_SQS_REQUEST_TIMEOUT", "0"}}), "BOXOFFICE_SQS_REQUEST_TIMEOUT"));
}

}  // namespace
}  // namespace boxoffice::app
