// The waiting room's pure parts: admission tokens (signed, bound to user and show, short-lived),
// the admission arithmetic, validation, and the service over the in-process store with a fake
// clock (no network; the Redis store has the same contract, tests/integration).
#include <gtest/gtest.h>

#include <map>

#include "admission/admission_token.hpp"
#include "admission/memory_queue_store.hpp"
#include "admission/waiting_room.hpp"
#include "admission/waiting_room_cache.hpp"
#include "admission/waiting_room_service.hpp"
#include "support/fake_clock.hpp"

namespace boxoffice::admission {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

const std::string kSecret = "0123456789abcdef0123456789abcdef";

TEST(AdmissionTokens, AValidTokenVerifiesOnlyForItsUserAndShowAndUntilItExpires) {
    AdmissionTokens tokens(kSecret);
    const ShowId show{"show-1"};
    const UserId alice{"alice"};
    const std::string t = tokens.mint(show, alice, 10'000);
    EXPECT_TRUE(tokens.verify(t, show, alice, 9'999));
    for (auto [s, u, now, why] :
         {std::tuple{"show-2", "alice", 1, "another show"}, std::tuple{"show-1", "bob", 1, "another user"},
          std::tuple{"show-1", "alice", 10'000, "expired"}}) {
        auto r = tokens.verify(t, ShowId{s}, UserId{u}, now);
        ASSERT_FALSE(r) << why;
        EXPECT_EQ(r.error().code, ErrorCode::Forbidden);
        EXPECT_NE(r.error().detail.find(why), std::string::npos) << r.error().detail;
    }
}

TEST(AdmissionTokens, ForgedTamperedAndMalformedTokensAreRefused) {
    AdmissionTokens tokens(kSecret);
    AdmissionTokens other("another-secret-of-at-least-32-bytes!");
    const ShowId show{"show-1"};
    const UserId alice{"alice"};
    EXPECT_FALSE(tokens.verify(other.mint(show, alice, 10'000), show, alice, 1)) << "another secret";
    std::string t = tokens.mint(show, alice, 10'000);
    // A payload made for bob with alice's signature.
    const std::string bobs = tokens.mint(show, UserId{"bob"}, 10'000);
    const std::string spliced = bobs.substr(0, bobs.find('.')) + t.substr(t.find('.'));
    EXPECT_FALSE(tokens.verify(spliced, show, UserId{"bob"}, 1));
    std::string flipped = t;
    flipped.back() = flipped.back() == 'A' ? 'B' : 'A';
    EXPECT_FALSE(tokens.verify(flipped, show, alice, 1));
    for (const char* bad : {"", ".", "abc", "abc.", "!!!.???", "a.b.c"}) {
        auto r = tokens.verify(bad, show, alice, 1);
        ASSERT_FALSE(r) << bad;
        EXPECT_EQ(r.error().code, ErrorCode::Forbidden);
    }
    EXPECT_FALSE(tokens.verify(std::string(2000, 'a') + "." + "b", show, alice, 1));
    EXPECT_THROW(AdmissionTokens("short"), std::invalid_argument);
}

TEST(AdmissionArithmetic, TheRateAdmitsFractionsAndNeverPassesTheQueue) {
    EXPECT_DOUBLE_EQ(advancedByRate(0, 10, 250, 100), 2.5);
    EXPECT_DOUBLE_EQ(advancedByRate(2.5, 10, 50, 100), 3.0);
    EXPECT_DOUBLE_EQ(advancedByRate(0, 10, 60'000, 7), 7.0);
    EXPECT_DOUBLE_EQ(advancedByRate(3, 10, -5, 100), 3.0) << "a clock behind the last call admits nobody";
    EXPECT_EQ(advancedBySlots(4, 5, 2, 100), 7);
    EXPECT_EQ(advancedBySlots(4, 5, 9, 100), 4);
    EXPECT_EQ(advancedBySlots(4, 5, 0, 6), 6);
}

TEST(AdmissionArithmetic, EstimatedWait) {
    WaitingRoomSettings room;
    room.admitRate = 10;
    Place p;
    p.joined = true;
    p.rank = 105;
    p.room.admitted = 5;
    EXPECT_EQ(estimatedWaitSeconds(room, p), 11);  // 100 ahead at 10/s, rounded up
    p.room.paused = true;
    EXPECT_EQ(estimatedWaitSeconds(room, p), std::nullopt);
    p.room.paused = false;
    p.preQueue = true;
    EXPECT_EQ(estimatedWaitSeconds(room, p), std::nullopt);
    p.preQueue = false;
    p.admittedAt = 1;
    EXPECT_EQ(estimatedWaitSeconds(room, p), 0);
}

TEST(WaitingRoomValidation, ExactlyOneOfRateAndMaxActiveAndSaneDurations) {
    WaitingRoomSettings room;
    room.enabled = true;
    room.admitRate = 10;
    EXPECT_TRUE(validate(room).empty());
    room.maxActive = 5;
    EXPECT_EQ(validate(room).size(), 1u);
    room.admitRate = 0;
    EXPECT_TRUE(validate(room).empty());
    room.maxActive = 0;
    EXPECT_EQ(validate(room).front().field, "admitRate");
    room.admitRate = 1;
    room.admissionTtl = milliseconds(10);
    room.shoppingWindow = seconds(100'000);
    EXPECT_EQ(validate(room).size(), 2u);
}

class FakeRepository final : public WaitingRoomRepository {
public:
    Result<std::vector<WaitingRoomSettings>> loadAll() override {
        std::vector<WaitingRoomSettings> out;
        for (auto& [_, w] : rows) out.push_back(w);
        return out;
    }
    Result<void> save(const WaitingRoomSettings& room) override {
        rows[room.show.str()] = room;
        return {};
    }
    std::map<std::string, WaitingRoomSettings> rows;
};

class WaitingRoomServiceTest : public ::testing::Test {
protected:
    WaitingRoomSettings room(EpochMs opensAt) {
        WaitingRoomSettings w;
        w.show = show_;
        w.enabled = true;
        w.opensAt = opensAt;
        w.admitRate = 1;
        w.admissionTtl = seconds(30);
        w.shoppingWindow = seconds(60);
        return w;
    }

    testing::FakeClock clock_;
    FakeRepository repo_;
    WaitingRoomCache cache_{repo_, std::chrono::hours(1)};
    MemoryQueueStore store_;
    AdmissionTokens tokens_{kSecret};
    std::int64_t nextScore_ = 1000;
    // Scores that fall: the later joiner is placed first, whatever the arrival order.
    WaitingRoomService service_{store_, cache_, tokens_, clock_, [this] { return nextScore_--; }};
    ShowId show_{"show-1"};
};

TEST_F(WaitingRoomServiceTest, OffUntilConfiguredThenJoinWaitAdmitAndTheTokenOpensTheHold) {
    EXPECT_FALSE(service_.roomOn(show_));
    EXPECT_EQ(service_.join(show_, UserId{"alice"}).error().code, ErrorCode::Conflict);
    ASSERT_TRUE(service_.configure(room(clock_.nowMs() + 10'000)));
    EXPECT_TRUE(service_.roomOn(show_));
    EXPECT_FALSE(service_.roomOn(ShowId{"show-2"}));

    auto a = service_.join(show_, UserId{"alice"});
    ASSERT_TRUE(a);
    EXPECT_EQ(a->status, QueueTicket::Status::Waiting);
    EXPECT_TRUE(a->place.preQueue);
    ASSERT_TRUE(service_.join(show_, UserId{"bob"}));
    EXPECT_EQ(service_.me(show_, UserId{"carol"}).error().code, ErrorCode::NotFound);

    clock_.advance(milliseconds(10'000));
    auto bob = service_.me(show_, UserId{"bob"});
    ASSERT_TRUE(bob);
    EXPECT_EQ(bob->place.rank, 0) << "bob drew the lower score";
    EXPECT_EQ(service_.me(show_, UserId{"alice"})->peopleAhead, 1);
    EXPECT_EQ(service_.me(show_, UserId{"alice"})->estimatedWaitSeconds, 2);

    clock_.advance(milliseconds(1'000));  // one person a second: bob
    bob = service_.me(show_, UserId{"bob"});
    ASSERT_EQ(bob->status, QueueTicket::Status::Admitted);
    EXPECT_EQ(bob->tokenExpiresAt, clock_.nowMs() + 30'000);
    EXPECT_EQ(bob->windowEndsAt, clock_.nowMs() + 60'000);
    EXPECT_TRUE(service_.checkAdmission(show_, UserId{"bob"}, bob->admissionToken));
    EXPECT_FALSE(service_.checkAdmission(show_, UserId{"alice"}, bob->admissionToken));
    EXPECT_EQ(service_.me(show_, UserId{"alice"})->status, QueueTicket::Status::Waiting);

    // Near the end of the window the token lasts no longer than the window.
    clock_.advance(milliseconds(50'000));
    EXPECT_EQ(service_.me(show_, UserId{"bob"})->tokenExpiresAt, bob->windowEndsAt);
    clock_.advance(milliseconds(10'000));
    EXPECT_EQ(service_.me(show_, UserId{"bob"})->status, QueueTicket::Status::Expired);
}

TEST_F(WaitingRoomServiceTest, TurningTheRoomOffOpensTheHoldPathAgain) {
    ASSERT_TRUE(service_.configure(room(clock_.nowMs())));
    EXPECT_TRUE(service_.roomOn(show_));
    WaitingRoomSettings off;
    off.show = show_;
    ASSERT_TRUE(service_.configure(off));
    EXPECT_FALSE(service_.roomOn(show_));
    EXPECT_FALSE(service_.settings(show_).enabled);
}

TEST_F(WaitingRoomServiceTest, AnotherReplicasChangeIsSeenAtTheNextReload) {
    // Written to the table by another replica: this one's snapshot has it after a reload.
    repo_.rows[show_.str()] = room(clock_.nowMs());
    EXPECT_FALSE(service_.roomOn(show_));
    ASSERT_TRUE(cache_.reload());
    EXPECT_TRUE(service_.roomOn(show_));
    repo_.rows[show_.str()].enabled = false;
    ASSERT_TRUE(cache_.reload());
    EXPECT_FALSE(service_.roomOn(show_));
}

TEST_F(WaitingRoomServiceTest, InvalidSettingsAreRefused) {
    auto bad = room(clock_.nowMs());
    bad.maxActive = 3;
    auto r = service_.configure(bad);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, ErrorCode::ValidationFailed);
    EXPECT_FALSE(service_.roomOn(show_));
}

}  // namespace
}  // namespace boxoffice::admission
