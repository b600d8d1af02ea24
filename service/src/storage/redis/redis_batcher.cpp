#include "storage/redis/redis_batcher.hpp"

#include <algorithm>

namespace boxoffice::redis {

RedisBatcher::RedisBatcher(RedisOptions options, int connections, std::size_t maxBatch, std::size_t maxQueued,
                           RedisHealth* health)
    : commandTimeout_(options.commandTimeout),
      maxBatch_(maxBatch),
      maxQueued_(std::max<std::size_t>(1, maxQueued)),
      health_(health) {
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
        item.done(Error::of(ErrorCode::DependencyUnavailable, "redis unavailable", "shutting down"));
}

namespace {

Error queueFull(std::size_t maxQueued) {
    return Error::of(ErrorCode::DependencyUnavailable, "redis unavailable",
                     "redis pipeline queue full (" + std::to_string(maxQueued) + " commands waiting)");
}

}  // namespace

void RedisBatcher::submit(std::vector<std::string> argv, const LuaScript* script, Callback done) {
    const auto now = std::chrono::steady_clock::now();
    {
        std::lock_guard lock(mu_);
        if (queue_.size() < maxQueued_) {
            ++submitted_;
            queue_.push_back({std::move(argv), script, std::move(done), now, now + commandTimeout_});
            cv_.notify_one();
            return;
        }
        ++refused_;
    }
    done(queueFull(maxQueued_));
}

void RedisBatcher::submitAll(std::vector<Command> commands) {
    const auto now = std::chrono::steady_clock::now();
    {
        std::lock_guard lock(mu_);
        if (queue_.size() + commands.size() <= maxQueued_) {
            submitted_ += commands.size();
            for (auto& c : commands)
                queue_.push_back({std::move(c.argv), c.script, std::move(c.done), now, now + commandTimeout_});
            cv_.notify_one();
            return;
        }
        refused_ += commands.size();
    }
    for (auto& c : commands) c.done(queueFull(maxQueued_));
}

RedisBatcher::Stats RedisBatcher::stats() {
    Stats s;
    for (const auto& c : connections_) s.reconnects += c->reconnects();
    std::lock_guard lock(mu_);
    s.submitted = submitted_;
    s.refused = refused_;
    s.expired = expired_;
    s.queuedSeconds = queuedSeconds_;
    s.queued = queue_.size();
    s.batches = batches_;
    return s;
}

void RedisBatcher::run(RedisConnection& connection) {
    std::vector<Item> batch;
    std::vector<Item> late;
    std::vector<ScriptCommand> commands;
    for (;;) {
        batch.clear();
        late.clear();
        {
            std::unique_lock lock(mu_);
            cv_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
            if (stopping_) return;
            const auto now = std::chrono::steady_clock::now();
            while (!queue_.empty() && batch.size() < maxBatch_) {
                Item& front = queue_.front();
                queuedSeconds_ += std::chrono::duration<double>(now - front.queuedAt).count();
                // Its answer was due already (a frozen server held the connection): sending it
                // now could only make a late effect nobody waits for.
                (now >= front.deadline ? late : batch).push_back(std::move(front));
                queue_.pop_front();
            }
            expired_ += late.size();
            if (!batch.empty()) ++batches_;
        }
        for (auto& item : late)
            item.done(Error::of(ErrorCode::DependencyTimeout, "redis timed out",
                                "redis command waited past its deadline in the pipeline queue"));
        if (batch.empty()) continue;
        commands.clear();
        // FIFO: the first item's answer is due first, and no item may wait past its own deadline.
        auto deadline = batch.front().deadline;
        for (const auto& item : batch) {
            commands.push_back({&item.argv, item.script});
            deadline = std::min(deadline, item.deadline);
        }
        auto replies = runBatch(connection, commands, deadline, nullptr, health_);
        if (!replies) {
            for (auto& item : batch) item.done(replies.error());
            continue;
        }
        for (std::size_t i = 0; i < batch.size(); ++i) batch[i].done(std::move((*replies)[i]));
    }
}

}  // namespace boxoffice::redis
