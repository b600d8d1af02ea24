// The Redis hold store's recovery side: a show's sold and pending seats loaded back from
// PostgreSQL (restore), the show's ready flag and sold count (showState), and the repair fence
// (generation, openHolds) that keeps holds closed until a restarted Redis was checked.
#include <algorithm>
#include <string>
#include <unordered_map>
#include <vector>

#include "storage/redis/hold_store_support.hpp"
#include "storage/redis/redis_hold_store.hpp"

namespace boxoffice::redis {

using hold_store::guarded;
using hold_store::kReadyField;
using hold_store::kSoldField;
using hold_store::parseInt;

namespace {

// Claims per restore call: each call blocks Redis while it runs, so a hall of 100k sold seats is
// loaded in ~100 short steps rather than one long stall of every other show.
constexpr std::size_t kRestoreChunk = 1000;

}  // namespace

Result<void> RedisHoldStore::restore(const ShowId& show, const std::vector<SeatClaim>& claims, EpochMs now) {
    return guarded("restore", [&]() -> Result<void> {
        std::size_t next = 0;
        // do/while: a show with nothing sold yet still needs the one call that marks it ready.
        do {
            const std::size_t end = std::min(claims.size(), next + kRestoreChunk);
            std::vector<std::string> keys{seatsKey(show), versionKey(show), dirtyRowsKey(show)};
            std::unordered_map<std::string, std::size_t> keyIndexOfUser;  // 1-based, as Lua sees KEYS
            std::vector<std::string> args{std::to_string(now), end == claims.size() ? "1" : "0"};
            args.reserve(2 + 5 * (end - next));
            for (; next < end; ++next) {
                const SeatClaim& c = claims[next];
                const auto [it, added] = keyIndexOfUser.emplace(c.userId.str(), keys.size() + 1);
                if (added) keys.push_back(userKey(show, c.userId));
                args.push_back(c.seatId.str());
                args.push_back(std::to_string(std::max<EpochMs>(c.expiresAt, 0)));
                args.push_back(c.orderId.str());
                args.push_back(c.userId.str());
                args.push_back(std::to_string(it->second));
            }
            auto reply = eval(restore_, keys, args);
            if (!reply) return std::move(reply).error();
            if (reply->type != Reply::Type::Integer) return unexpectedReply("restore", *reply);
        } while (next < claims.size());
        return {};
    });
}

Result<StoreShowState> RedisHoldStore::showState(const ShowId& show) {
    return guarded("showState", [&]() -> Result<StoreShowState> {
        auto reply = pool_.call({"HMGET", seatsKey(show), std::string(kReadyField), std::string(kSoldField)});
        if (!reply) return std::move(reply).error();
        if (reply->type == Reply::Type::Error) return errorFromReply(*reply, "showState");
        if (reply->type != Reply::Type::Array || reply->elements.size() != 2)
            return unexpectedReply("showState", *reply);
        StoreShowState out;
        out.ready = reply->elements[0].type == Reply::Type::String;
        std::int64_t sold = 0;
        if (reply->elements[1].type == Reply::Type::String && !parseInt(reply->elements[1].str, sold))
            return unexpectedReply("showState #sold", reply->elements[1]);
        out.soldSeats = sold;
        return out;
    });
}

namespace {

Result<std::string> runIdOf(const Reply& reply) {
    if (reply.type == Reply::Type::Error) return errorFromReply(reply, "generation");
    constexpr std::string_view kRunId = "run_id:";
    const auto at = reply.str.find(kRunId);
    if (reply.type != Reply::Type::String || at == std::string::npos) return unexpectedReply("INFO server", reply);
    const auto from = at + kRunId.size();
    const auto end = reply.str.find_first_of("\r\n", from);
    return reply.str.substr(from, end == std::string::npos ? std::string::npos : end - from);
}

}  // namespace

Result<std::string> RedisHoldStore::generation() {
    return guarded("generation", [&]() -> Result<std::string> {
        auto reply = pool_.call({"INFO", "server"});
        if (!reply) return std::move(reply).error();
        return runIdOf(*reply);
    });
}

bool RedisHoldStore::awaitsRepair() {
    return !holdsOpen_.load(std::memory_order_acquire);
}

Result<void> RedisHoldStore::openHolds(const std::string& generation) {
    return guarded("openHolds", [&]() -> Result<void> {
        auto lease = pool_.lease();
        if (!lease) return std::move(lease).error();
        // Both scripts that grant holds are fenced; the explicit one and the best-available one.
        const std::vector<std::string> load{"SCRIPT", "LOAD", hold_.source},
            loadBest{"SCRIPT", "LOAD", bestAvailable_.source}, info{"INFO", "server"};
        auto replies = lease->run(
            {ScriptCommand{&load, nullptr}, ScriptCommand{&loadBest, nullptr}, ScriptCommand{&info, nullptr}});
        if (!replies) return std::move(replies).error();
        for (const auto& [k, script] : {std::pair<std::size_t, const LuaScript*>{0, &hold_}, {1, &bestAvailable_}}) {
            const Reply& loaded = (*replies)[k];
            if (loaded.type == Reply::Type::Error) return errorFromReply(loaded, script->name + " SCRIPT LOAD");
            if (loaded.str != script->sha1)
                return Error::internalError("redis " + script->name + ": SCRIPT LOAD returned sha1 " + loaded.str +
                                            ", expected " + script->sha1);
        }
        auto runId = runIdOf((*replies)[2]);
        if (!runId) return std::move(runId).error();
        if (*runId != generation) {
            (void)lease->command({"SCRIPT", "FLUSH"});
            return Error::of(ErrorCode::DependencyUnavailable, "redis unavailable",
                             "redis restarted again while its data was being checked (run_id " + generation + " -> " +
                                 *runId + "): holds stay paused");
        }
        holdsOpen_.store(true, std::memory_order_release);
        return Result<void>{};
    });
}

}  // namespace boxoffice::redis
