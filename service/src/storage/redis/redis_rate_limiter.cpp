#include "storage/redis/redis_rate_limiter.hpp"

namespace boxoffice::redis {

namespace {

Result<admission::Decision> decode(const Reply& r, const admission::Policy& policy, const LuaScript& script) {
    if (r.type == Reply::Type::Error) return errorFromReply(r, script.name);
    if (r.type != Reply::Type::Array || r.elements.size() != 4)
        return Error::internalError("redis rate_limit.lua: unexpected reply");
    for (const auto& e : r.elements)
        if (e.type != Reply::Type::Integer) return Error::internalError("redis rate_limit.lua: unexpected reply");
    admission::Decision d;
    d.allowed = r.elements[0].integer == 1;
    d.remaining = r.elements[1].integer;
    d.retryAfter = r.elements[2].integer;
    d.resetAfter = r.elements[3].integer;
    d.limit = policy.limit;
    return d;
}

}  // namespace

RedisRateLimiter::RedisRateLimiter(RedisPool& pool) : pool_(pool), script_(LuaScript::embedded("rate_limit.lua")) {}

std::string RedisRateLimiter::redisKey(const std::string& key) {
    // A '}' inside would end the tag early: the key stays one key in one slot either way.
    return "bx:rl:{" + key + "}";
}

Result<admission::Decision> RedisRateLimiter::check(const std::string& key, const admission::Policy& policy,
                                                    admission::Micros now) {
    auto all = checkAll({admission::LimitCheck{key, policy}}, now);
    return std::move(all.front());
}

std::vector<Result<admission::Decision>> RedisRateLimiter::checkAll(const std::vector<admission::LimitCheck>& checks,
                                                                    admission::Micros) {
    std::vector<Result<admission::Decision>> out;
    out.reserve(checks.size());
    std::vector<std::vector<std::string>> argvs;
    argvs.reserve(checks.size());
    for (const auto& c : checks)
        argvs.push_back(
            evalshaCommand(script_, {redisKey(c.key)},
                           {std::to_string(c.policy.emissionInterval()), std::to_string(c.policy.tolerance())}));
    std::vector<ScriptCommand> batch;
    batch.reserve(argvs.size());
    for (const auto& a : argvs) batch.push_back({&a, &script_});
    auto lease = pool_.lease();
    if (!lease) {
        for (std::size_t i = 0; i < checks.size(); ++i) out.push_back(lease.error());
        return out;
    }
    auto replies = lease->run(batch);
    if (!replies) {
        for (std::size_t i = 0; i < checks.size(); ++i) out.push_back(replies.error());
        return out;
    }
    for (std::size_t i = 0; i < checks.size(); ++i) out.push_back(decode((*replies)[i], checks[i].policy, script_));
    return out;
}

}  // namespace boxoffice::redis
