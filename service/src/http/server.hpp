#pragma once
// The HTTP/1.1 server: Pistache's listener, reactors and transport carry the bytes; framing,
// timeouts and answers are the project's own (http/connection, http/request_parser), and every
// request goes through the pipeline.
#include <chrono>
#include <memory>
#include <string>

#include "http/connection.hpp"
#include "http/pipeline.hpp"

namespace Pistache::Tcp {
class Listener;
}

namespace boxoffice::http {

struct ServerOptions {
    std::string address = "0.0.0.0";
    int port = 8080;  // 0: a free port
    int threads = 2;  // reactor threads
    FramingLimits limits;
    ConnectionTimeouts timeouts;
    StreamLimits streams;
};

class Server {
public:
    Server(ServerOptions options, Pipeline& pipeline);
    ~Server();
    Server(const Server&) = delete;
    Server& operator=(const Server&) = delete;

    /// Binds and serves on background threads. Throws std::runtime_error when the port is taken.
    void start();
    int port() const;
    /// Waits until no request is in flight, at most `timeout`; false when some are still running.
    bool waitIdle(std::chrono::milliseconds timeout) const;
    /// Finishes the requests the pipeline holds, then stops accepting and closes every connection.
    void stop();

    struct Shared;

private:
    ServerOptions options_;
    Pipeline& pipeline_;
    std::shared_ptr<Shared> shared_;
    std::unique_ptr<Pistache::Tcp::Listener> listener_;
};

}  // namespace boxoffice::http
