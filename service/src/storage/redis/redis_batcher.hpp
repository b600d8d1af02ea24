#pragma once
// Pipelines commands from many concurrent requests onto a few dedicated connections: each
// connection's thread takes whatever is queued, writes it in one go and reads the replies in
// order. No request thread waits on Redis; the reply comes back through its callback.
#include <condition_variable>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "storage/redis/redis_connection.hpp"

namespace boxoffice::redis {

class RedisBatcher {
public:
    using Callback = std::function<void(Result<Reply>)>;

    RedisBatcher(RedisOptions options, int connections, std::size_t maxBatch = 256);
    ~RedisBatcher();
    RedisBatcher(const RedisBatcher&) = delete;
    RedisBatcher& operator=(const RedisBatcher&) = delete;

    /// Queues an EVALSHA. `scriptSource` (must outlive the call) is loaded and the command
    /// retried once when Redis answers NOSCRIPT. `done` runs on a batcher thread.
    void submit(std::vector<std::string> evalsha, const std::string* scriptSource, Callback done);

private:
    struct Item {
        std::vector<std::string> argv;
        const std::string* script;
        Callback done;
    };
    void run(RedisConnection& connection);

    std::size_t maxBatch_;
    std::vector<std::unique_ptr<RedisConnection>> connections_;
    std::vector<std::thread> threads_;
    std::mutex mu_;
    std::condition_variable cv_;
    std::deque<Item> queue_;
    bool stopping_ = false;
};

}  // namespace boxoffice::redis
