#include "util/random_id.hpp"

#include <gtest/gtest.h>

#include <set>
#include <string>
#include <thread>
#include <vector>

namespace boxoffice::util {
namespace {

TEST(RandomId, IsLowerCaseUuidV4) {
    RandomIdGenerator gen;
    for (int i = 0; i < 1000; ++i) {
        const std::string id = gen.next();
        ASSERT_TRUE(isUuid(id)) << id;
        EXPECT_EQ(id[14], '4') << id;
        EXPECT_NE(std::string("89ab").find(id[19]), std::string::npos) << id;
        for (const char c : id) EXPECT_FALSE(c >= 'A' && c <= 'Z') << id;
    }
}

TEST(RandomId, TwoGeneratorsDoNotRepeatEachOther) {
    RandomIdGenerator a;
    RandomIdGenerator b;
    std::set<std::string> seen;
    for (int i = 0; i < 1000; ++i) {
        EXPECT_TRUE(seen.insert(a.next()).second);
        EXPECT_TRUE(seen.insert(b.next()).second);
    }
}

TEST(RandomId, ConcurrentCallersGetDistinctIds) {
    RandomIdGenerator gen;
    constexpr int kThreads = 8;
    constexpr int kPerThread = 500;
    std::vector<std::vector<std::string>> results(kThreads);
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; ++t) {
        threads.emplace_back([&gen, &out = results[static_cast<std::size_t>(t)]] {
            for (int i = 0; i < kPerThread; ++i) out.push_back(gen.next());
        });
    }
    for (auto& th : threads) th.join();
    std::set<std::string> all;
    for (const auto& r : results) all.insert(r.begin(), r.end());
    EXPECT_EQ(all.size(), static_cast<std::size_t>(kThreads * kPerThread));
}

TEST(RandomId, IsUuidAcceptsAnyCaseAndRejectsShapes) {
    EXPECT_TRUE(isUuid("123e4567-e89b-42d3-a456-426614174000"));
    EXPECT_TRUE(isUuid("123E4567-E89B-42D3-A456-426614174000"));
    EXPECT_FALSE(isUuid(""));
    EXPECT_FALSE(isUuid("123e4567e89b42d3a456426614174000"));
    EXPECT_FALSE(isUuid("123e4567-e89b-42d3-a456-42661417400"));
    EXPECT_FALSE(isUuid("123e4567-e89b-42d3-a456-4266141740000"));
    EXPECT_FALSE(isUuid("123e4567-e89b-42d3-a456_426614174000"));
    EXPECT_FALSE(isUuid("g23e4567-e89b-42d3-a456-426614174000"));
    EXPECT_FALSE(isUuid("{23e4567-e89b-42d3-a456-426614174000"));
}

}  // namespace
}  // namespace boxoffice::util
