#pragma once
// Tickets at the door: tickets (migrations/000001) and their check-ins (migrations/000013), in
// statements valid on both PostgreSQL and SQLite.
#include "domain/ticket_ports.hpp"
#include "storage/sql/database.hpp"

namespace boxoffice::sql {

class SqlTicketStore final : public TicketStore {
public:
    explicit SqlTicketStore(Database& db) : db_(db) {}

    Result<std::optional<TicketRecord>> findTicket(const std::string& code) override;
    Result<CheckinAttempt> checkIn(const CheckinRecord& scan) override;
    Result<ShowCheckins> checkins(const ShowId& show) override;

private:
    Database& db_;
};

}  // namespace boxoffice::sql
