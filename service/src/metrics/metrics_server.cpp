#include "metrics/metrics_server.hpp"

#include <prometheus/exposer.h>

#include <stdexcept>

namespace boxoffice::metrics {

MetricsServer::MetricsServer(const std::string& address, int port,
                             const std::vector<std::shared_ptr<prometheus::Collectable>>& collectables)
    : collectables_(collectables) {
    const std::string where = address + ":" + std::to_string(port);
    try {
        // Two threads: a slow scraper cannot hold up the next one.
        exposer_ = std::make_unique<prometheus::Exposer>(where, 2);
    } catch (const std::exception& e) {
        throw std::runtime_error("cannot listen for metrics on " + where + ": " + e.what());
    }
    for (const auto& c : collectables_) exposer_->RegisterCollectable(c);
    const auto ports = exposer_->GetListeningPorts();
    if (ports.empty()) throw std::runtime_error("cannot listen for metrics on " + where);
    port_ = ports.front();
}

MetricsServer::~MetricsServer() = default;

}  // namespace boxoffice::metrics
