#include "storage/redis/redis_rate_limiter.hpp"

#include <atomic>
#include <memory>
#include <optional>

namespace boxoffice::redis {

namespace {

Result<admission::Decision> decode(const Result<Reply>& reply, const admission::Policy& policy,
                                   const LuaScript& script) {
    if (!reply) return reply.error();
    const Reply& r = *reply;
    if (r.type == Reply::Type::Error) return errorFromReply(r, script.name);
    if (r.type != Reply::Type::Array || r.elements.size() != 4) return unexpectedReply(script.name, r);
    for (const auto& e : r.elements)
        if (e.type != Reply::Type::Integer) return unexpectedReply(script.name, e);
    admission::Decision d;
    d.allowed = r.elements[0].integer == 1;
    d.remaining = r.elements[1].integer;
    d.retryAfter = r.elements[2].integer;
    d.resetAfter = r.elements[3].integer;
    d.limit = policy.limit;
    return d;
}

// The answers of one request's checks, gathered from whichever batcher thread gives each one.
struct Gathering {
    std::vector<admission::LimitCheck> checks;
    std::vector<std::optional<Result<admission::Decision>>> answers;
    std::atomic<std::size_t> left;
    admission::RateLimiter::Decided done;

    Gathering(std::vector<admission::LimitCheck> c, admission::RateLimiter::Decided d)
        : checks(std::move(c)), answers(checks.size()), left(checks.size()), done(std::move(d)) {}

    void answer(std::size_t i, Result<admission::Decision> decision) {
        answers[i] = std::move(decision);
        if (left.fetch_sub(1, std::memory_order_acq_rel) != 1) return;
        std::vector<Result<admission::Decision>> out;
        out.reserve(answers.size());
        for (auto& a : answers) out.push_back(std::move(*a));
        done(std::move(out));
    }
};

}  // namespace

RedisRateLimiter::RedisRateLimiter(RedisBatcher& batcher)
    : batcher_(batcher), script_(LuaScript::embedded("rate_limit.lua")) {}

std::string RedisRateLimiter::redisKey(const std::string& key) {
    // A '}' inside would end the tag early: the key stays one key in one slot either way.
    return "bx:rl:{" + key + "}";
}

void RedisRateLimiter::checkAll(std::vector<admission::LimitCheck> checks, admission::Micros, Decided done) {
    if (checks.empty()) return done({});
    auto gathering = std::make_shared<Gathering>(std::move(checks), std::move(done));
    std::vector<RedisBatcher::Command> commands;
    commands.reserve(gathering->checks.size());
    for (std::size_t i = 0; i < gathering->checks.size(); ++i) {
        const auto& c = gathering->checks[i];
        commands.push_back(
            {evalshaCommand(script_, {redisKey(c.key)},
                            {std::to_string(c.policy.emissionInterval()), std::to_string(c.policy.tolerance())}),
             &script_, [this, gathering, i](Result<Reply> reply) {
                 gathering->answer(i, decode(reply, gathering->checks[i].policy, script_));
             }});
    }
    batcher_.submitAll(std::move(commands));
}

}  // namespace boxoffice::redis
