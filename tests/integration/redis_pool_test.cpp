// The Redis pool and the pipelining batcher: bounded waits for a connection, dead connections
// reconnected within the same call, every caller its own reply while batches overlap and across a
// script flush, and Redis going down answering every command with an error.
#include <gtest/gtest.h>

#include <chrono>
#include <condition_variable>
#include <future>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "storage/redis/redis_batcher.hpp"
#include "storage/redis/redis_pool.hpp"
#include "support/redis_test_options.hpp"
#include "support/throwaway_redis.hpp"

namespace boxoffice::redis {
namespace {

using std::chrono::milliseconds;
using SteadyClock = std::chrono::steady_clock;
using testing::plainRedisOptions;
using testing::ThrowawayRedis;

long long elapsedMs(SteadyClock::time_point start) {
    return std::chrono::duration_cast<milliseconds>(SteadyClock::now() - start).count();
}

TEST(RedisPool, WaitingForAFreeConnectionIsBounded) {
    RedisPool pool(plainRedisOptions(), 1, milliseconds(200));
    auto held = pool.lease();
    ASSERT_TRUE(held.ok());

    const auto start = SteadyClock::now();
    auto second = pool.lease();
    const long long waited = elapsedMs(start);
    ASSERT_FALSE(second.ok());
    EXPECT_EQ(second.error().code, ErrorCode::DependencyUnavailable);
    EXPECT_NE(second.error().internal.find("redis pool exhausted"), std::string::npos);
    EXPECT_GE(waited, 150);
    EXPECT_LT(waited, 1500);

    // Given back by the lease's destructor; a waiter gets it.
    std::thread waiter([&] {
        auto r = pool.call({"PING"});
        EXPECT_TRUE(r.ok());
        if (r.ok()) {
            EXPECT_EQ(r->str, "PONG");
        }
    });
    std::this_thread::sleep_for(milliseconds(50));
    { auto release = std::move(held).value(); }
    waiter.join();
}

// A pooled connection that died with the old server (a restart, a failover, an idle cut) used to
// fail its first call: the script runner now reconnects and sends the command again.
TEST(RedisPool, ADeadPooledConnectionIsReconnectedWithinTheSameCall) {
    ThrowawayRedis server;
    RedisPool pool(server.options(), 1, milliseconds(500));
    ASSERT_EQ(pool.call({"PING"})->str, "PONG");
    // Kill every client connection from the server's side: the pooled one is dead now.
    ASSERT_TRUE(pool.call({"CLIENT", "KILL", "TYPE", "normal", "SKIPME", "no"}).ok());
    auto first = pool.call({"PING"});
    ASSERT_TRUE(first.ok()) << first.error().internal;
    EXPECT_EQ(first->str, "PONG");
    EXPECT_EQ(pool.poolStats().reconnects, 1u);
}

// The pipelined path has the same repair: its connections died too.
TEST(RedisBatcherTest, ADeadPipelineConnectionIsReconnectedWithinTheSameCall) {
    ThrowawayRedis server;
    RedisBatcher batcher(server.options(), 1);
    RedisConnection admin(server.options());
    const auto ping = [&] {
        std::promise<Result<Reply>> p;
        batcher.submit({"PING"}, nullptr, [&](Result<Reply> r) { p.set_value(std::move(r)); });
        return p.get_future().get();
    };
    ASSERT_EQ(ping()->str, "PONG");
    ASSERT_TRUE(admin.command({"CLIENT", "KILL", "TYPE", "normal", "SKIPME", "yes"}).ok());
    auto first = ping();
    ASSERT_TRUE(first.ok()) << first.error().internal;
    EXPECT_EQ(first->str, "PONG");
}

// The batcher writes one batch while it hands out the replies of the one before: every caller
// must still get its own reply, including the callers whose command met an empty script cache.
TEST(RedisBatcherTest, EveryCallerGetsItsOwnReplyWhileBatchesOverlapAndAcrossAScriptFlush) {
    ThrowawayRedis server;  // SCRIPT FLUSH on the shared server would disturb parallel tests
    RedisConnection admin(server.options());
    const std::string script = "return ARGV[1]";
    auto loaded = admin.command({"SCRIPT", "LOAD", script});
    ASSERT_TRUE(loaded.ok());
    const std::string sha = loaded->str;
    const LuaScript lua{"inline.lua", script, sha};

    constexpr int kCallers = 4;
    constexpr int kPerCaller = 1500;
    std::mutex mu;
    std::condition_variable cv;
    std::vector<std::string> got(kCallers * kPerCaller);
    int answered = 0;
    int errors = 0;
    {
        RedisBatcher batcher(server.options(), 2, /*maxBatch=*/8);  // small batches: many overlaps
        std::vector<std::thread> callers;
        for (int c = 0; c < kCallers; ++c) {
            callers.emplace_back([&, c] {
                for (int i = 0; i < kPerCaller; ++i) {
                    const int n = c * kPerCaller + i;
                    if (c == 0 && i == kPerCaller / 2) {
                        // From here some commands meet NOSCRIPT and go through LOAD + retry.
                        EXPECT_EQ(admin.command({"SCRIPT", "FLUSH"})->str, "OK");
                    }
                    batcher.submit({"EVALSHA", sha, "0", std::to_string(n)}, &lua, [&, n](Result<Reply> r) {
                        std::lock_guard lock(mu);
                        if (r && r->type == Reply::Type::String)
                            got[static_cast<std::size_t>(n)] = r->str;
                        else
                            ++errors;
                        if (++answered == kCallers * kPerCaller) cv.notify_all();
                    });
                }
            });
        }
        for (auto& t : callers) t.join();
        std::unique_lock lock(mu);
        ASSERT_TRUE(cv.wait_for(lock, std::chrono::seconds(20), [&] { return answered == kCallers * kPerCaller; }))
            << answered << " of " << kCallers * kPerCaller << " answered";
    }
    EXPECT_EQ(errors, 0);
    for (int n = 0; n < kCallers * kPerCaller; ++n) ASSERT_EQ(got[static_cast<std::size_t>(n)], std::to_string(n));
}

// Redis going away answers every queued and in-flight command with an error, none is lost.
TEST(RedisBatcherTest, RedisGoingDownAnswersEveryCommandWithAnError) {
    auto server = std::make_unique<ThrowawayRedis>();
    RedisOptions options = server->options();
    options.connectTimeout = milliseconds(300);
    options.commandTimeout = milliseconds(300);
    std::mutex mu;
    std::condition_variable cv;
    int ok = 0, failed = 0;
    constexpr int kCommands = 2000;
    {
        RedisBatcher batcher(options, 2, 16);
        for (int n = 0; n < kCommands; ++n) {
            if (n == kCommands / 2) server.reset();
            batcher.submit({"PING"}, nullptr, [&](Result<Reply> r) {
                std::lock_guard lock(mu);
                (r && r->str == "PONG" ? ok : failed)++;
                cv.notify_all();
            });
        }
        std::unique_lock lock(mu);
        ASSERT_TRUE(cv.wait_for(lock, std::chrono::seconds(30), [&] { return ok + failed == kCommands; }));
    }
    EXPECT_GT(ok, 0);
    EXPECT_GT(failed, 0);
}

}  // namespace
}  // namespace boxoffice::redis
