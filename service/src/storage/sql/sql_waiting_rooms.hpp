#pragma once
// The shows' waiting-room settings in the waiting_rooms table (migrations/000015).
#include "admission/waiting_room.hpp"
#include "storage/sql/database.hpp"

namespace boxoffice::sql {

class SqlWaitingRooms final : public admission::WaitingRoomRepository {
public:
    explicit SqlWaitingRooms(Database& db) : db_(db) {}

    Result<std::vector<admission::WaitingRoomSettings>> loadAll() override;
    Result<void> save(const admission::WaitingRoomSettings& room) override;

private:
    Database& db_;
};

}  // namespace boxoffice::sql
