#include "storage/redis/redis_connection.hpp"

#include <atomic>
#include <charconv>
#include <climits>
#include <string_view>
#include <utility>

#include "storage/redis/redis_socket.hpp"

namespace boxoffice::redis {
namespace {

using Clock = std::chrono::steady_clock;

// Appends one command in RESP form (an array of bulk strings). Every argument carries its
// length, so binary arguments (CR, LF, NUL) need no care; written here rather than through
// redisFormatCommandArgv because this runs for every hold and needs no allocation of its own.
bool appendCommand(const std::vector<std::string>& argv, std::string& wire) {
    if (argv.empty() || argv.size() > static_cast<std::size_t>(INT_MAX)) return false;
    char num[24];
    const auto appendHeader = [&](char kind, std::size_t n) {
        wire.push_back(kind);
        const auto [end, ec] = std::to_chars(num, num + sizeof num, n);
        wire.append(num, end);
        wire.append("\r\n", 2);
    };
    appendHeader('*', argv.size());
    for (const auto& a : argv) {
        appendHeader('$', a.size());
        wire.append(a);
        wire.append("\r\n", 2);
    }
    return true;
}

}  // namespace

struct RedisConnection::Impl {
    explicit Impl(RedisOptions opts)
        : options(std::move(opts)),
          where("redis " + options.endpoint.host + ":" + std::to_string(options.endpoint.port) + ": "),
          socket(options) {}

    RedisOptions options;
    std::string where;
    RedisSocket socket;
    std::unique_ptr<ReplyReader> reader;
    bool ready = false;  // true only after TCP, TLS, AUTH and SELECT all succeeded
    bool connectedBefore = false;
    std::atomic<std::uint64_t> reconnects{0};  // read by metrics from another thread

    Error fail(Error e) {
        drop();
        e.internal.insert(0, where);
        return e;
    }

    void drop() {
        ready = false;
        socket.drop();
        reader.reset();
    }

    void closeGracefully() {
        if (ready) socket.closeGracefully();
        drop();
    }

    Result<std::vector<Reply>> readReplies(std::size_t count, const Budget& budget) {
        std::vector<Reply> replies;
        replies.reserve(count);
        while (replies.size() < count) {
            std::optional<Reply> reply;
            if (!reader->next(reply)) return redisUnavailable("protocol error: " + reader->error());
            if (reply) {
                replies.push_back(std::move(*reply));
                continue;
            }
            auto bytes = socket.readSome(budget);
            if (!bytes) return std::move(bytes).error();
            if (!reader->feed(*bytes)) {
                return redisUnavailable("protocol error: " + reader->error());
            }
        }
        return replies;
    }

    // Everything is written before anything is read. That cannot deadlock against Redis: it keeps
    // reading and queues replies in its client output buffer while we are not reading. (A proxy
    // that stops reading when its send side is full could stall us, but only until the deadline.)
    Result<std::vector<Reply>> exchange(std::string_view wire, std::size_t count, const Budget& budget) {
        if (auto w = socket.writeAll(wire, budget); !w) return w.error();
        return readReplies(count, budget);
    }

    Result<void> handshake(const Budget& budget) {
        const RedisEndpoint& ep = options.endpoint;
        std::string wire;
        std::vector<const char*> what;
        if (!ep.password.empty()) {
            if (ep.username.empty()) {
                appendCommand({"AUTH", ep.password}, wire);
            } else {
                appendCommand({"AUTH", ep.username, ep.password}, wire);
            }
            what.push_back("AUTH");
        }
        if (ep.db != 0) {
            appendCommand({"SELECT", std::to_string(ep.db)}, wire);
            what.push_back("SELECT");
        }
        if (what.empty()) return {};
        // AUTH and SELECT share one round trip; if AUTH fails, SELECT fails with NOAUTH too.
        auto replies = exchange(wire, what.size(), budget);
        if (!replies) return std::move(replies).error();
        for (std::size_t i = 0; i < what.size(); ++i) {
            const Reply& r = replies.value()[i];
            // Redis's AUTH errors never echo the password, so the text is safe to log.
            if (r.type == Reply::Type::Error) return redisUnavailable(std::string(what[i]) + " rejected: " + r.str);
        }
        return {};
    }

    Result<void> connect(std::optional<Clock::time_point> due = {}) {
        if (ready) return {};
        drop();
        // One budget covers TCP, TLS and AUTH/SELECT: the caller cares how long connecting took,
        // not which step was slow.
        Budget budget{Clock::now() + options.connectTimeout, options.connectTimeout, "connect"};
        if (due && *due < budget.deadline) budget.deadline = *due;
        if (auto r = socket.open(budget); !r) return fail(std::move(r).error());
        reader = std::make_unique<ReplyReader>();
        if (!reader->valid()) return fail(redisUnavailable("redisReaderCreate: out of memory"));
        if (auto r = handshake(budget); !r) return fail(std::move(r).error());
        ready = true;
        if (connectedBefore) reconnects.fetch_add(1, std::memory_order_relaxed);
        connectedBefore = true;
        return {};
    }

    Result<std::vector<Reply>> run(const std::string& wire, std::size_t count,
                                   std::optional<Clock::time_point> due = {}) {
        if (auto c = connect(due); !c) return std::move(c).error();
        Budget budget{Clock::now() + options.commandTimeout, options.commandTimeout, "command"};
        if (due && *due < budget.deadline) budget.deadline = *due;
        auto replies = exchange(wire, count, budget);
        if (!replies) return fail(std::move(replies).error());
        return replies;
    }
};

RedisConnection::RedisConnection(RedisOptions options) : impl_(std::make_unique<Impl>(std::move(options))) {}

RedisConnection::~RedisConnection() {
    impl_->closeGracefully();
}

Result<void> RedisConnection::connect() {
    return impl_->connect();
}

bool RedisConnection::connected() const {
    return impl_->ready;
}

std::uint64_t RedisConnection::reconnects() const {
    return impl_->reconnects.load(std::memory_order_relaxed);
}

void RedisConnection::close() {
    impl_->closeGracefully();
}

Result<Reply> RedisConnection::command(const std::vector<std::string>& argv) {
    std::string wire;
    if (!appendCommand(argv, wire)) return Error::internalError("redis: cannot encode an empty command");
    auto replies = impl_->run(wire, 1);
    if (!replies) return std::move(replies).error();
    return std::move(replies.value().front());
}

Result<std::vector<Reply>> RedisConnection::pipeline(const std::vector<std::vector<std::string>>& commands) {
    if (commands.empty()) return std::vector<Reply>{};
    std::string wire;
    for (const auto& argv : commands) {
        if (!appendCommand(argv, wire)) return Error::internalError("redis: cannot encode an empty command");
    }
    return impl_->run(wire, commands.size());
}

Result<std::vector<Reply>> RedisConnection::pipelineRefs(
    const std::vector<const std::vector<std::string>*>& commands,
    std::optional<std::chrono::steady_clock::time_point> deadline) {
    if (commands.empty()) return std::vector<Reply>{};
    std::string wire;
    for (const auto* argv : commands) {
        if (!appendCommand(*argv, wire)) return Error::internalError("redis: cannot encode an empty command");
    }
    return impl_->run(wire, commands.size(), deadline);
}

}  // namespace boxoffice::redis
