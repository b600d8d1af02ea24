// The HoldStore contract (hold_store_contract.hpp), run on every store: concurrency. Many threads on
// one store; the tests assert invariants over the final state (one winner per seat), not timings.
#include <atomic>
#include <barrier>
#include <map>
#include <mutex>
#include <random>
#include <thread>
#include <vector>

#include "integration/hold_store_contract.hpp"

namespace boxoffice::testing::hold_contract {
namespace {

// ---- concurrency ---------------------------------------------------------------------------

TEST_P(HoldStoreContract, RaceForOneSeatHasExactlyOneWinnerPerRound) {
    constexpr int kThreads = 200;
    constexpr int kRounds = 50;
    // A show per round: no release between rounds, so a stuck seat cannot hide a second winner.
    std::vector<ShowId> shows;
    for (int i = 0; i < kRounds; ++i) {
        shows.push_back(newShow());
        restore(shows.back());
    }
    std::vector<HoldRequest> requests;  // [round * kThreads + thread], built before the race
    for (int round = 0; round < kRounds; ++round)
        for (int t = 0; t < kThreads; ++t)
            requests.push_back(HoldRequest{
                newHoldId(shows[round]), shows[round], newUser(), {seat('C', 5)}, t0_, t0_ + kHoldTtl, 10, {}, {}});

    std::vector<std::atomic<int>> winners(kRounds);
    std::atomic<int> refused{0}, failures{0};
    std::barrier start(kThreads);
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; ++t) {
        threads.emplace_back([&, t] {
            for (int round = 0; round < kRounds; ++round) {
                start.arrive_and_wait();
                auto r = store().hold(requests[static_cast<std::size_t>(round * kThreads + t)]);
                if (!r)
                    ++failures;
                else if (r->kind == HoldResult::Kind::Held)
                    ++winners[static_cast<std::size_t>(round)];
                else if (r->kind == HoldResult::Kind::Unavailable)
                    ++refused;
            }
        });
    }
    for (auto& th : threads) th.join();

    EXPECT_EQ(failures.load(), 0);
    EXPECT_EQ(refused.load(), kRounds * (kThreads - 1));
    for (int round = 0; round < kRounds; ++round) {
        EXPECT_EQ(winners[static_cast<std::size_t>(round)].load(), 1) << "round " << round;
        const auto s = snapshot(t0_ + 1, &shows[static_cast<std::size_t>(round)]);
        EXPECT_EQ(s.held, 1) << "round " << round;
    }
}

TEST_P(HoldStoreContract, OverlappingRequestsNeverShareASeat) {
    restore(show_);
    constexpr int kUsers = 32;
    constexpr int kAttempts = 25;
    std::mutex mu;
    std::map<HoldId, std::vector<SeatId>> wins;
    std::atomic<int> failures{0};
    std::barrier start(kUsers);
    std::vector<std::thread> threads;
    for (int u = 0; u < kUsers; ++u) {
        std::vector<HoldRequest> mine;
        std::mt19937 rng(static_cast<unsigned>(u) * 7919U + 17U);
        const UserId user = newUser();
        for (int i = 0; i < kAttempts; ++i) {
            const char r = static_cast<char>('A' + std::uniform_int_distribution<int>(0, 3)(rng));
            const int len = std::uniform_int_distribution<int>(2, 4)(rng);
            const int from = std::uniform_int_distribution<int>(1, 11 - len)(rng);
            mine.push_back(request(user, row(r, from, len), t0_ + i));
        }
        threads.emplace_back([&, mine = std::move(mine)] {
            start.arrive_and_wait();
            for (const auto& req : mine) {
                auto r = store().hold(req);
                if (!r) {
                    ++failures;
                } else if (r->kind == HoldResult::Kind::Held) {
                    std::lock_guard lock(mu);
                    wins.emplace(req.holdId, req.seatIds);
                }
            }
        });
    }
    for (auto& th : threads) th.join();
    EXPECT_EQ(failures.load(), 0);
    ASSERT_FALSE(wins.empty());

    std::map<SeatId, HoldId> ownerOf;
    for (const auto& [id, seats] : wins) {
        for (const auto& s : seats) {
            const auto [it, fresh] = ownerOf.emplace(s, id);
            EXPECT_TRUE(fresh) << s.str() << " held by " << it->second.str() << " and " << id.str();
        }
        EXPECT_EQ(statusOfHold(id, t0_ + kAttempts), HoldStatus::Held);
    }
    const auto s = snapshot(t0_ + kAttempts);
    EXPECT_EQ(s.held, static_cast<int>(ownerOf.size()));
    for (const auto& [seatId, id] : ownerOf) {
        const long pos = seatIndex().find(seatId.str());
        ASSERT_GE(pos, 0);
        EXPECT_EQ(s.status[static_cast<std::size_t>(pos)], SeatStatus::Held) << seatId.str();
    }
}

TEST_P(HoldStoreContract, ConcurrentBestAvailableHoldsNeverShareASeat) {
    restore(show_);
    constexpr int kUsers = 24;
    std::mutex mu;
    std::map<HoldId, std::vector<SeatId>> wins;
    std::atomic<int> failures{0};
    std::barrier start(kUsers);
    std::vector<std::thread> threads;
    for (int u = 0; u < kUsers; ++u) {
        const UserId user = newUser();
        std::vector<HoldRequest> mine;
        for (int i = 0; i < 6; ++i) mine.push_back(pickRequest(user, 1 + (u + i) % 3, t0_ + i, u % 2 == 0));
        threads.emplace_back([&, mine = std::move(mine)] {
            start.arrive_and_wait();
            for (const auto& req : mine) {
                auto r = store().hold(req);
                if (!r) {
                    ++failures;
                } else if (r->kind == HoldResult::Kind::Held) {
                    std::lock_guard lock(mu);
                    wins.emplace(req.holdId, r->seatIds);
                }
            }
        });
    }
    for (auto& th : threads) th.join();
    EXPECT_EQ(failures.load(), 0);
    std::map<SeatId, HoldId> ownerOf;
    for (const auto& [id, seats] : wins) {
        for (const auto& s : seats) {
            const auto [it, fresh] = ownerOf.emplace(s, id);
            EXPECT_TRUE(fresh) << s.str() << " held by " << it->second.str() << " and " << id.str();
        }
        const auto h = find(id, t0_ + 10);
        ASSERT_TRUE(h.has_value());
        EXPECT_EQ(asSet(h->seatIds), asSet(seats));
    }
    // 24 users want up to 12 seats each from 40: the hall ends full, every seat in one hold.
    const auto s = snapshot(t0_ + 10);
    EXPECT_EQ(s.held, static_cast<int>(ownerOf.size()));
    EXPECT_GE(s.held, 36);
}

}  // namespace
}  // namespace boxoffice::testing::hold_contract
