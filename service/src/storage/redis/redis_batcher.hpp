#pragma once
// Pipelines commands from many concurrent requests onto a few dedicated connections: each
// connection's thread takes whatever is queued, writes it in one go and reads the replies in
// order. No request thread waits on Redis; the reply comes back through its callback.
#include <chrono>
#include <condition_variable>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "storage/redis/redis_connection.hpp"
#include "storage/redis/script_runner.hpp"

namespace boxoffice::redis {

class RedisBatcher {
public:
    using Callback = std::function<void(Result<Reply>)>;

    /// `maxQueued` bounds the commands waiting for a connection: past it submit() answers
    /// DependencyUnavailable at once rather than queueing work that could not be answered in time.
    /// `health` (not owned, may be shared with the pool) fails commands fast while Redis is frozen.
    RedisBatcher(RedisOptions options, int connections, std::size_t maxBatch = 256, std::size_t maxQueued = 8192,
                 RedisHealth* health = nullptr);
    ~RedisBatcher();
    RedisBatcher(const RedisBatcher&) = delete;
    RedisBatcher& operator=(const RedisBatcher&) = delete;

    /// Queues a command (an EVALSHA of `script`, or a plain one with nullptr), run by the script
    /// runner. Its answer is due one command timeout after this call: a command still queued then
    /// is never sent and fails with DependencyTimeout. `done` runs on a batcher thread, or here
    /// when the queue is full. `script` must outlive the call.
    void submit(std::vector<std::string> argv, const LuaScript* script, Callback done);

    /// One command of submitAll().
    struct Command {
        std::vector<std::string> argv;
        const LuaScript* script;
        Callback done;
    };
    /// Queues several commands at once, in order and under one lock: a free connection takes them
    /// into one pipeline (one round trip) unless the batch is full. Each is answered as submit()
    /// answers; when the queue has no room for all of them, none is queued.
    void submitAll(std::vector<Command> commands);

    /// Counters since start (the pool's meaning: acquired = commands sent, exhausted = refused
    /// for a full queue, waitSeconds = time queued), for metrics.
    struct Stats {
        std::uint64_t submitted = 0;
        std::uint64_t refused = 0;
        std::uint64_t expired = 0;
        double queuedSeconds = 0;
        std::uint64_t reconnects = 0;
        std::size_t queued = 0;
        std::uint64_t batches = 0;  // pipelines written: one round trip each
    };
    Stats stats();

private:
    struct Item {
        std::vector<std::string> argv;
        const LuaScript* script;
        Callback done;
        std::chrono::steady_clock::time_point queuedAt;
        std::chrono::steady_clock::time_point deadline;
    };
    void run(RedisConnection& connection);

    std::chrono::milliseconds commandTimeout_;
    std::size_t maxBatch_;
    std::size_t maxQueued_;
    RedisHealth* health_;
    std::vector<std::unique_ptr<RedisConnection>> connections_;
    std::vector<std::thread> threads_;
    std::mutex mu_;
    std::condition_variable cv_;
    std::deque<Item> queue_;
    bool stopping_ = false;
    std::uint64_t submitted_ = 0, refused_ = 0, expired_ = 0, batches_ = 0;  // guarded by mu_
    double queuedSeconds_ = 0;                                               // guarded by mu_
};

}  // namespace boxoffice::redis
