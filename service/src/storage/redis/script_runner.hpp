#pragma once
// The one way a command reaches Redis, for the pool and the pipelines alike: EVALSHA first; on
// NOSCRIPT (a restart, a failover, SCRIPT FLUSH) SCRIPT LOAD, the returned SHA checked, and the
// command sent again; on a dead connection (a pooled one that died with the old server) or on a
// server that is no longer the primary (READONLY, MASTERDOWN), reconnect and send once more - all
// within the caller's deadline. Every script the store runs is safe to run twice (a replay finds
// its own earlier effect and answers as the first run did), which is what makes the resend safe.
// A fenced script is the exception to the NOSCRIPT repair: a server that does not know it answers
// NOSCRIPT to the caller, and only its owner loads it, once the server's data was checked (the
// hold script: redis_hold_store.hpp, "Holds after a restart").
#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "domain/result.hpp"
#include "storage/redis/redis_connection.hpp"
#include "storage/redis/redis_health.hpp"

namespace boxoffice::redis {

/// A Lua script embedded at build time (scripts/*.lua, each after the seat-owner prelude
/// scripts/owner.lua), with its SHA-1 for EVALSHA.
struct LuaScript {
    std::string name;
    std::string source;
    std::string sha1;     // hex
    bool fenced = false;  // never loaded by runBatch: NOSCRIPT comes back to the caller

    /// Throws std::logic_error if `file` is not embedded in this build (a start-up failure).
    static LuaScript embedded(const std::string& file);
    /// This script, fenced, as `owner`'s own: the name is added as a comment, so its SHA-1 (the
    /// name Redis caches it under) is different from every other owner's.
    LuaScript fencedFor(const std::string& owner) const;
};

/// True for the reply of an EVALSHA whose script the server does not have.
bool isNoScript(const Reply& reply);

/// One command of a batch: its arguments (not copied) and, for an EVALSHA, its script.
struct ScriptCommand {
    const std::vector<std::string>* argv = nullptr;
    const LuaScript* script = nullptr;  // nullptr: a plain command
};

/// Runs `batch` pipelined on `connection` by `deadline`, with the repairs above. Returns one reply
/// per command, in order; a Redis error reply stays a Reply of Type::Error (translate it with
/// errorFromReply). A failed Result means no reply is known for any command of the batch.
/// `exchanges`, when given, is increased by the round trips it took. With `health`, a batch is not
/// sent at all while the server is taken for frozen (redis_health.hpp), and its outcome is noted.
Result<std::vector<Reply>> runBatch(RedisConnection& connection, const std::vector<ScriptCommand>& batch,
                                    std::chrono::steady_clock::time_point deadline, int* exchanges = nullptr,
                                    RedisHealth* health = nullptr);

/// EVALSHA `script` with `keys` and `args`, as a command for runBatch.
std::vector<std::string> evalshaCommand(const LuaScript& script, const std::vector<std::string>& keys,
                                        const std::vector<std::string>& args);

}  // namespace boxoffice::redis
