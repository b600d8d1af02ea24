// The shows' overrides in memory: a change made here is seen at once, a reload replaces the
// snapshot, and a failed reload keeps the last good one (requests never read the database).
#include <gtest/gtest.h>

#include <map>
#include <mutex>
#include <thread>

#include "admission/show_rate_limit_cache.hpp"

namespace boxoffice::admission {
namespace {

class FakeRepository final : public ShowRateLimitRepository {
public:
    Result<std::vector<ShowRateLimits>> loadAll() override {
        std::lock_guard lock(mu);
        ++loads;
        if (down) return Error{ErrorCode::DependencyUnavailable, "database unavailable", {}, {}, "down", {}};
        std::vector<ShowRateLimits> out;
        for (const auto& [_, l] : rows) out.push_back(l);
        return out;
    }
    Result<void> replace(const ShowRateLimits& limits) override {
        std::lock_guard lock(mu);
        if (down) return Error{ErrorCode::DependencyUnavailable, "database unavailable", {}, {}, "down", {}};
        if (limits.show.str() == "missing") return Error::notFound("show");
        if (limits.empty())
            rows.erase(limits.show.str());
        else
            rows[limits.show.str()] = limits;
        return {};
    }
    std::mutex mu;
    std::map<std::string, ShowRateLimits> rows;
    bool down = false;
    int loads = 0;
};

ShowRateLimits holdsPerUser(const std::string& show, std::int64_t limit) {
    ShowRateLimits l;
    l.show = ShowId{show};
    l.of(Budget::Holds, Scope::User) = Rate{limit, std::chrono::seconds(1)};
    return l;
}

TEST(ShowRateLimitCache, ChangesAreSeenAtOnceAndReloadsReplaceTheSnapshot) {
    FakeRepository repo;
    repo.rows["a"] = holdsPerUser("a", 5);
    ShowRateLimitCache cache(repo, std::chrono::hours(1));
    ASSERT_NE(cache.find("a"), nullptr) << "loaded at start";
    EXPECT_EQ(cache.find("a")->of(Budget::Holds, Scope::User)->limit, 5);
    EXPECT_EQ(cache.find("b"), nullptr);

    ASSERT_TRUE(cache.replace(holdsPerUser("b", 2)));
    ASSERT_NE(cache.find("b"), nullptr);
    EXPECT_EQ(cache.find("b")->of(Budget::Holds, Scope::User)->limit, 2);
    EXPECT_EQ(cache.replace(holdsPerUser("missing", 1)).error().code, ErrorCode::NotFound);
    EXPECT_EQ(cache.find("missing"), nullptr);

    // Another replica changed "a" and removed "b": the next reload shows it.
    {
        std::lock_guard lock(repo.mu);
        repo.rows["a"] = holdsPerUser("a", 7);
        repo.rows.erase("b");
    }
    ASSERT_TRUE(cache.reload());
    EXPECT_EQ(cache.find("a")->of(Budget::Holds, Scope::User)->limit, 7);
    EXPECT_EQ(cache.find("b"), nullptr);

    // An empty override removes the show.
    ASSERT_TRUE(cache.replace(ShowRateLimits{ShowId{"a"}, {}, 0, {}}));
    EXPECT_EQ(cache.find("a"), nullptr);
}

TEST(ShowRateLimitCache, AFailedReloadKeepsTheLastSnapshot) {
    FakeRepository repo;
    repo.rows["a"] = holdsPerUser("a", 5);
    ShowRateLimitCache cache(repo, std::chrono::milliseconds(10));
    {
        std::lock_guard lock(repo.mu);
        repo.down = true;
    }
    EXPECT_FALSE(cache.reload());
    ASSERT_NE(cache.find("a"), nullptr);
    EXPECT_EQ(cache.find("a")->of(Budget::Holds, Scope::User)->limit, 5);
    // The background thread keeps trying.
    int before = 0;
    {
        std::lock_guard lock(repo.mu);
        before = repo.loads;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    std::lock_guard lock(repo.mu);
    EXPECT_GT(repo.loads, before);
}

}  // namespace
}  // namespace boxoffice::admission
