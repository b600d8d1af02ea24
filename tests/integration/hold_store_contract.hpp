#pragma once
// The fixture of the HoldStore contract (hold_store_contract*_test.cpp): one contract for every
// HoldStore, so a deployment can swap the embedded store for the Redis one without the booking flow
// noticing. The stores it runs against, and the one instantiation that runs every part of it on each,
// are in hold_store_contract_test.cpp; a part linked without it fails as an uninstantiated suite.
// Time is injected through `now`; nothing here sleeps.
#include <gtest/gtest.h>

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <ostream>
#include <set>
#include <string>
#include <vector>

#include "domain/booking_ports.hpp"
#include "domain/clock.hpp"
#include "domain/hold_id.hpp"
#include "util/random_id.hpp"

namespace boxoffice {

// Readable failures: gtest finds these by ADL, so they live in the enums' namespace. Static, so
// they cannot clash with another test file's.
[[maybe_unused]] static void PrintTo(HoldResult::Kind k, std::ostream* os) {
    static constexpr const char* kNames[] = {"Held", "Unavailable", "UserLimitReached", "NotReady"};
    *os << kNames[static_cast<int>(k)];
}
[[maybe_unused]] static void PrintTo(HoldChange c, std::ostream* os) {
    static constexpr const char* kNames[] = {"Done", "NotFound", "NotHeld"};
    *os << kNames[static_cast<int>(c)];
}
[[maybe_unused]] static void PrintTo(HoldStatus s, std::ostream* os) {
    *os << holdStatusName(s);
}
[[maybe_unused]] static void PrintTo(SeatStatus s, std::ostream* os) {
    static constexpr const char* kNames[] = {"Available", "Held", "Sold"};
    *os << kNames[static_cast<int>(s)];
}

// A namespace of its own: the fixture and its helpers are shared by several files, and names as
// plain as seat() or row() must not meet another test file's inline ones.
namespace testing::hold_contract {

using std::chrono::milliseconds;

inline constexpr EpochMs kMinute = 60 * 1000;
inline constexpr EpochMs kHour = 60 * kMinute;
inline constexpr EpochMs kDay = 24 * kHour;
inline constexpr EpochMs kHoldTtl = 10 * kMinute;

// ---- the implementations under test (listed in hold_store_contract_test.cpp) -----------------

/// Owns one store and whatever it needs (a pool) for the length of a test.
class StoreUnderTest {
public:
    virtual ~StoreUnderTest() = default;
    virtual HoldStore& store() = 0;
};

struct Implementation {
    std::string name;  // a gtest parameter name: letters and digits only
    std::function<std::unique_ptr<StoreUnderTest>()> make;
};
inline void PrintTo(const Implementation& impl, std::ostream* os) {
    *os << impl.name;
}

// ---- helpers -------------------------------------------------------------------------------

// Four rows of ten: FLOOR-A-1 .. FLOOR-D-10.
inline const SeatIndex& seatIndex() {
    static const SeatIndex index(Layout{{LayoutSection{
        "FLOOR", {{"A", "GOLD", 10, {}}, {"B", "GOLD", 10, {}}, {"C", "SILVER", 10, {}}, {"D", "SILVER", 10, {}}}}}});
    return index;
}

inline SeatId seat(char row, int number) {
    return SeatId{std::string("FLOOR-") + row + "-" + std::to_string(number)};
}

inline std::string randomHex32(IdGenerator& ids) {
    std::string out;
    for (const char c : ids.next())
        if (c != '-') out.push_back(c);
    return out;
}

inline std::set<SeatId> asSet(const std::vector<SeatId>& v) {
    return {v.begin(), v.end()};
}

inline std::vector<SeatId> row(char r, int from, int count) {
    std::vector<SeatId> out;
    for (int i = 0; i < count; ++i) out.push_back(seat(r, from + i));
    return out;
}

class HoldStoreContract : public ::testing::TestWithParam<Implementation> {
protected:
    void SetUp() override {
        impl_ = GetParam().make();
        ASSERT_NE(impl_, nullptr) << GetParam().name << " store is not built into this binary";
        show_ = newShow();
    }

    HoldStore& store() { return impl_->store(); }

    // Every test works on shows of its own, so tests may share one Redis and run in parallel.
    ShowId newShow() { return ShowId{ids_.next()}; }
    HoldId newHoldId(const ShowId& show) { return makeHoldId(show, randomHex32(ids_)); }
    UserId newUser() { return UserId{"user-" + ids_.next()}; }
    OrderId newOrder() { return OrderId{ids_.next()}; }

    void restore(const ShowId& show, const std::vector<SeatClaim>& claims = {}) {
        auto r = store().restore(show, claims, t0_);
        ASSERT_TRUE(r.ok()) << r.error().internal;
    }

    HoldRequest request(const UserId& user, std::vector<SeatId> seats, EpochMs now, EpochMs ttl = kHoldTtl,
                        int maxSeatsPerUser = 10) {
        return HoldRequest{newHoldId(show_), show_, user, std::move(seats), now, now + ttl, maxSeatsPerUser, {}, {}};
    }

    HoldResult hold(const HoldRequest& req) {
        auto r = store().hold(req);
        if (!r.ok()) {
            ADD_FAILURE() << "hold failed: " << r.error().detail << " / " << r.error().internal;
            return HoldResult{HoldResult::Kind::NotReady, {}, 0, {}};
        }
        return *r;
    }

    /// Holds `seats` for `user` at `now`, failing the test unless it succeeds.
    HoldId held(const UserId& user, std::vector<SeatId> seats, EpochMs now, EpochMs ttl = kHoldTtl) {
        const HoldRequest req = request(user, std::move(seats), now, ttl);
        const HoldResult r = hold(req);
        EXPECT_EQ(r.kind, HoldResult::Kind::Held) << "unavailable: " << r.unavailable.size();
        return req.holdId;
    }

    HoldResult::Kind tryHold(const UserId& user, std::vector<SeatId> seats, EpochMs now) {
        return hold(request(user, std::move(seats), now)).kind;
    }

    std::optional<Hold> find(const HoldId& id, EpochMs now) {
        auto r = store().findHold(id, now);
        EXPECT_TRUE(r.ok());
        return r.ok() ? *r : std::nullopt;
    }

    std::optional<HoldStatus> statusOfHold(const HoldId& id, EpochMs now) {
        auto h = find(id, now);
        return h ? std::optional<HoldStatus>(h->status) : std::nullopt;
    }

    HoldChange release(const HoldId& id, const UserId& user, EpochMs now) {
        auto r = store().release(id, user, now);
        EXPECT_TRUE(r.ok());
        return r.ok() ? *r : HoldChange::NotFound;
    }

    HoldChange attach(const HoldId& id, const UserId& user, const OrderId& order, EpochMs orderExpiresAt, EpochMs now) {
        auto r = store().attachToOrder(id, user, order, orderExpiresAt, now);
        EXPECT_TRUE(r.ok());
        return r.ok() ? *r : HoldChange::NotFound;
    }

    AvailabilitySnapshot snapshot(EpochMs now, const ShowId* show = nullptr) {
        auto r = store().snapshot(show ? *show : show_, seatIndex(), now);
        EXPECT_TRUE(r.ok());
        return r.ok() ? *r : AvailabilitySnapshot{};
    }

    SeatStatus statusOf(const SeatId& seatId, EpochMs now) {
        const auto s = snapshot(now);
        const long pos = seatIndex().find(seatId.str());
        if (pos < 0 || static_cast<std::size_t>(pos) >= s.status.size()) {
            ADD_FAILURE() << "no status for " << seatId.str();
            return SeatStatus::Available;
        }
        return s.status[static_cast<std::size_t>(pos)];
    }

    /// A best-available request on `show` (the suite's own show unless given) of `seating`.
    HoldRequest pickRequest(const UserId& user, int quantity, EpochMs now, bool adjacent = true,
                            std::string section = "", std::string tier = "", const ShowId* show = nullptr,
                            const SeatIndex* seating = nullptr, EpochMs ttl = kHoldTtl) {
        const ShowId& s = show ? *show : show_;
        HoldRequest r{newHoldId(s), s, user, {}, now, now + ttl, 10, {}, {}};
        r.pick = SeatPick{quantity, std::move(section), std::move(tier), adjacent};
        // Not owned: the layouts of this suite are static.
        r.seating =
            std::shared_ptr<const SeatIndex>(std::shared_ptr<const SeatIndex>{}, seating ? seating : &seatIndex());
        return r;
    }

    /// The seats a best-available hold got, failing the test unless it was granted with exactly
    /// `quantity` distinct seats that the hold record and the seat map agree on.
    std::vector<SeatId> picked(const HoldRequest& req) {
        const HoldResult r = hold(req);
        EXPECT_EQ(r.kind, HoldResult::Kind::Held);
        if (r.kind != HoldResult::Kind::Held) return {};
        EXPECT_EQ(static_cast<int>(r.seatIds.size()), req.pick->quantity);
        EXPECT_EQ(asSet(r.seatIds).size(), r.seatIds.size());
        const auto h = find(req.holdId, req.now);
        EXPECT_TRUE(h.has_value());
        if (h) {
            EXPECT_EQ(asSet(h->seatIds), asSet(r.seatIds));
        }
        return r.seatIds;
    }

    util::RandomIdGenerator ids_;
    std::unique_ptr<StoreUnderTest> impl_;
    ShowId show_;
    // The real time: a store that keys its own TTLs off the wall clock stays consistent with `now`.
    const EpochMs t0_ = SystemClock().nowMs();
};

}  // namespace testing::hold_contract
}  // namespace boxoffice
