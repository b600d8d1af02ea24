#include "storage/redis/redis_url.hpp"

#include <gtest/gtest.h>

namespace boxoffice::redis {
namespace {

RedisEndpoint parseOk(std::string_view url) {
    std::string error;
    auto ep = parseRedisUrl(url, error);
    EXPECT_TRUE(ep.has_value()) << url << ": " << error;
    return ep.value_or(RedisEndpoint{});
}

std::string parseError(std::string_view url) {
    std::string error;
    auto ep = parseRedisUrl(url, error);
    EXPECT_FALSE(ep.has_value()) << url << " should not parse";
    EXPECT_FALSE(error.empty()) << url;
    return error;
}

TEST(RedisUrl, DefaultsForBareHost) {
    const auto ep = parseOk("redis://cache.internal");
    EXPECT_EQ(ep.host, "cache.internal");
    EXPECT_EQ(ep.port, 6379);
    EXPECT_FALSE(ep.tls);
    EXPECT_EQ(ep.username, "");
    EXPECT_EQ(ep.password, "");
    EXPECT_EQ(ep.db, 0);
}

TEST(RedisUrl, TrailingSlashMeansDbZero) {
    const auto ep = parseOk("redis://127.0.0.1:7000/");
    EXPECT_EQ(ep.host, "127.0.0.1");
    EXPECT_EQ(ep.port, 7000);
    EXPECT_EQ(ep.db, 0);
}

TEST(RedisUrl, RedissEnablesTls) {
    const auto ep = parseOk("rediss://master.boxoffice.abc123.use1.cache.amazonaws.com:6379");
    EXPECT_TRUE(ep.tls);
    EXPECT_EQ(ep.host, "master.boxoffice.abc123.use1.cache.amazonaws.com");
    EXPECT_EQ(ep.port, 6379);
}

TEST(RedisUrl, SchemeIsCaseInsensitive) {
    EXPECT_TRUE(parseOk("REDISS://h").tls);
    EXPECT_FALSE(parseOk("Redis://h").tls);
}

TEST(RedisUrl, UserAndPassword) {
    const auto ep = parseOk("rediss://app:s3cret-token-0123456789@h:6380/2");
    EXPECT_EQ(ep.username, "app");
    EXPECT_EQ(ep.password, "s3cret-token-0123456789");
    EXPECT_EQ(ep.host, "h");
    EXPECT_EQ(ep.port, 6380);
    EXPECT_EQ(ep.db, 2);
}

TEST(RedisUrl, PasswordOnly) {
    const auto ep = parseOk("rediss://:token@h");
    EXPECT_EQ(ep.username, "");
    EXPECT_EQ(ep.password, "token");
}

TEST(RedisUrl, EmptyUserinfoMeansNoAuth) {
    const auto ep = parseOk("redis://:@h");
    EXPECT_EQ(ep.username, "");
    EXPECT_EQ(ep.password, "");
}

TEST(RedisUrl, PercentDecodesUserAndPassword) {
    // ElastiCache tokens may hold ! & # $ ^ < > -; '#' and '@' and ':' must be encoded in a URL.
    const auto ep = parseOk("rediss://us%3Aer:p%40ss%23w%3A%2Fd%21%26%24%5E%3C%3E-@h");
    EXPECT_EQ(ep.username, "us:er");
    EXPECT_EQ(ep.password, "p@ss#w:/d!&$^<>-");
}

TEST(RedisUrl, PlusIsNotASpace) {
    EXPECT_EQ(parseOk("redis://:a+b@h").password, "a+b");
}

TEST(RedisUrl, UnencodedAtInPasswordUsesLastAt) {
    const auto ep = parseOk("redis://:p@ss@h:1");
    EXPECT_EQ(ep.password, "p@ss");
    EXPECT_EQ(ep.host, "h");
}

TEST(RedisUrl, BadPercentEncoding) {
    parseError("redis://:abc%2@h");
    parseError("redis://:abc%zz@h");
    parseError("redis://:abc%@h");
}

TEST(RedisUrl, UserWithoutPasswordIsRejected) {
    parseError("redis://app@h");
    parseError("redis://app:@h");
}

TEST(RedisUrl, Database) {
    EXPECT_EQ(parseOk("redis://h/15").db, 15);
    EXPECT_EQ(parseOk("redis://h:1/0").db, 0);
}

TEST(RedisUrl, BadDatabase) {
    parseError("redis://h/abc");
    parseError("redis://h/-1");
    parseError("redis://h/1/2");
    parseError("redis://h/ 1");
}

TEST(RedisUrl, Ipv6Host) {
    const auto ep = parseOk("redis://[::1]:7001/3");
    EXPECT_EQ(ep.host, "::1");
    EXPECT_EQ(ep.port, 7001);
    EXPECT_EQ(ep.db, 3);
    EXPECT_EQ(parseOk("redis://[fe80::1]").port, 6379);
    parseError("redis://[::1");
    parseError("redis://[::1]x");
}

TEST(RedisUrl, BadPort) {
    parseError("redis://h:0");
    parseError("redis://h:65536");
    parseError("redis://h:99999999999");
    parseError("redis://h:-1");
    parseError("redis://h:63a");
    parseError("redis://h:");
    parseError("redis://h: 6379");
}

TEST(RedisUrl, PortBounds) {
    EXPECT_EQ(parseOk("redis://h:1").port, 1);
    EXPECT_EQ(parseOk("redis://h:65535").port, 65535);
}

TEST(RedisUrl, BadScheme) {
    const std::string error = parseError("http://h:6379");
    EXPECT_NE(error.find("scheme"), std::string::npos) << error;
    parseError("redis:/h");
    parseError("h:6379");
    parseError("");
    parseError("unix:///var/run/redis.sock");
}

TEST(RedisUrl, EmptyHost) {
    const std::string error = parseError("redis://");
    EXPECT_NE(error.find("host"), std::string::npos) << error;
    parseError("redis://:6379");
    parseError("rediss://:pass@:6379");
    parseError("redis:///1");
    parseError("redis://[]:6379");
}

TEST(RedisUrl, QueryStringIsRejectedNotIgnored) {
    parseError("rediss://h:6379?ssl_cert_reqs=none");
    parseError("redis://h/0#frag");
}

TEST(RedisUrl, ErrorNeverEchoesThePassword) {
    std::string error;
    ASSERT_FALSE(parseRedisUrl("redis://:topsecret@h:bad", error).has_value());
    EXPECT_EQ(error.find("topsecret"), std::string::npos) << error;
}

}  // namespace
}  // namespace boxoffice::redis
