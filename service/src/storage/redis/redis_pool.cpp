#include "storage/redis/redis_pool.hpp"

#include <stdexcept>
#include <utility>

namespace boxoffice::redis {

RedisLease::RedisLease(RedisLease&& other) noexcept
    : pool_(std::exchange(other.pool_, nullptr)), slot_(other.slot_), deadline_(other.deadline_) {}

RedisLease::~RedisLease() {
    if (pool_ != nullptr) pool_->giveBack(slot_);
}

Result<Reply> RedisLease::command(const std::vector<std::string>& argv, const LuaScript* script) {
    auto replies = run({ScriptCommand{&argv, script}});
    if (!replies) return std::move(replies).error();
    return std::move(replies->front());
}

Result<std::vector<Reply>> RedisLease::run(const std::vector<ScriptCommand>& batch) {
    int exchanges = 0;
    auto replies = runBatch(*pool_->connections_[slot_], batch, deadline_, &exchanges, pool_->health_);
    pool_->roundTrips_.fetch_add(static_cast<std::uint64_t>(exchanges), std::memory_order_relaxed);
    return replies;
}

void RedisLease::discard() {
    pool_->connections_[slot_]->close();
}

RedisPool::RedisPool(RedisOptions options, int size, std::chrono::milliseconds wait, RedisHealth* health)
    : wait_(wait), commandTimeout_(options.commandTimeout), health_(health) {
    // Zero would mean "fail at once" for the wait and "no connections" for the size: both are
    // configuration mistakes, caught at start-up rather than as a 503 under load.
    if (size <= 0) throw std::invalid_argument("redis pool size must be positive");
    if (wait.count() <= 0) throw std::invalid_argument("redis pool wait must be positive");
    connections_.reserve(static_cast<std::size_t>(size));
    free_.reserve(static_cast<std::size_t>(size));
    for (int i = 0; i < size; ++i) {
        connections_.push_back(std::make_unique<RedisConnection>(options));
        free_.push_back(static_cast<std::size_t>(size - 1 - i));
    }
}

RedisPool::~RedisPool() = default;

RedisPool::PoolStats RedisPool::poolStats() {
    PoolStats s{acquired_.load(std::memory_order_relaxed), exhausted_.load(std::memory_order_relaxed),
                static_cast<double>(waitNanos_.load(std::memory_order_relaxed)) / 1e9, 0, 0};
    for (const auto& c : connections_) s.reconnects += c->reconnects();
    std::lock_guard lock(mu_);
    s.inUse = static_cast<int>(connections_.size() - free_.size());
    return s;
}

Result<RedisLease> RedisPool::lease() {
    const auto started = std::chrono::steady_clock::now();
    const auto deadline = started + commandTimeout_;
    std::unique_lock lock(mu_);
    // Waiting longer than the answer is due would only turn a 503 into a later 503.
    const bool got = freed_.wait_for(lock, std::min(wait_, commandTimeout_), [this] { return !free_.empty(); });
    waitNanos_.fetch_add(
        static_cast<std::uint64_t>(
            std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now() - started).count()),
        std::memory_order_relaxed);
    (got ? acquired_ : exhausted_).fetch_add(1, std::memory_order_relaxed);
    if (!got) {
        return Error::of(ErrorCode::DependencyUnavailable, "redis unavailable",
                         "redis pool exhausted: no free connection within " +
                             std::to_string(std::min(wait_, commandTimeout_).count()) + " ms");
    }
    const std::size_t slot = free_.back();
    free_.pop_back();
    return RedisLease(this, slot, deadline);
}

void RedisPool::giveBack(std::size_t slot) {
    {
        std::lock_guard lock(mu_);
        free_.push_back(slot);
    }
    freed_.notify_one();
}

Result<Reply> RedisPool::call(const std::vector<std::string>& argv) {
    auto lease = this->lease();
    if (!lease) return std::move(lease).error();
    return lease->command(argv);
}

namespace {

bool startsWithWord(const std::string& text, std::string_view word) {
    return text.size() >= word.size() && text.compare(0, word.size(), word) == 0 &&
           (text.size() == word.size() || text[word.size()] == ' ');
}

}  // namespace

bool replyNeedsReconnect(const Reply& reply) {
    return reply.type == Reply::Type::Error &&
           (startsWithWord(reply.str, "READONLY") || startsWithWord(reply.str, "MASTERDOWN"));
}

Error unexpectedReply(std::string_view what, const Reply& r) {
    std::string shape;
    switch (r.type) {
        case Reply::Type::Nil:
            shape = "nil";
            break;
        case Reply::Type::Status:
            shape = "status " + r.str;
            break;
        case Reply::Type::Error:
            shape = "error " + r.str;
            break;
        case Reply::Type::Integer:
            shape = "integer " + std::to_string(r.integer);
            break;
        case Reply::Type::String:
            shape = "string " + r.str;
            break;
        case Reply::Type::Array:
            shape = "array of " + std::to_string(r.elements.size());
            break;
    }
    return Error::internalError("redis " + std::string(what) + ": unexpected reply: " + shape);
}

Error errorFromReply(const Reply& reply, std::string_view what) {
    std::string internal = "redis " + std::string(what) + ": " + reply.str;
    // Each of these goes away without our help: a replica promoted, the dataset loaded, the
    // script finished, memory freed. Callers should see "try again", not a bug.
    for (const std::string_view transient :
         {"LOADING", "BUSY", "READONLY", "MASTERDOWN", "TRYAGAIN", "CLUSTERDOWN", "OOM"}) {
        if (startsWithWord(reply.str, transient)) {
            return Error::of(ErrorCode::DependencyUnavailable, "redis unavailable", std::move(internal));
        }
    }
    return Error::internalError(std::move(internal));
}

}  // namespace boxoffice::redis
