#include "storage/sql/outbox_rows.hpp"

#include <soci/soci.h>

#include "storage/sql/one_shot.hpp"
#include "storage/sql/order_rows.hpp"

namespace boxoffice::sql {
namespace {

constexpr const char* kInsertOutbox =
    "INSERT INTO " BOXOFFICE_OUTBOX_COLUMNS
    " VALUES (:id, :type, :aggregate, :event, :payload, :headers, :created, :available)";

}  // namespace

void insertOutbox(soci::session& sql, const OutboxMessage& m) {
    const std::string headers = outboxHeaders(m);
    const long long created = m.createdAt;
    soci::statement st = oneShot(sql, kInsertOutbox, soci::use(m.id), soci::use(m.aggregateType),
                                 soci::use(m.aggregateId), soci::use(m.eventType), soci::use(m.payload),
                                 soci::use(headers), soci::use(created), soci::use(created));
    st.execute(true);
}

std::string outboxHeaders(const OutboxMessage& m) {
    return m.headers.empty() ? std::string("{}") : m.headers;
}

}  // namespace boxoffice::sql
