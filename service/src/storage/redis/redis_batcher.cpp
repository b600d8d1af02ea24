#include "storage/redis/redis_batcher.hpp"

namespace boxoffice::redis {

RedisBatcher::RedisBatcher(RedisOptions options, int connections, std::size_t maxBatch) : maxBatch_(maxBatch) {
    for (int i = 0; i < std::max(1, connections); ++i) {
        connections_.push_back(std::make_unique<RedisConnection>(options));
        threads_.emplace_back([this, c = connections_.back().get()] { run(*c); });
    }
}

RedisBatcher::~RedisBatcher() {
    {
        std::lock_guard lock(mu_);
        stopping_ = true;
    }
    cv_.notify_all();
    for (auto& t : threads_) t.join();
    // Nothing is left waiting for an answer that will never come.
    for (auto& item : queue_)
        item.done(Error{ErrorCode::DependencyUnavailable, "redis unavailable", {}, {}, "shutting down"});
}

void RedisBatcher::submit(std::vector<std::string> evalsha, const std::string* scriptSource, Callback done) {
    {
        std::lock_guard lock(mu_);
        queue_.push_back({std::move(evalsha), scriptSource, std::move(done)});
    }
    cv_.notify_one();
}

void RedisBatcher::run(RedisConnection& connection) {
    std::vector<Item> batch;
    std::vector<const std::vector<std::string>*> commands;
    for (;;) {
        batch.clear();
        {
            std::unique_lock lock(mu_);
            cv_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
            if (stopping_) return;
            while (!queue_.empty() && batch.size() < maxBatch_) {
                batch.push_back(std::move(queue_.front()));
                queue_.pop_front();
            }
        }
        commands.clear();
        for (const auto& item : batch) commands.push_back(&item.argv);  // no copy of the arguments
        auto replies = connection.pipelineRefs(commands);
        if (!replies || replies->size() != batch.size()) {
            Error e = replies ? Error{ErrorCode::Internal, "internal error", {}, {}, "redis pipeline reply count"}
                              : std::move(replies).error();
            for (auto& item : batch) item.done(e);
            continue;
        }
        for (std::size_t i = 0; i < batch.size(); ++i) {
            Reply& r = (*replies)[i];
            if (r.type == Reply::Type::Error && r.str.rfind("NOSCRIPT", 0) == 0 && batch[i].script) {
                // The script cache is empty (restart, failover, SCRIPT FLUSH): load and retry once.
                auto both = connection.pipeline({{"SCRIPT", "LOAD", *batch[i].script}, batch[i].argv});
                if (!both) {
                    batch[i].done(std::move(both).error());
                    continue;
                }
                batch[i].done(std::move(both->back()));
                continue;
            }
            batch[i].done(std::move(r));
        }
    }
}

}  // namespace boxoffice::redis
