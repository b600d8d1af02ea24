#include "storage/redis/redis_queue_store.hpp"

namespace boxoffice::redis {

using admission::Place;
using admission::QueueState;
using admission::WaitingRoomSettings;

RedisQueueStore::RedisQueueStore(RedisPool& pool) : pool_(pool), script_(LuaScript::embedded("queue.lua")) {}

std::string RedisQueueStore::keyPrefix(const ShowId& show) {
    return "bx:{" + show.str() + "}:wr:";
}

Result<Place> RedisQueueStore::run(const char* op, const WaitingRoomSettings& room, const std::string& user,
                                   std::int64_t preQueueScore, EpochMs now) {
    const std::string p = keyPrefix(room.show);
    const auto argv =
        evalshaCommand(script_, {p + "q", p + "st", p + "adm", p + "act"},
                       {op, std::to_string(now), std::to_string(room.opensAt), std::to_string(room.admitRate),
                        std::to_string(room.maxActive), std::to_string(room.shoppingWindow.count()), user,
                        std::to_string(preQueueScore)});
    auto lease = pool_.lease();
    if (!lease) return std::move(lease).error();
    auto reply = lease->command(argv, &script_);
    if (!reply) return std::move(reply).error();
    const Reply& r = *reply;
    if (r.type == Reply::Type::Error) return errorFromReply(r, script_.name);
    if (r.type != Reply::Type::Array || r.elements.empty()) return unexpectedReply(script_.name, r);
    for (const auto& e : r.elements)
        if (e.type != Reply::Type::Integer) return unexpectedReply(script_.name, e);
    Place out;
    if (r.elements[0].integer == 0) return admission::stateLost();
    if (std::string_view(op) == "arm") return out;
    if (r.elements.size() != 14) return unexpectedReply(script_.name, r);
    const auto at = [&r](std::size_t i) { return r.elements[i].integer; };
    QueueState& s = out.room;
    s.size = at(1);
    s.admitted = at(2);
    s.active = at(3);
    s.held = at(4);
    s.abandoned = at(5);
    s.paused = at(6) == 1;
    s.opened = at(7) == 1;
    s.progress = {at(8), at(9)};
    out.joined = at(10) == 1;
    out.preQueue = at(11) == 1;
    out.rank = at(12);
    out.admittedAt = at(13);
    return out;
}

Result<void> RedisQueueStore::arm(const WaitingRoomSettings& room, EpochMs now) {
    auto r = run("arm", room, {}, 0, now);
    if (!r) return std::move(r).error();
    return {};
}

Result<Place> RedisQueueStore::join(const WaitingRoomSettings& room, const UserId& user, std::int64_t preQueueScore,
                                    EpochMs now) {
    return run("join", room, user.str(), preQueueScore, now);
}

Result<Place> RedisQueueStore::place(const WaitingRoomSettings& room, const UserId& user, EpochMs now) {
    return run("place", room, user.str(), 0, now);
}

namespace {
Result<QueueState> roomOf(Result<Place> p) {
    if (!p) return std::move(p).error();
    return p->room;
}
}  // namespace

Result<QueueState> RedisQueueStore::state(const WaitingRoomSettings& room, EpochMs now) {
    return roomOf(run("state", room, {}, 0, now));
}

Result<QueueState> RedisQueueStore::setPaused(const WaitingRoomSettings& room, bool paused, EpochMs now) {
    return roomOf(run(paused ? "pause" : "resume", room, {}, 0, now));
}

Result<QueueState> RedisQueueStore::held(const WaitingRoomSettings& room, const UserId& user, EpochMs now) {
    return roomOf(run("held", room, user.str(), 0, now));
}

}  // namespace boxoffice::redis
