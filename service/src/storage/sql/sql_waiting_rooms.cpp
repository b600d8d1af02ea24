#include "storage/sql/sql_waiting_rooms.hpp"

#include <soci/soci.h>

#include "storage/sql/one_shot.hpp"

namespace boxoffice::sql {
namespace {

namespace q {
constexpr const char* kAll =
    "SELECT show_id, enabled, opens_at, admit_rate, max_active, admission_ttl_ms, shopping_window_ms, updated_at, "
    "updated_by FROM waiting_rooms ORDER BY show_id";
constexpr const char* kShowExists = "SELECT count(*) FROM shows WHERE id = :id";
constexpr const char* kDelete = "DELETE FROM waiting_rooms WHERE show_id = :id";
constexpr const char* kInsert =
    "INSERT INTO waiting_rooms (show_id, enabled, opens_at, admit_rate, max_active, admission_ttl_ms, "
    "shopping_window_ms, updated_at, updated_by) VALUES (:show, :enabled, :opens, :rate, :active, :ttl, :window, "
    ":at, :by)";
}  // namespace q

}  // namespace

Result<std::vector<admission::WaitingRoomSettings>> SqlWaitingRooms::loadAll() {
    std::vector<admission::WaitingRoomSettings> out;
    auto r = db_.run([&](soci::session& sql) {
        out.clear();  // run() may retry on a fresh connection
        std::string show, by;
        int enabled = 0;
        long long opens = 0, rate = 0, active = 0, ttl = 0, window = 0, at = 0;
        soci::statement st =
            oneShot(sql, q::kAll, soci::into(show), soci::into(enabled), soci::into(opens), soci::into(rate),
                    soci::into(active), soci::into(ttl), soci::into(window), soci::into(at), soci::into(by));
        st.execute();
        while (st.fetch()) {
            admission::WaitingRoomSettings w;
            w.show = ShowId{show};
            w.enabled = enabled == 1;
            w.opensAt = opens;
            w.admitRate = rate;
            w.maxActive = active;
            w.admissionTtl = std::chrono::milliseconds(ttl);
            w.shoppingWindow = std::chrono::milliseconds(window);
            w.updatedAt = at;
            w.updatedBy = by;
            out.push_back(std::move(w));
        }
    });
    if (!r) return std::move(r).error();
    return out;
}

Result<void> SqlWaitingRooms::save(const admission::WaitingRoomSettings& w) {
    return db_.transact([&](soci::session& sql) -> Result<void> {
        long long shows = 0;
        sql << q::kShowExists, soci::use(w.show.str()), soci::into(shows);
        if (shows == 0) return Error::notFound("show");
        sql << q::kDelete, soci::use(w.show.str());
        int enabled = w.enabled ? 1 : 0;
        long long opens = w.opensAt, rate = w.admitRate, active = w.maxActive, ttl = w.admissionTtl.count(),
                  window = w.shoppingWindow.count(), at = w.updatedAt;
        sql << q::kInsert, soci::use(w.show.str()), soci::use(enabled), soci::use(opens), soci::use(rate),
            soci::use(active), soci::use(ttl), soci::use(window), soci::use(at), soci::use(w.updatedBy);
        return {};
    });
}

}  // namespace boxoffice::sql
