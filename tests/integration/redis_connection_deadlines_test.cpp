// RedisConnection's failure paths against local sockets that refuse or never answer: each failure is
// reported within its deadline, as unavailable or as a timeout.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <stdexcept>
#include <vector>

#include "integration/redis_connection_support.hpp"

namespace boxoffice::redis {
namespace {

using std::chrono::milliseconds;
using Clock = std::chrono::steady_clock;

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

}  // namespace
}  // namespace boxoffice::redis
