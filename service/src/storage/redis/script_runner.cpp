#include "storage/redis/script_runner.hpp"

#include <openssl/evp.h>

#include <stdexcept>
#include <utility>

#include "storage/redis/redis_pool.hpp"
#include "util/sha256.hpp"

namespace boxoffice::redis {

// Generated from scripts/*.lua at build time (cmake/embed_files.cmake): {file name, content}.
const std::vector<std::pair<std::string, std::string>>& embeddedLuaScripts();

namespace {

Result<std::vector<Reply>> exchange(RedisConnection& connection, const std::vector<ScriptCommand>& batch,
                                    std::chrono::steady_clock::time_point deadline) {
    std::vector<const std::vector<std::string>*> argvs;
    argvs.reserve(batch.size());
    for (const auto& c : batch) argvs.push_back(c.argv);
    return connection.pipelineRefs(argvs, deadline);
}

// NOSCRIPT for some commands of a batch: LOAD each missing script (its SHA checked) and send those
// commands again, in one more round trip. The retry cannot overtake the LOAD on one connection.
Result<void> loadAndRetry(RedisConnection& connection, const std::vector<ScriptCommand>& batch,
                          std::vector<Reply>& replies, std::chrono::steady_clock::time_point deadline, int& exchanges) {
    std::vector<std::vector<std::string>> loads;
    std::vector<const LuaScript*> loaded;
    std::vector<std::size_t> again;
    for (std::size_t i = 0; i < batch.size(); ++i) {
        if (!isNoScript(replies[i]) || !batch[i].script || batch[i].script->fenced) continue;
        again.push_back(i);
        bool known = false;
        for (const auto* s : loaded) known = known || s == batch[i].script;
        if (!known) {
            loaded.push_back(batch[i].script);
            loads.push_back({"SCRIPT", "LOAD", batch[i].script->source});
        }
    }
    if (again.empty()) return {};
    std::vector<const std::vector<std::string>*> argvs;
    for (const auto& l : loads) argvs.push_back(&l);
    for (std::size_t i : again) argvs.push_back(batch[i].argv);
    ++exchanges;
    auto both = connection.pipelineRefs(argvs, deadline);
    if (!both) return std::move(both).error();
    for (std::size_t k = 0; k < loaded.size(); ++k) {
        const Reply& r = (*both)[k];
        if (r.type == Reply::Type::Error) {
            if (replyNeedsReconnect(r)) connection.close();
            return errorFromReply(r, loaded[k]->name + " SCRIPT LOAD");
        }
        // A proxy or a different server answering with another digest would run something else.
        if (r.str != loaded[k]->sha1) {
            return Error::internalError("redis " + loaded[k]->name + ": SCRIPT LOAD returned sha1 " + r.str +
                                        ", expected " + loaded[k]->sha1);
        }
    }
    for (std::size_t j = 0; j < again.size(); ++j) replies[again[j]] = std::move((*both)[loaded.size() + j]);
    return {};
}

bool anyNeedsReconnect(const std::vector<Reply>& replies) {
    for (const auto& r : replies)
        if (replyNeedsReconnect(r)) return true;
    return false;
}

// runBatch() without the health check: the attempts and repairs.
Result<std::vector<Reply>> runBatchOnce(RedisConnection& connection, const std::vector<ScriptCommand>& batch,
                                        std::chrono::steady_clock::time_point deadline, int* exchanges);

}  // namespace

namespace {

const std::string& embeddedSource(const std::string& file) {
    for (const auto& [name, content] : embeddedLuaScripts())
        if (name == file) return content;
    throw std::logic_error("Lua script " + file + " is not embedded in this build");
}

}  // namespace

LuaScript LuaScript::embedded(const std::string& file) {
    // Every script is loaded with the seat-owner prelude: the format is defined in one file.
    static const std::string& prelude = embeddedSource("owner.lua");
    const std::string source = prelude + "\n" + embeddedSource(file);
    return LuaScript{file, source, util::sha1Hex(source)};
}

LuaScript LuaScript::fencedFor(const std::string& owner) const {
    LuaScript s{name, source + "\n-- fenced: loaded by " + owner + " once the data was checked\n", {}, true};
    s.sha1 = util::sha1Hex(s.source);
    return s;
}

bool isNoScript(const Reply& reply) {
    return reply.type == Reply::Type::Error && reply.str.rfind("NOSCRIPT", 0) == 0;
}

std::vector<std::string> evalshaCommand(const LuaScript& script, const std::vector<std::string>& keys,
                                        const std::vector<std::string>& args) {
    std::vector<std::string> argv;
    argv.reserve(3 + keys.size() + args.size());
    argv.push_back("EVALSHA");
    argv.push_back(script.sha1);
    argv.push_back(std::to_string(keys.size()));
    argv.insert(argv.end(), keys.begin(), keys.end());
    argv.insert(argv.end(), args.begin(), args.end());
    return argv;
}

Result<std::vector<Reply>> runBatch(RedisConnection& connection, const std::vector<ScriptCommand>& batch,
                                    std::chrono::steady_clock::time_point deadline, int* exchanges,
                                    RedisHealth* health) {
    if (batch.empty()) return std::vector<Reply>{};
    if (health && !health->admit())
        return Error::of(ErrorCode::DependencyUnavailable, "redis unavailable",
                         "redis is not answering (a command timed out): failing fast until a probe succeeds");
    auto replies = runBatchOnce(connection, batch, deadline, exchanges);
    if (health) {
        if (replies)
            health->succeeded();
        else if (replies.error().code == ErrorCode::DependencyTimeout)
            health->timedOut();
    }
    return replies;
}

namespace {

Result<std::vector<Reply>> runBatchOnce(RedisConnection& connection, const std::vector<ScriptCommand>& batch,
                                        std::chrono::steady_clock::time_point deadline, int* exchanges) {
    int local = 0;
    int& count = exchanges ? *exchanges : local;
    for (int attempt = 1;; ++attempt) {
        // Only a connection that was up before this call can have died under us: a failure to
        // connect afresh is the server's state, and trying again at once would not change it.
        const bool reused = connection.connected();
        ++count;
        auto replies = exchange(connection, batch, deadline);
        const bool early = std::chrono::steady_clock::now() < deadline;
        if (!replies) {
            // A timeout is a slow or frozen server: waiting on it again would only be slower.
            if (attempt == 1 && reused && early && replies.error().code == ErrorCode::DependencyUnavailable) continue;
            return replies;
        }
        if (replies->size() != batch.size())
            return Error::of(ErrorCode::Internal, "internal error", "redis pipeline reply count");
        if (anyNeedsReconnect(*replies)) {
            // A failover turned this server into a replica: the next connect finds the primary.
            connection.close();
            if (attempt == 1 && early) continue;
            return replies;
        }
        if (auto loaded = loadAndRetry(connection, batch, *replies, deadline, count); !loaded) return loaded.error();
        return replies;
    }
}

}  // namespace

}  // namespace boxoffice::redis
