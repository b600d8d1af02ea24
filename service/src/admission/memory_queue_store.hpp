#pragma once
// The waiting room in process, for the embedded default (one replica): the same model and answers
// as the Redis store (one contract test suite runs against both). One mutex per store: the calls
// are a few map operations each, and a room's requests come at polling pace.
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "admission/waiting_room.hpp"

namespace boxoffice::admission {

class MemoryQueueStore final : public QueueStore {
public:
    Result<void> arm(const WaitingRoomSettings& room, EpochMs now) override;
    Result<Place> join(const WaitingRoomSettings& room, const UserId& user, std::int64_t preQueueScore,
                       EpochMs now) override;
    Result<Place> place(const WaitingRoomSettings& room, const UserId& user, EpochMs now) override;
    Result<QueueState> state(const WaitingRoomSettings& room, EpochMs now) override;
    Result<QueueState> setPaused(const WaitingRoomSettings& room, bool paused, EpochMs now) override;
    Result<QueueState> held(const WaitingRoomSettings& room, const UserId& user, EpochMs now) override;

    /// Forgets every room, as a restart of the process would (tests of the fail-closed answer).
    void clear();

private:
    struct Member {
        std::int64_t score = 0;
        std::int64_t rank = -1;  // -1: in the pre-queue, the room not open yet
        EpochMs admittedAt = 0;
        EpochMs deadline = 0;
        bool held = false;
    };
    struct Room {
        std::unordered_map<std::string, Member> members;
        std::vector<std::pair<std::int64_t, std::string>> preQueue;  // (score, user) until the opening
        std::vector<std::string> order;                              // by rank, after the opening
        std::set<std::pair<EpochMs, std::string>> active;            // (deadline, user)
        std::int64_t seq = 0;
        std::int64_t cursor = 0;
        double credit = 0;
        EpochMs at = 0;
        bool opened = false;
        bool paused = false;
        std::int64_t held = 0;
        std::int64_t abandoned = 0;
    };
    // Requires mu_. nullptr when the room is not armed.
    Room* find(const WaitingRoomSettings& room);
    static Progress advance(Room& r, const WaitingRoomSettings& room, EpochMs now);
    static QueueState stateOf(const Room& r, Progress p);
    static Place placeOf(const Room& r, const Member& m, Progress p);

    std::mutex mu_;
    std::unordered_map<std::string, Room> rooms_;
};

}  // namespace boxoffice::admission
