#pragma once
// What the RedisConnection tests share (redis_connection_test.cpp, redis_connection_tls_test.cpp,
// redis_connection_deadlines_test.cpp): keys of their own per test, a command that must succeed, and
// the options of a local port.
#include <gtest/gtest.h>
#include <unistd.h>

#include <string>
#include <utility>
#include <vector>

#include "storage/redis/redis_connection.hpp"
#include "support/redis_test_options.hpp"

namespace boxoffice::redis {

using Args = std::vector<std::string>;

// Tests may run in parallel against the same server: every key carries the test's name and pid.
inline std::string key(const std::string& suffix) {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    return "test:redis_connection:" + std::to_string(::getpid()) + ":" + info->name() + ":" + suffix;
}

inline Reply mustCommand(RedisConnection& c, const Args& argv) {
    auto r = c.command(argv);
    if (!r) {
        ADD_FAILURE() << argv.front() << " failed: " << r.error().detail << " / " << r.error().internal;
        return Reply{};
    }
    return std::move(r).value();
}

inline RedisOptions localOptions(int port, bool tls) {
    RedisOptions o = testing::localRedisOptions(port);
    o.endpoint.tls = tls;
    o.verifyPeer = false;
    return o;
}

}  // namespace boxoffice::redis
