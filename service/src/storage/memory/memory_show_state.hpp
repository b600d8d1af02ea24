#pragma once
// The in-process hold store's state of one show (seats, holds, the users' seats, the
// best-available index), apart from the store's operations on it. Included by
// memory_hold_store.cpp only.
#include <algorithm>
#include <cstdint>
#include <limits>
#include <mutex>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "storage/memory/memory_hold_store.hpp"

namespace boxoffice::memory {

// Hold records outlive their expiry so a client polling its hold sees EXPIRED, not 404.
constexpr EpochMs kRecordRetentionMs = 24LL * 60 * 60 * 1000;
// A sweep walks every seat and record of the show under its lock: at most once a minute.
constexpr EpochMs kCollectEveryMs = 60 * 1000;

struct SeatOwner {
    enum class Kind : std::uint8_t { Hold, Order, Sold };
    Kind kind = Kind::Hold;
    std::string ownerId;  // the hold id or the order id
    UserId user;
    EpochMs expiresAt = 0;  // Hold and Order only: free from this instant on

    bool liveAt(EpochMs now) const { return kind == Kind::Sold || now < expiresAt; }
};

// A row's last best-available scan: until `bound` (the earliest expiry of a hold or order seen
// there) no seat of it comes free by time, and it offered at most `run` adjacent free seats.
// Seats taken since only make it fuller; a seat freed sooner marks the row dirty (ShowState::
// freed). The same index the Redis store keeps (scripts/best_available.lua).
struct RowScan {
    bool scanned = false;
    EpochMs bound = 0;
    int run = 0;
};

struct HoldRecord {
    Hold hold;  // status as last written: EXPIRED is derived from `now` on reading
    EpochMs keepUntil = 0;
};

struct MemoryHoldStore::ShowState {
    std::mutex mu;
    std::unordered_map<SeatId, SeatOwner> seats;  // only seats that were ever taken
    std::unordered_map<HoldId, HoldRecord> holds;
    // Seats each user may own; entries go stale when a seat expires, is released or changes hands
    // and are dropped when counted, so a count never trusts them without checking `seats`.
    std::unordered_map<UserId, std::unordered_set<SeatId>> seatsOfUser;
    EpochMs nextCollectAt = 0;
    long long sold = 0;  // seats marked Sold (a refund's release takes one back)
    // The best-available index, for the seating named by `pickSignature` (empty: none yet).
    std::string pickSignature;
    std::vector<RowScan> rowScans;
    std::unordered_map<std::string, std::size_t> rowOfKey;  // "SECTION-ROW" -> row
    std::unordered_set<std::string> dirtyRows;

    // A seat that may be free sooner than its row's last scan allowed for.
    void freed(const SeatId& seatId) {
        if (pickSignature.empty()) return;
        const std::string& id = seatId.str();
        const auto dash = id.rfind('-');
        if (dash != std::string::npos && dash > 0) dirtyRows.insert(id.substr(0, dash));
    }

    void prepareRowScans(const SeatIndex& seating) {
        if (pickSignature == seating.signature()) {
            for (const auto& key : dirtyRows)
                if (const auto it = rowOfKey.find(key); it != rowOfKey.end()) rowScans[it->second].scanned = false;
            dirtyRows.clear();
            return;
        }
        pickSignature = seating.signature();
        rowScans.assign(seating.rows().size(), RowScan{});
        rowOfKey.clear();
        dirtyRows.clear();
        for (std::size_t r = 0; r < seating.rows().size(); ++r) {
            const auto& section = seating.layout().sections[seating.rows()[r].section];
            rowOfKey.emplace(section.name + "-" + section.rows[seating.rows()[r].row].label, r);
        }
    }

    void scanRow(const SeatIndex& seating, std::size_t r, EpochMs now) {
        const SeatRow& row = seating.rows()[r];
        RowScan scan{true, std::numeric_limits<EpochMs>::max(), 0};
        int run = 0;
        for (auto i = row.begin; i < row.end; ++i) {
            const SeatOwner* owner = liveOwner(seating.seats()[i].seatId, now);
            if (owner == nullptr) {
                scan.run = std::max(scan.run, ++run);
                continue;
            }
            run = 0;
            if (owner->kind != SeatOwner::Kind::Sold) scan.bound = std::min(scan.bound, owner->expiresAt);
        }
        rowScans[r] = scan;
    }

    const SeatOwner* liveOwner(const SeatId& seatId, EpochMs now) const {
        const auto it = seats.find(seatId);
        if (it == seats.end() || !it->second.liveAt(now)) return nullptr;
        return &it->second;
    }

    void own(const SeatId& seatId, SeatOwner owner) {
        if (owner.kind == SeatOwner::Kind::Sold) {
            const auto it = seats.find(seatId);
            if (it == seats.end() || it->second.kind != SeatOwner::Kind::Sold) ++sold;
        }
        seatsOfUser[owner.user].insert(seatId);
        seats.insert_or_assign(seatId, std::move(owner));
    }

    // Sold seats count forever, so the per-user cap also bounds what one user can buy.
    int userSeats(const UserId& user, EpochMs now) {
        const auto it = seatsOfUser.find(user);
        if (it == seatsOfUser.end()) return 0;
        std::erase_if(it->second, [&](const SeatId& seatId) {
            const SeatOwner* owner = liveOwner(seatId, now);
            return owner == nullptr || owner->user != user;
        });
        const int n = static_cast<int>(it->second.size());
        if (n == 0) seatsOfUser.erase(it);
        return n;
    }

    void maybeCollect(EpochMs now) {
        // The second clause recovers from a caller whose clock once ran far ahead.
        if (now < nextCollectAt && now + 2 * kCollectEveryMs > nextCollectAt) return;
        nextCollectAt = now + kCollectEveryMs;
        std::erase_if(holds, [&](const auto& entry) { return entry.second.keepUntil <= now; });
        std::erase_if(seats, [&](const auto& entry) { return !entry.second.liveAt(now); });
        for (auto it = seatsOfUser.begin(); it != seatsOfUser.end();) {
            const UserId& user = it->first;
            std::erase_if(it->second, [&](const SeatId& seatId) {
                const SeatOwner* owner = liveOwner(seatId, now);
                return owner == nullptr || owner->user != user;
            });
            it = it->second.empty() ? seatsOfUser.erase(it) : std::next(it);
        }
    }

    // A hold that can still be changed by `user`: HELD and not yet expired.
    HoldChange checkHeld(const HoldId& id, const UserId& user, EpochMs now, HoldRecord*& out) {
        const auto it = holds.find(id);
        if (it == holds.end() || it->second.hold.userId != user) return HoldChange::NotFound;
        if (it->second.hold.status != HoldStatus::Held || now >= it->second.hold.expiresAt) return HoldChange::NotHeld;
        out = &it->second;
        return HoldChange::Done;
    }
};

}  // namespace boxoffice::memory
