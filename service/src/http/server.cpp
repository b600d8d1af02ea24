#include "http/server.hpp"

#include <pistache/listener.h>
#include <pistache/peer.h>
#include <pistache/tcp.h>
#include <sys/socket.h>

#include <condition_variable>
#include <thread>
#include <unordered_set>

#include "http/peer_wire.hpp"

namespace boxoffice::http {

namespace Pt = Pistache::Tcp;

// What every reactor's handler shares: the live connections (for the timeout ticker).
struct Server::Shared {
    Shared(Pipeline& p, ServerOptions o) : pipeline(p), options(std::move(o)) {}
    Pipeline& pipeline;
    ServerOptions options;
    std::mutex mu;
    std::unordered_set<std::shared_ptr<Connection>> connections;
    std::condition_variable wake;
    bool stopping = false;
    std::thread ticker;

    void tick() {
        std::unique_lock lock(mu);
        while (!stopping) {
            wake.wait_for(lock, std::chrono::milliseconds(100));
            if (stopping) break;
            const std::vector<std::shared_ptr<Connection>> live(connections.begin(), connections.end());
            lock.unlock();
            const auto now = Connection::Clock::now();
            for (const auto& c : live) c->onTick(now);
            lock.lock();
        }
    }
};

namespace {

constexpr const char* kConnectionKey = "bx.connection";

class TcpHandler final : public Pt::Handler {
public:
    explicit TcpHandler(std::shared_ptr<Server::Shared> shared) : shared_(std::move(shared)) {}

    std::shared_ptr<Pt::Handler> clone() const override { return std::make_shared<TcpHandler>(shared_); }

    void onConnection(const std::shared_ptr<Pt::Peer>& peer) override {
        auto connection =
            std::make_shared<Connection>(std::make_unique<PeerWire>(peer), shared_->pipeline, shared_->options.limits,
                                         shared_->options.timeouts, peer->address().host(), shared_->options.streams);
        peer->putData(kConnectionKey, connection);
        std::lock_guard lock(shared_->mu);
        shared_->connections.insert(std::move(connection));
    }

    void onInput(const char* buffer, size_t len, const std::shared_ptr<Pt::Peer>& peer) override {
        if (auto c = connectionOf(peer)) c->onInput(buffer, len);
    }

    void onDisconnection(const std::shared_ptr<Pt::Peer>& peer) override {
        auto c = connectionOf(peer);
        if (!c) return;
        c->onDisconnect();
        std::lock_guard lock(shared_->mu);
        shared_->connections.erase(c);
    }

private:
    static std::shared_ptr<Connection> connectionOf(const std::shared_ptr<Pt::Peer>& peer) {
        return std::static_pointer_cast<Connection>(peer->tryGetData(kConnectionKey));
    }

    std::shared_ptr<Server::Shared> shared_;
};

}  // namespace

Server::Server(ServerOptions options, Pipeline& pipeline)
    : options_(std::move(options)), pipeline_(pipeline), shared_(std::make_shared<Shared>(pipeline, options_)) {}

Server::~Server() {
    stop();
}

void Server::start() {
    Pistache::Address addr(options_.address, Pistache::Port(static_cast<std::uint16_t>(options_.port)));
    listener_ = std::make_unique<Pt::Listener>(addr);
    listener_->init(static_cast<size_t>(options_.threads), Pistache::Flags<Pt::Options>(Pt::Options::ReuseAddr),
                    "bx-http", 4096);
    listener_->setHandler(std::make_shared<TcpHandler>(shared_));
    try {
        listener_->bind();
        listener_->runThreaded();
    } catch (const std::exception& e) {
        listener_.reset();
        throw std::runtime_error("cannot listen on " + options_.address + ":" + std::to_string(options_.port) + ": " +
                                 e.what());
    }
    shared_->ticker = std::thread([s = shared_] { s->tick(); });
}

int Server::port() const {
    return listener_ ? static_cast<int>(static_cast<std::uint16_t>(listener_->getPort())) : 0;
}

bool Server::waitIdle(std::chrono::milliseconds timeout) const {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (pipeline_.inFlight() > 0) {
        if (std::chrono::steady_clock::now() >= deadline) return false;
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return true;
}

void Server::stop() {
    if (!listener_) return;
    pipeline_.stop();
    {
        std::lock_guard lock(shared_->mu);
        shared_->stopping = true;
    }
    shared_->wake.notify_all();
    if (shared_->ticker.joinable()) shared_->ticker.join();
    listener_->shutdown();
    listener_.reset();
    std::lock_guard lock(shared_->mu);
    for (const auto& c : shared_->connections) c->onDisconnect();
    shared_->connections.clear();
}

}  // namespace boxoffice::http
