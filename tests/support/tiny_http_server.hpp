#pragma once
// A one-thread HTTP/1.1 server on 127.0.0.1:0 for tests that play a remote endpoint (the ECS
// credentials endpoint, an STS front). One request per connection, Content-Length bodies.
#include <atomic>
#include <functional>
#include <map>
#include <string>
#include <thread>

namespace boxoffice::testing {

struct TinyRequest {
    std::string method, target, body;
    std::map<std::string, std::string> headers;  // lower-case names
};
struct TinyResponse {
    int status = 200;
    std::string contentType = "application/json";
    std::string body;
};

class TinyHttpServer {
public:
    explicit TinyHttpServer(std::function<TinyResponse(const TinyRequest&)> handler);
    ~TinyHttpServer();
    int port() const { return port_; }
    std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }

private:
    void loop();
    std::function<TinyResponse(const TinyRequest&)> handler_;
    int fd_ = -1;
    int port_ = 0;
    std::atomic<bool> stop_{false};
    std::thread thread_;
};

/// Forwards TCP connections from 127.0.0.1:port() to `targetPort`, and can refuse them for a while
/// (an unreachable queue endpoint that comes back on the same address).
class TcpForwarder {
public:
    explicit TcpForwarder(int targetPort);
    ~TcpForwarder();
    int port() const { return port_; }
    /// Closes the listener and every open connection: new connections are refused.
    void down();
    /// Listens again on the same port.
    void up();

private:
    void listen();
    void acceptLoop(int fd);
    int targetPort_;
    int port_ = 0;
    std::atomic<int> listenFd_{-1};
    std::thread acceptor_;
};

}  // namespace boxoffice::testing
