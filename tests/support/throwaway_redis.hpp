#pragma once
// A redis-server of a test's own, for what must not happen to the shared one (a stop, a restart).
// Started on a free loopback port, stopped by its PID, never by name.
#include <sys/types.h>

#include <string>

namespace boxoffice::testing {

class ThrowawayRedis {
public:
    ThrowawayRedis();
    ~ThrowawayRedis();
    ThrowawayRedis(const ThrowawayRedis&) = delete;
    ThrowawayRedis& operator=(const ThrowawayRedis&) = delete;

    int port() const { return port_; }
    std::string url() const { return "redis://127.0.0.1:" + std::to_string(port_); }
    /// Starts it (again) on the same port; returns once it answers PING. Throws when it does not.
    void start();
    /// Stops it and waits for it to exit.
    void stop();

private:
    int port_;
    std::string dir_;
    pid_t pid_ = -1;
};

}  // namespace boxoffice::testing
