#include "storage/redis/redis_idempotency_store.hpp"

#include <charconv>

namespace boxoffice::redis {

RedisIdempotencyStore::RedisIdempotencyStore(RedisPool& pool)
    : pool_(pool), script_(LuaScript::embedded("idempotency.lua")) {}

std::string RedisIdempotencyStore::recordKey(const UserId& user, const std::string& key) {
    // The user's length first: user ids and keys are free-form, so "a:b"+"c" and "a"+"b:c" differ.
    return "bx:idem:" + std::to_string(user.str().size()) + ":" + user.str() + ":" + key;
}

Result<Reply> RedisIdempotencyStore::run(const UserId& user, const std::string& key, std::vector<std::string> args) {
    const auto argv = evalshaCommand(script_, {recordKey(user, key)}, args);
    auto lease = pool_.lease();
    if (!lease) return std::move(lease).error();
    auto reply = lease->command(argv, &script_);
    if (!reply) return std::move(reply).error();
    if (reply->type == Reply::Type::Error) return errorFromReply(*reply, script_.name);
    return reply;
}

Result<IdempotencyClaim> RedisIdempotencyStore::claim(const UserId& user, const std::string& key,
                                                      const std::string& requestHash, EpochMs now, EpochMs expiresAt,
                                                      const IdempotencyLease& lease) {
    auto r = run(user, key,
                 {"claim", lease.owner, requestHash, std::to_string(now), std::to_string(lease.until),
                  std::to_string(expiresAt)});
    if (!r) return std::move(r).error();
    const auto bad = [&] { return unexpectedReply("idempotency claim", *r); };
    if (r->type != Reply::Type::Array || r->elements.empty()) return bad();
    const std::string& kind = r->elements[0].str;
    if (kind == "CLAIMED") return IdempotencyClaim{IdempotencyClaim::Kind::Claimed, 0, {}};
    if (kind == "MISMATCH") return IdempotencyClaim{IdempotencyClaim::Kind::Mismatch, 0, {}};
    if (kind == "INPROGRESS") return IdempotencyClaim{IdempotencyClaim::Kind::InProgress, 0, {}};
    if (kind == "REPLAY" && r->elements.size() == 3) {
        const std::string& text = r->elements[1].str;
        int status = 0;
        const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), status);
        if (ec != std::errc{} || end != text.data() + text.size()) return bad();
        return IdempotencyClaim{IdempotencyClaim::Kind::Replay, status, std::move(r->elements[2].str)};
    }
    return bad();
}

Result<void> RedisIdempotencyStore::complete(const UserId& user, const std::string& key, const std::string& owner,
                                             int status, const std::string& body) {
    auto r = run(user, key, {"complete", owner, std::to_string(status), body});
    if (!r) return std::move(r).error();
    return {};
}

Result<void> RedisIdempotencyStore::abandon(const UserId& user, const std::string& key, const std::string& owner) {
    auto r = run(user, key, {"abandon", owner});
    if (!r) return std::move(r).error();
    return {};
}

}  // namespace boxoffice::redis
