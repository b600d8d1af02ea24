#pragma once
// GET /metrics on a listener of its own (its own port and threads), so scrapes keep working while
// the public port is saturated.
#include <prometheus/collectable.h>

#include <memory>
#include <string>
#include <vector>

namespace prometheus {
class Exposer;
}

namespace boxoffice::metrics {

class MetricsServer {
public:
    /// Listens on address:port (port 0 picks a free one). Throws std::runtime_error when it cannot.
    MetricsServer(const std::string& address, int port,
                  const std::vector<std::shared_ptr<prometheus::Collectable>>& collectables);
    ~MetricsServer();
    MetricsServer(const MetricsServer&) = delete;
    MetricsServer& operator=(const MetricsServer&) = delete;

    int port() const { return port_; }

private:
    std::vector<std::shared_ptr<prometheus::Collectable>> collectables_;  // the exposer holds weak pointers
    std::unique_ptr<prometheus::Exposer> exposer_;
    int port_ = 0;
};

}  // namespace boxoffice::metrics
