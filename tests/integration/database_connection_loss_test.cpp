// PostgreSQL connections that go away: terminated backends, a host that disappears.
#include "database_fixture.hpp"

namespace {

using namespace boxoffice::testing::database;

int pgPort() {
    const std::string& url = TestEnv::get().pgUrl;  // postgresql://app@127.0.0.1:PORT/postgres
    const auto colon = url.rfind(':');
    return std::stoi(url.substr(colon + 1, url.find('/', colon) - colon - 1));
}

// Forwards loopback TCP to PostgreSQL until stop(): then every connection drops and the port
// refuses new ones, which is what the pool sees when the database host goes away.
class TcpProxy {
public:
    explicit TcpProxy(int targetPort) : targetPort_(targetPort) {
        listenFd_ = ::socket(AF_INET, SOCK_STREAM, 0);
        sockaddr_in addr{};
        addr.sin_family = AF_INET;
        addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        if (::bind(listenFd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 || ::listen(listenFd_, 64) != 0) {
            throw std::runtime_error("proxy: cannot listen");
        }
        socklen_t len = sizeof addr;
        ::getsockname(listenFd_, reinterpret_cast<sockaddr*>(&addr), &len);
        port_ = ntohs(addr.sin_port);
        if (::pipe(wake_) != 0) throw std::runtime_error("proxy: pipe failed");
        thread_ = std::thread([this] { loop(); });
    }
    ~TcpProxy() {
        stop();
        ::close(wake_[0]);
        ::close(wake_[1]);
    }
    TcpProxy(const TcpProxy&) = delete;
    TcpProxy& operator=(const TcpProxy&) = delete;

    int port() const { return port_; }

    void stop() {
        if (!thread_.joinable()) return;
        const char byte = 'x';
        [[maybe_unused]] auto n = ::write(wake_[1], &byte, 1);
        thread_.join();
        ::close(listenFd_);
        for (const auto& [fd, peer] : peers_) ::close(fd);
        peers_.clear();
    }

private:
    void loop() {
        for (;;) {
            std::vector<pollfd> fds{{wake_[0], POLLIN, 0}, {listenFd_, POLLIN, 0}};
            for (const auto& [fd, peer] : peers_) fds.push_back({fd, POLLIN, 0});
            if (::poll(fds.data(), fds.size(), 1000) < 0) continue;
            if (fds[0].revents != 0) return;
            if ((fds[1].revents & POLLIN) != 0) accept();
            for (std::size_t i = 2; i < fds.size(); ++i) {
                if (fds[i].revents == 0 || peers_.count(fds[i].fd) == 0) continue;
                char buf[65536];
                const ssize_t n = ::read(fds[i].fd, buf, sizeof buf);
                const int peer = peers_[fds[i].fd];
                if (n <= 0 || !writeAll(peer, buf, static_cast<std::size_t>(n))) {
                    ::close(fds[i].fd);
                    ::close(peer);
                    peers_.erase(fds[i].fd);
                    peers_.erase(peer);
                }
            }
        }
    }
    void accept() {
        const int client = ::accept(listenFd_, nullptr, nullptr);
        if (client < 0) return;
        const int upstream = ::socket(AF_INET, SOCK_STREAM, 0);
        sockaddr_in addr{};
        addr.sin_family = AF_INET;
        addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        addr.sin_port = htons(static_cast<std::uint16_t>(targetPort_));
        if (::connect(upstream, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
            ::close(client);
            ::close(upstream);
            return;
        }
        peers_[client] = upstream;
        peers_[upstream] = client;
    }
    static bool writeAll(int fd, const char* data, std::size_t size) {
        while (size > 0) {
            const ssize_t n = ::write(fd, data, size);
            if (n <= 0) return false;
            data += n;
            size -= static_cast<std::size_t>(n);
        }
        return true;
    }

    int targetPort_;
    int listenFd_ = -1;
    int port_ = 0;
    int wake_[2] = {-1, -1};
    std::map<int, int> peers_;  // fd -> the fd it forwards to; touched by the loop thread only until stop()
    std::thread thread_;
};

// Kills one server backend from another connection, as a failover or an idle-timeout would.
void terminateBackend(int pid) {
    DatabaseOptions o;
    o.url = TestEnv::get().pgUrl;
    o.poolSize = 1;
    auto admin = Database::open(o);
    int terminated = 0;
    ASSERT_TRUE(admin
                    ->run([&](soci::session& s) {
                        s << "SELECT CAST(pg_terminate_backend(:p) AS INTEGER)", soci::use(pid), soci::into(terminated);
                    })
                    .ok());
    ASSERT_EQ(terminated, 1);
    for (int i = 0; i < 100; ++i) {  // the backend exits asynchronously
        long long alive = 0;
        ASSERT_TRUE(admin
                        ->run([&](soci::session& s) {
                            s << "SELECT count(*) FROM pg_stat_activity WHERE pid = :p", soci::use(pid),
                                soci::into(alive);
                        })
                        .ok());
        if (alive == 0) return;
        std::this_thread::sleep_for(20ms);
    }
    FAIL() << "backend " << pid << " still alive";
}

TEST(DatabasePostgres, TerminatedBackendIsReconnectedAndRunRetried) {
    const std::string url = boxoffice::testing::createPgDatabase("dbreconnect");
    DatabaseOptions o;
    o.url = url;
    o.poolSize = 1;
    auto db = Database::open(o);
    int before = 0;
    ASSERT_TRUE(db->run([&](soci::session& s) { s << "SELECT pg_backend_pid()", soci::into(before); }).ok());

    terminateBackend(before);

    int after = 0;
    int calls = 0;
    const auto r = db->run([&](soci::session& s) {
        ++calls;
        s << "SELECT pg_backend_pid()", soci::into(after);
    });
    ASSERT_TRUE(r.ok()) << r.error().internal;
    EXPECT_EQ(calls, 2);  // failed on the dead connection, succeeded on the new one
    EXPECT_NE(after, before);
    EXPECT_NE(after, 0);
}

TEST(DatabasePostgres, TransactIsNotRetriedOnceStarted) {
    const std::string url = boxoffice::testing::createPgDatabase("dbtxlost");
    DatabaseOptions o;
    o.url = url;
    o.poolSize = 1;
    auto db = Database::open(o);
    int calls = 0;
    const auto r = db->transact([&](soci::session& s) -> Result<void> {
        ++calls;
        int pid = 0;
        s << "SELECT pg_backend_pid()", soci::into(pid);
        terminateBackend(pid);
        s << "SELECT 1";
        return {};
    });
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code, ErrorCode::DependencyUnavailable) << r.error().internal;
    EXPECT_EQ(calls, 1);
    EXPECT_TRUE(db->ping().ok());  // and the pool heals on the next lease
}

TEST(DatabasePostgres, PingReportsUnavailableWhenTheServerGoesAway) {
    const std::string url = boxoffice::testing::createPgDatabase("dbgone");
    const std::string dbName = url.substr(url.rfind('/') + 1);
    auto proxy = std::make_unique<TcpProxy>(pgPort());
    DatabaseOptions o;
    o.url = "postgresql://app@127.0.0.1:" + std::to_string(proxy->port()) + "/" + dbName;
    o.poolSize = 2;
    o.connectTimeout = 1000ms;
    auto db = Database::open(o);
    ASSERT_TRUE(db->ping().ok());

    proxy->stop();  // connections drop, and the port now refuses
    const auto start = Clock::now();
    const auto ping = db->ping();
    ASSERT_FALSE(ping.ok());
    EXPECT_EQ(ping.error().code, ErrorCode::DependencyUnavailable) << ping.error().internal;
    EXPECT_EQ(ping.error().detail, "database unavailable");
    const auto run = db->run([](soci::session& s) { s << "SELECT 1"; });
    ASSERT_FALSE(run.ok());
    EXPECT_EQ(run.error().code, ErrorCode::DependencyUnavailable) << run.error().internal;
    const auto tx = db->transact([](soci::session&) -> Result<void> { return {}; });
    ASSERT_FALSE(tx.ok());
    EXPECT_EQ(tx.error().code, ErrorCode::DependencyUnavailable) << tx.error().internal;
    EXPECT_LT(Clock::now() - start, 10s);
    EXPECT_EQ(db->inUse(), 0);
}

}  // namespace
