#include "storage/sql/sql_ticket_store.hpp"

#include <soci/soci.h>

#include "storage/sql/one_shot.hpp"

namespace boxoffice::sql {
namespace {

namespace q {
constexpr const char* kTicket =
    "SELECT t.order_id, t.show_id, t.seat_id, t.user_id, t.issued_at, t.voided, o.customer_name "
    "FROM tickets t JOIN orders o ON o.id = t.order_id WHERE t.code = :code";
// The one statement that decides who was first: the primary key on ticket_code makes a second
// insert of the same ticket a no-op, however many scanners race (PostgreSQL waits for the first
// inserter's commit; SQLite serializes writers).
constexpr const char* kInsert =
    "INSERT INTO checkins (ticket_code, show_id, gate, checked_in_by, checked_in_at) "
    "VALUES (:code, :show, :gate, :by, :at) ON CONFLICT (ticket_code) DO NOTHING";
constexpr const char* kCheckin =
    "SELECT show_id, gate, checked_in_by, checked_in_at FROM checkins WHERE ticket_code = :code";
constexpr const char* kShowExists = "SELECT count(*) FROM shows WHERE id = :id";
constexpr const char* kValid = "SELECT count(*) FROM tickets WHERE show_id = :id AND voided = 0";
constexpr const char* kByGate = "SELECT gate, count(*) FROM checkins WHERE show_id = :id GROUP BY gate ORDER BY gate";
}  // namespace q

}  // namespace

Result<std::optional<TicketRecord>> SqlTicketStore::findTicket(const std::string& code) {
    std::optional<TicketRecord> out;
    auto r = db_.run([&](soci::session& sql) {
        out.reset();
        std::string order, show, seat, user, holder;
        long long issued = 0;
        int voided = 0;
        sql << q::kTicket, soci::use(code), soci::into(order), soci::into(show), soci::into(seat), soci::into(user),
            soci::into(issued), soci::into(voided), soci::into(holder);
        if (!sql.got_data()) return;
        TicketRecord t;
        t.ticket = Ticket{code, SeatId{seat}, OrderId{order}, ShowId{show}, UserId{user}, issued, {}};
        t.voided = voided != 0;
        t.holderName = holder;
        out = std::move(t);
    });
    if (!r) return std::move(r).error();
    return out;
}

Result<CheckinAttempt> SqlTicketStore::checkIn(const CheckinRecord& scan) {
    CheckinAttempt out;
    auto r = db_.run([&](soci::session& sql) {
        const std::string show = scan.showId.str(), by = scan.staffId.str();
        long long at = scan.at;
        soci::statement insert = oneShot(sql, q::kInsert, soci::use(scan.ticketCode), soci::use(show),
                                         soci::use(scan.gate), soci::use(by), soci::use(at));
        insert.execute(true);
        out.first = insert.get_affected_rows() == 1;
        if (out.first) {
            out.record = scan;
            return;
        }
        std::string firstShow, gate, firstBy;
        long long firstAt = 0;
        sql << q::kCheckin, soci::use(scan.ticketCode), soci::into(firstShow), soci::into(gate), soci::into(firstBy),
            soci::into(firstAt);
        out.record = CheckinRecord{scan.ticketCode, ShowId{firstShow}, gate, UserId{firstBy}, firstAt};
    });
    if (!r) return std::move(r).error();
    return out;
}

Result<ShowCheckins> SqlTicketStore::checkins(const ShowId& show) {
    ShowCheckins out;
    bool known = false;
    auto r = db_.run([&](soci::session& sql) {
        out = {};
        const std::string id = show.str();
        long long shows = 0;
        sql << q::kShowExists, soci::use(id), soci::into(shows);
        known = shows > 0;
        if (!known) return;
        sql << q::kValid, soci::use(id), soci::into(out.validTickets);
        std::string gate;
        long long n = 0;
        soci::statement st = oneShot(sql, q::kByGate, soci::use(id), soci::into(gate), soci::into(n));
        st.execute();
        while (st.fetch()) {
            out.byGate.push_back({gate, n});
            out.checkedIn += n;
        }
    });
    if (!r) return std::move(r).error();
    if (!known) return Error::notFound("show");
    return out;
}

}  // namespace boxoffice::sql
