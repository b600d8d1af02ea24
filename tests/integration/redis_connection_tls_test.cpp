// RedisConnection against the real TLS+AUTH redis-server from TestEnv: AUTH and ACL users, a wrong
// password, peer verification with and without the CA, and a client and server that disagree on TLS.
#include <string>
#include <vector>

#include "integration/redis_connection_support.hpp"

namespace boxoffice::redis {
namespace {

TEST(RedisConnection, TlsWithAuthAndCa) {
    RedisConnection c(testing::tlsRedisOptions());
    auto connected = c.connect();
    ASSERT_TRUE(connected.ok()) << connected.error().internal;
    EXPECT_EQ(mustCommand(c, {"PING"}).str, "PONG");

    // Large enough to span many TLS records and partial socket reads and writes.
    const std::string big(1 << 20, 'x');
    EXPECT_EQ(mustCommand(c, {"SET", key("big"), big}).str, "OK");
    const Reply back = mustCommand(c, {"GET", key("big")});
    EXPECT_EQ(back.str.size(), big.size());
    EXPECT_TRUE(back.str == big);

    std::vector<Args> commands(100, Args{"INCR", key("n")});
    auto replies = c.pipeline(commands);
    ASSERT_TRUE(replies.ok()) << replies.error().internal;
    ASSERT_EQ(replies->size(), 100u);
    EXPECT_EQ(replies->back().integer, 100);

    mustCommand(c, {"DEL", key("big"), key("n")});
}

TEST(RedisConnection, TlsWithAclUserAndPassword) {
    RedisOptions o = testing::tlsRedisOptions();
    o.endpoint.username = "default";  // requirepass sets the password of the ACL user "default"
    RedisConnection c(o);
    auto connected = c.connect();
    ASSERT_TRUE(connected.ok()) << connected.error().internal;
    EXPECT_EQ(mustCommand(c, {"PING"}).str, "PONG");
}

TEST(RedisConnection, TlsWrongPasswordIsUnavailable) {
    RedisOptions o = testing::tlsRedisOptions();
    o.endpoint.password = "not-the-password-0123";
    RedisConnection c(o);
    auto r = c.connect();
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code, ErrorCode::DependencyUnavailable);
    EXPECT_EQ(r.error().detail, "redis unavailable");
    EXPECT_NE(r.error().internal.find("AUTH"), std::string::npos) << r.error().internal;
    EXPECT_EQ(r.error().internal.find("not-the-password"), std::string::npos) << r.error().internal;
    EXPECT_FALSE(c.connected());

    auto cmd = c.command({"PING"});
    ASSERT_FALSE(cmd.ok());
    EXPECT_EQ(cmd.error().code, ErrorCode::DependencyUnavailable);
}

TEST(RedisConnection, TlsVerifyPeerWithoutTheCaFails) {
    RedisOptions o = testing::tlsRedisOptions();
    o.caFile.clear();  // system roots cannot have signed the test server's certificate
    RedisConnection c(o);
    auto r = c.connect();
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code, ErrorCode::DependencyUnavailable);
    EXPECT_NE(r.error().internal.find("certificate"), std::string::npos) << r.error().internal;
    EXPECT_FALSE(c.connected());
}

TEST(RedisConnection, TlsWithoutVerificationStillEncryptsAndAuthenticates) {
    RedisOptions o = testing::tlsRedisOptions();
    o.caFile.clear();
    o.verifyPeer = false;
    RedisConnection c(o);
    auto r = c.connect();
    ASSERT_TRUE(r.ok()) << r.error().internal;
    EXPECT_EQ(mustCommand(c, {"PING"}).str, "PONG");
}

TEST(RedisConnection, MissingCaFileIsUnavailable) {
    RedisOptions o = testing::tlsRedisOptions();
    o.caFile = "/nonexistent/ca.crt";
    RedisConnection c(o);
    auto r = c.connect();
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code, ErrorCode::DependencyUnavailable);
    EXPECT_NE(r.error().internal.find("/nonexistent/ca.crt"), std::string::npos) << r.error().internal;
}

TEST(RedisConnection, PlainClientAgainstTlsServerIsUnavailable) {
    RedisOptions o = testing::tlsRedisOptions();
    o.endpoint.tls = false;
    RedisConnection c(o);
    auto r = c.connect();  // AUTH is the first thing sent; the TLS server drops the non-TLS bytes
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code, ErrorCode::DependencyUnavailable) << r.error().internal;
    EXPECT_FALSE(c.connected());
}

}  // namespace
}  // namespace boxoffice::redis
