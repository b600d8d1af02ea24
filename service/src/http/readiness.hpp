#pragma once
// What /readyz reports: each dependency's check, and whether the process is draining for a stop.
#include <atomic>
#include <functional>
#include <string>
#include <vector>

#include "domain/result.hpp"

namespace boxoffice::http {

struct DependencyCheck {
    std::string name;                     // "database", "redis"
    std::function<Result<void>()> check;  // must return within its own deadlines
};

class Readiness {
public:
    void addCheck(DependencyCheck check) { checks_.push_back(std::move(check)); }
    const std::vector<DependencyCheck>& checks() const { return checks_; }
    void startDraining() { draining_.store(true); }
    bool draining() const { return draining_.load(); }

private:
    std::vector<DependencyCheck> checks_;
    std::atomic<bool> draining_{false};
};

}  // namespace boxoffice::http
