// RedisConnection against the real plain and TLS+AUTH redis-servers from TestEnv, plus local
// sockets that refuse or never answer, for the failure paths.
#include "storage/redis/redis_connection.hpp"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <stdexcept>
#include <string>
#include <vector>

#include "support/redis_test_options.hpp"

namespace boxoffice::redis {
namespace {

using std::chrono::milliseconds;
using Clock = std::chrono::steady_clock;
using Args = std::vector<std::string>;

// Tests may run in parallel against the same server: every key carries the test's name and pid.
std::string key(const std::string& suffix) {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    return "test:redis_connection:" + std::to_string(::getpid()) + ":" + info->name() + ":" + suffix;
}

Reply mustCommand(RedisConnection& c, const Args& argv) {
    auto r = c.command(argv);
    if (!r) {
        ADD_FAILURE() << argv.front() << " failed: " << r.error().detail << " / " << r.error().internal;
        return Reply{};
    }
    return std::move(r).value();
}

long long elapsedMs(Clock::time_point start) {
    return std::chrono::duration_cast<milliseconds>(Clock::now() - start).count();
}

// A loopback TCP listener on port 0. The kernel completes handshakes on its own, so a client
// connects fine and then hears nothing: the shape of a hung or black-holed Redis.
class SilentListener {
public:
    SilentListener() {
        fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        sockaddr_in addr{};
        addr.sin_family = AF_INET;
        addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        addr.sin_port = 0;
        if (fd_ < 0 || ::bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 || ::listen(fd_, 8) != 0) {
            throw std::runtime_error("cannot open a loopback listener");
        }
        socklen_t len = sizeof addr;
        ::getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len);
        port_ = ntohs(addr.sin_port);
    }
    ~SilentListener() {
        for (int c : accepted_) ::close(c);
        if (fd_ >= 0) ::close(fd_);
    }
    SilentListener(const SilentListener&) = delete;
    SilentListener& operator=(const SilentListener&) = delete;

    int port() const { return port_; }
    // Only after a client connected; the accepted socket is held open and never written to.
    void acceptOne() {
        const int c = ::accept(fd_, nullptr, nullptr);
        if (c >= 0) accepted_.push_back(c);
    }
    // Closing the listener leaves a port that refuses connections (nothing else binds it soon).
    void closeListener() {
        ::close(fd_);
        fd_ = -1;
    }

private:
    int fd_ = -1;
    int port_ = 0;
    std::vector<int> accepted_;
};

RedisOptions localOptions(int port, bool tls) {
    RedisOptions o = testing::localRedisOptions(port);
    o.endpoint.tls = tls;
    o.verifyPeer = false;
    return o;
}

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

TEST(RedisConnection, TlsClientAgainstPlainServerFailsWithinTheConnectDeadline) {
    RedisOptions o = testing::plainRedisOptions();
    o.endpoint.tls = true;
    o.verifyPeer = false;
    o.connectTimeout = milliseconds(300);
    RedisConnection c(o);
    const auto start = Clock::now();
    auto r = c.connect();
    ASSERT_FALSE(r.ok());
    // Redis reads the ClientHello as an unfinished inline command and waits for a newline (a
    // timeout), unless one of its random bytes happens to be '\n' (an error reply: unavailable).
    EXPECT_TRUE(r.error().code == ErrorCode::DependencyTimeout || r.error().code == ErrorCode::DependencyUnavailable)
        << r.error().internal;
    EXPECT_LT(elapsedMs(start), 900);
    EXPECT_FALSE(c.connected());
}

TEST(RedisConnection, ClosedPortIsUnavailableQuickly) {
    SilentListener l;
    const int port = l.port();
    l.closeListener();

    RedisOptions o = localOptions(port, false);
    o.connectTimeout = milliseconds(2000);
    RedisConnection c(o);
    const auto start = Clock::now();
    auto r = c.connect();
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code, ErrorCode::DependencyUnavailable);
    EXPECT_NE(r.error().internal.find("refused"), std::string::npos) << r.error().internal;
    EXPECT_LT(elapsedMs(start), 500);  // refused at once, not after the 2 s connect budget
    EXPECT_FALSE(c.connected());
}

TEST(RedisConnection, SilentServerTimesOutWithinTheCommandDeadline) {
    SilentListener l;
    RedisOptions o = localOptions(l.port(), false);
    o.commandTimeout = milliseconds(300);
    RedisConnection c(o);
    ASSERT_TRUE(c.connect().ok());
    l.acceptOne();

    const auto start = Clock::now();
    auto r = c.command({"PING"});
    const long long took = elapsedMs(start);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code, ErrorCode::DependencyTimeout);
    EXPECT_EQ(r.error().detail, "redis timed out");
    EXPECT_GE(took, 290);
    EXPECT_LT(took, 900);  // generous: 3x the deadline on a noisy shared box
    EXPECT_FALSE(c.connected());
}

TEST(RedisConnection, SilentServerTimesOutTheTlsHandshake) {
    SilentListener l;
    RedisOptions o = localOptions(l.port(), true);
    o.connectTimeout = milliseconds(300);
    RedisConnection c(o);
    const auto start = Clock::now();
    auto r = c.connect();
    const long long took = elapsedMs(start);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code, ErrorCode::DependencyTimeout) << r.error().internal;
    EXPECT_GE(took, 290);
    EXPECT_LT(took, 900);
    EXPECT_FALSE(c.connected());
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
