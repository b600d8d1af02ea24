#pragma once
// A redis-server of a test's own, for what must not happen to the shared one (a stop, a restart,
// FLUSHALL, SCRIPT FLUSH, cluster mode). Started on a free loopback port without persistence
// (`--save ""`: a manual SAVE still writes an RDB it starts from again), stopped by its PID, never
// by name.
#include <sys/types.h>

#include <string>
#include <vector>

#include "storage/redis/redis_connection.hpp"

namespace boxoffice::testing {

class ThrowawayRedis {
public:
    /// `extra`: more redis-server flags (e.g. cluster mode).
    explicit ThrowawayRedis(std::vector<std::string> extra = {});
    ~ThrowawayRedis();
    ThrowawayRedis(const ThrowawayRedis&) = delete;
    ThrowawayRedis& operator=(const ThrowawayRedis&) = delete;

    int port() const { return port_; }
    std::string url() const { return "redis://127.0.0.1:" + std::to_string(port_); }
    /// Options for a client of this server, with short (300 ms) deadlines.
    redis::RedisOptions options() const;
    /// Starts it (again) on the same port; returns once it answers PING. Throws when it does not.
    void start();
    /// Stops it (SIGTERM, no save) and waits for it to exit.
    void stop();

private:
    int port_;
    std::vector<std::string> extra_;
    std::string dir_;
    pid_t pid_ = -1;
};

}  // namespace boxoffice::testing
