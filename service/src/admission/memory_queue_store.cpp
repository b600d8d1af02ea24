#include "admission/memory_queue_store.hpp"

#include <algorithm>
#include <cmath>

namespace boxoffice::admission {

namespace {
// The most one call admits, as in the Redis script (which must not block Redis for long); the
// cursor catches up over the next calls.
constexpr std::int64_t kMaxAdmitPerCall = 5000;
}  // namespace

MemoryQueueStore::Room* MemoryQueueStore::find(const WaitingRoomSettings& room) {
    auto it = rooms_.find(room.show.str());
    return it == rooms_.end() ? nullptr : &it->second;
}

Progress MemoryQueueStore::advance(Room& r, const WaitingRoomSettings& room, EpochMs now) {
    Progress p;
    // Callers read their clocks before taking the lock, so a later call may bring an earlier time:
    // time never moves back here (admissions stay stamped in queue order, no credit earned twice).
    now = std::max(now, r.at);
    if (!r.opened && now >= room.opensAt) {
        // The opening: the pre-queue in the order of its random scores, ahead of everyone after.
        std::sort(r.preQueue.begin(), r.preQueue.end());
        for (auto& [score, user] : r.preQueue) {
            r.members[user].rank = static_cast<std::int64_t>(r.order.size());
            r.order.push_back(user);
        }
        r.preQueue.clear();
        r.opened = true;
    }
    while (!r.active.empty() && r.active.begin()->first <= now) {
        r.active.erase(r.active.begin());
        ++p.abandoned;
    }
    r.abandoned += p.abandoned;
    if (!r.opened || r.paused) return p;
    const auto size = static_cast<std::int64_t>(r.order.size());
    if (room.admitRate > 0)
        r.credit = advancedByRate(r.credit, room.admitRate, now - std::max(r.at, room.opensAt), size);
    else
        r.credit = static_cast<double>(
            advancedBySlots(r.cursor, room.maxActive, static_cast<std::int64_t>(r.active.size()), size));
    r.at = now;
    const auto target = std::min(static_cast<std::int64_t>(std::floor(r.credit)), r.cursor + kMaxAdmitPerCall);
    for (; r.cursor < target; ++r.cursor) {
        const auto& user = r.order[static_cast<std::size_t>(r.cursor)];
        auto& m = r.members[user];
        m.admittedAt = now;
        m.deadline = now + room.shoppingWindow.count();
        r.active.emplace(m.deadline, user);
        ++p.admitted;
    }
    return p;
}

QueueState MemoryQueueStore::stateOf(const Room& r, Progress p) {
    QueueState s;
    s.size = static_cast<std::int64_t>(r.members.size());
    s.admitted = r.cursor;
    s.active = static_cast<std::int64_t>(r.active.size());
    s.held = r.held;
    s.abandoned = r.abandoned;
    s.paused = r.paused;
    s.opened = r.opened;
    s.progress = p;
    return s;
}

Place MemoryQueueStore::placeOf(const Room& r, const Member& m, Progress p) {
    Place out;
    out.joined = true;
    out.preQueue = m.rank < 0;
    out.rank = std::max<std::int64_t>(0, m.rank);
    out.admittedAt = m.admittedAt;
    out.room = stateOf(r, p);
    return out;
}

Result<void> MemoryQueueStore::arm(const WaitingRoomSettings& room, EpochMs now) {
    std::lock_guard lock(mu_);
    auto [it, fresh] = rooms_.try_emplace(room.show.str());
    if (fresh) it->second.at = now;
    return {};
}

Result<Place> MemoryQueueStore::join(const WaitingRoomSettings& room, const UserId& user, std::int64_t preQueueScore,
                                     EpochMs now) {
    std::lock_guard lock(mu_);
    Room* r = find(room);
    if (!r) return stateLost();
    Progress p = advance(*r, room, now);
    auto [it, fresh] = r->members.try_emplace(user.str());
    if (fresh) {
        Member& m = it->second;
        if (!r->opened) {
            m.score = std::clamp<std::int64_t>(preQueueScore, 0, kOpenScoreBase - 1);
            r->preQueue.emplace_back(m.score, user.str());
        } else {
            m.score = kOpenScoreBase + r->seq;
            m.rank = static_cast<std::int64_t>(r->order.size());
            r->order.push_back(user.str());
        }
        ++r->seq;
        // A joiner may be admitted at once (a free slot, unused rate credit).
        Progress more = advance(*r, room, now);
        p.admitted += more.admitted;
        p.abandoned += more.abandoned;
    }
    return placeOf(*r, it->second, p);
}

Result<Place> MemoryQueueStore::place(const WaitingRoomSettings& room, const UserId& user, EpochMs now) {
    std::lock_guard lock(mu_);
    Room* r = find(room);
    if (!r) return stateLost();
    Progress p = advance(*r, room, now);
    auto it = r->members.find(user.str());
    if (it == r->members.end()) {
        Place none;
        none.room = stateOf(*r, p);
        return none;
    }
    return placeOf(*r, it->second, p);
}

Result<QueueState> MemoryQueueStore::state(const WaitingRoomSettings& room, EpochMs now) {
    std::lock_guard lock(mu_);
    Room* r = find(room);
    if (!r) return stateLost();
    Progress p = advance(*r, room, now);
    return stateOf(*r, p);
}

Result<QueueState> MemoryQueueStore::setPaused(const WaitingRoomSettings& room, bool paused, EpochMs now) {
    std::lock_guard lock(mu_);
    Room* r = find(room);
    if (!r) return stateLost();
    Progress p = advance(*r, room, now);
    if (r->paused && !paused) r->at = now;  // no credit for the paused time
    r->paused = paused;
    return stateOf(*r, p);
}

Result<QueueState> MemoryQueueStore::held(const WaitingRoomSettings& room, const UserId& user, EpochMs now) {
    std::lock_guard lock(mu_);
    Room* r = find(room);
    if (!r) return stateLost();
    Progress p = advance(*r, room, now);
    auto it = r->members.find(user.str());
    if (it != r->members.end() && !it->second.held && r->active.erase({it->second.deadline, user.str()}) == 1) {
        it->second.held = true;
        ++r->held;
        // The freed slot goes to the next in line at once (maxActive).
        Progress more = advance(*r, room, now);
        p.admitted += more.admitted;
    }
    return stateOf(*r, p);
}

void MemoryQueueStore::clear() {
    std::lock_guard lock(mu_);
    rooms_.clear();
}

}  // namespace boxoffice::admission
