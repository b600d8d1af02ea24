// RedisConnection against the real plain redis-server from TestEnv: commands, pipelines, error
// replies, the database from the URL, and reconnecting after the server dropped the connection (plain
// and TLS). TLS is in redis_connection_tls_test.cpp, deadlines in redis_connection_deadlines_test.cpp.
#include "storage/redis/redis_connection.hpp"

#include <string>
#include <vector>

#include "integration/redis_connection_support.hpp"

namespace boxoffice::redis {
namespace {

TEST(RedisConnection, PingSetGetEvalOnPlain) {
    RedisConnection c(testing::plainRedisOptions());
    ASSERT_TRUE(c.connect().ok());
    EXPECT_TRUE(c.connected());

    const Reply pong = mustCommand(c, {"PING"});
    EXPECT_EQ(pong.type, Reply::Type::Status);
    EXPECT_EQ(pong.str, "PONG");

    // Binary-safe: CR, LF and NUL go through hiredis's length-prefixed encoding untouched.
    const std::string value("seat\r\n\0A-12", 11);
    const Reply set = mustCommand(c, {"SET", key("k"), value});
    EXPECT_EQ(set.type, Reply::Type::Status);
    EXPECT_EQ(set.str, "OK");
    const Reply get = mustCommand(c, {"GET", key("k")});
    EXPECT_EQ(get.type, Reply::Type::String);
    EXPECT_EQ(get.str, value);
    EXPECT_EQ(mustCommand(c, {"GET", key("missing")}).type, Reply::Type::Nil);

    const Reply incr = mustCommand(c, {"INCRBY", key("n"), "41"});
    EXPECT_EQ(incr.type, Reply::Type::Integer);
    EXPECT_EQ(incr.integer, 41);

    const Reply eval = mustCommand(
        c, {"EVAL", "redis.call('SET', KEYS[1], ARGV[1]); return {1, redis.call('GET', KEYS[1]), {ARGV[2], -7}}", "1",
            key("lua"), "held", "nested"});
    ASSERT_EQ(eval.type, Reply::Type::Array);
    ASSERT_EQ(eval.elements.size(), 3u);
    EXPECT_EQ(eval.elements[0].type, Reply::Type::Integer);
    EXPECT_EQ(eval.elements[0].integer, 1);
    EXPECT_EQ(eval.elements[1].type, Reply::Type::String);
    EXPECT_EQ(eval.elements[1].str, "held");
    ASSERT_EQ(eval.elements[2].type, Reply::Type::Array);
    ASSERT_EQ(eval.elements[2].elements.size(), 2u);
    EXPECT_EQ(eval.elements[2].elements[0].str, "nested");
    EXPECT_EQ(eval.elements[2].elements[1].integer, -7);

    mustCommand(c, {"DEL", key("k"), key("n"), key("lua")});
}

TEST(RedisConnection, CommandConnectsOnDemand) {
    RedisConnection c(testing::plainRedisOptions());
    EXPECT_FALSE(c.connected());
    EXPECT_EQ(mustCommand(c, {"PING"}).str, "PONG");
    EXPECT_TRUE(c.connected());
    c.close();
    EXPECT_FALSE(c.connected());
}

TEST(RedisConnection, PipelineOf100RepliesInOrder) {
    RedisConnection c(testing::plainRedisOptions());
    std::vector<Args> commands;
    for (int i = 0; i < 100; ++i) {
        if (i % 2 == 0) {
            commands.push_back({"ECHO", "msg-" + std::to_string(i)});
        } else {
            commands.push_back({"INCR", key("counter")});
        }
    }
    auto replies = c.pipeline(commands);
    ASSERT_TRUE(replies.ok()) << replies.error().internal;
    ASSERT_EQ(replies->size(), 100u);
    long long expectedCount = 0;
    for (int i = 0; i < 100; ++i) {
        const Reply& r = (*replies)[static_cast<std::size_t>(i)];
        if (i % 2 == 0) {
            EXPECT_EQ(r.type, Reply::Type::String) << i;
            EXPECT_EQ(r.str, "msg-" + std::to_string(i));
        } else {
            EXPECT_EQ(r.type, Reply::Type::Integer) << i;
            EXPECT_EQ(r.integer, ++expectedCount);
        }
    }
    mustCommand(c, {"DEL", key("counter")});
}

TEST(RedisConnection, EmptyPipelineDoesNoIo) {
    RedisOptions o = localOptions(1, false);  // nothing listens on port 1
    RedisConnection c(o);
    auto replies = c.pipeline({});
    ASSERT_TRUE(replies.ok());
    EXPECT_TRUE(replies->empty());
    EXPECT_FALSE(c.connected());
}

TEST(RedisConnection, EmptyCommandIsAnInternalErrorAndKeepsTheConnection) {
    RedisConnection c(testing::plainRedisOptions());
    ASSERT_TRUE(c.connect().ok());
    auto r = c.command({});
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code, ErrorCode::Internal);
    EXPECT_TRUE(c.connected());
}

TEST(RedisConnection, ErrorReplyIsAValueAndTheConnectionStaysUsable) {
    RedisConnection c(testing::plainRedisOptions());
    mustCommand(c, {"SET", key("str"), "x"});

    const Reply wrongType = mustCommand(c, {"LPUSH", key("str"), "y"});
    EXPECT_EQ(wrongType.type, Reply::Type::Error);
    EXPECT_EQ(wrongType.str.rfind("WRONGTYPE", 0), 0u) << wrongType.str;
    EXPECT_TRUE(c.connected());
    EXPECT_EQ(mustCommand(c, {"PING"}).str, "PONG");

    auto replies = c.pipeline({{"PING"}, {"NOSUCHCOMMAND", "a"}, {"GET", key("str")}});
    ASSERT_TRUE(replies.ok()) << replies.error().internal;
    ASSERT_EQ(replies->size(), 3u);
    EXPECT_EQ((*replies)[0].type, Reply::Type::Status);
    EXPECT_EQ((*replies)[1].type, Reply::Type::Error);
    EXPECT_EQ((*replies)[2].str, "x");

    mustCommand(c, {"DEL", key("str")});
}

TEST(RedisConnection, SelectsTheDatabaseFromTheUrl) {
    RedisOptions inDb3 = testing::plainRedisOptions();
    inDb3.endpoint.db = 3;
    RedisConnection c3(inDb3);
    RedisConnection c0(testing::plainRedisOptions());

    mustCommand(c3, {"SET", key("db"), "three"});
    EXPECT_EQ(mustCommand(c3, {"GET", key("db")}).str, "three");
    EXPECT_EQ(mustCommand(c0, {"GET", key("db")}).type, Reply::Type::Nil);
    mustCommand(c3, {"DEL", key("db")});
}

// A server restart cannot be staged on the shared server; killing our own client connection
// from a second connection produces the same thing: a socket the server has closed under us.
void killedConnectionRecovers(const RedisOptions& options) {
    RedisConnection victim(options);
    RedisConnection killer(options);
    const Reply id = mustCommand(victim, {"CLIENT", "ID"});
    ASSERT_EQ(id.type, Reply::Type::Integer);
    const Reply killed = mustCommand(killer, {"CLIENT", "KILL", "ID", std::to_string(id.integer)});
    ASSERT_EQ(killed.type, Reply::Type::Integer);
    ASSERT_EQ(killed.integer, 1);

    auto failed = victim.command({"PING"});
    ASSERT_FALSE(failed.ok());
    EXPECT_EQ(failed.error().code, ErrorCode::DependencyUnavailable) << failed.error().internal;
    EXPECT_FALSE(victim.connected());

    auto reconnected = victim.connect();
    ASSERT_TRUE(reconnected.ok()) << reconnected.error().internal;
    EXPECT_EQ(mustCommand(victim, {"PING"}).str, "PONG");
    const Reply newId = mustCommand(victim, {"CLIENT", "ID"});
    EXPECT_NE(newId.integer, id.integer);
}

TEST(RedisConnection, ReconnectsAfterTheServerDropsThePlainConnection) {
    killedConnectionRecovers(testing::plainRedisOptions());
}

TEST(RedisConnection, ReconnectsAfterTheServerDropsTheTlsConnection) {
    killedConnectionRecovers(testing::tlsRedisOptions());
}

}  // namespace
}  // namespace boxoffice::redis
