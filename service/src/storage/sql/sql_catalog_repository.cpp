#include "storage/sql/sql_catalog_repository.hpp"

#include <soci/soci.h>

#include "domain/layout_codec.hpp"
#include "storage/sql/one_shot.hpp"

namespace boxoffice::sql {
namespace {

namespace q {
constexpr const char* kInsertVenue =
    "INSERT INTO venues (id, name, address, timezone, layout, seat_count, created_at) "
    "VALUES (:id, :name, :address, :tz, :layout, :seats, :created)";
constexpr const char* kSelectVenue = "SELECT name, address, timezone, layout, created_at FROM venues WHERE id = :id";
constexpr const char* kInsertEvent =
    "INSERT INTO events (id, title, kind, description, image_url, created_at, updated_at) "
    "VALUES (:id, :title, :kind, :description, :image, :created, :updated)";
constexpr const char* kSelectEvent =
    "SELECT title, kind, description, image_url, created_at, updated_at FROM events WHERE id = :id";
constexpr const char* kUpdateEvent =
    "UPDATE events SET title = :title, kind = :kind, description = :description, image_url = :image, "
    "updated_at = :updated WHERE id = :id";
constexpr const char* kCountShowsOfEvent = "SELECT COUNT(*) FROM shows WHERE event_id = :id";
constexpr const char* kDeleteEvent = "DELETE FROM events WHERE id = :id";
constexpr const char* kInsertShow =
    "INSERT INTO shows (id, event_id, venue_id, starts_at, local_date, sale_opens_at, sale_closes_at, currency, "
    "created_at, updated_at) VALUES (:id, :event, :venue, :starts, :local_date, :opens, :closes, :currency, "
    ":created, :updated)";
constexpr const char* kInsertPrice =
    "INSERT INTO show_prices (show_id, tier, amount_minor) VALUES (:show, :tier, :amount)";
constexpr const char* kDeletePrices = "DELETE FROM show_prices WHERE show_id = :show";
constexpr const char* kShowColumns =
    "SELECT id, event_id, venue_id, starts_at, local_date, sale_opens_at, sale_closes_at, currency, created_at, "
    "updated_at FROM shows ";
constexpr const char* kSelectPrices = "SELECT tier, amount_minor FROM show_prices WHERE show_id = :show ORDER BY tier";
constexpr const char* kUpdateShow =
    "UPDATE shows SET starts_at = :starts, local_date = :local_date, sale_opens_at = :opens, "
    "sale_closes_at = :closes, currency = :currency, updated_at = :updated WHERE id = :id";
constexpr const char* kCountOrdersOfShow = "SELECT COUNT(*) FROM orders WHERE show_id = :id";
constexpr const char* kDeleteShow = "DELETE FROM shows WHERE id = :id";
}  // namespace q

struct ShowRow {
    std::string id, eventId, venueId, localDate, currency;
    long long startsAt = 0, opens = 0, closes = 0, created = 0, updated = 0;
};

Show toShow(const ShowRow& r) {
    Show s;
    s.id = ShowId{r.id};
    s.eventId = EventId{r.eventId};
    s.venueId = VenueId{r.venueId};
    s.startsAt = r.startsAt;
    s.localDate = r.localDate;
    s.saleOpensAt = r.opens;
    s.saleClosesAt = r.closes;
    s.currency = r.currency;
    s.createdAt = r.created;
    s.updatedAt = r.updated;
    return s;
}

// Binds the show columns of q::kShowColumns into `r`.
void intoShow(soci::statement& st, ShowRow& r) {
    st.exchange(soci::into(r.id));
    st.exchange(soci::into(r.eventId));
    st.exchange(soci::into(r.venueId));
    st.exchange(soci::into(r.startsAt));
    st.exchange(soci::into(r.localDate));
    st.exchange(soci::into(r.opens));
    st.exchange(soci::into(r.closes));
    st.exchange(soci::into(r.currency));
    st.exchange(soci::into(r.created));
    st.exchange(soci::into(r.updated));
}

void loadPrices(soci::session& sql, Show& show) {
    std::string tier;
    long long amount = 0;
    const std::string& showId = show.id.str();
    soci::statement st = oneShot(sql, q::kSelectPrices, soci::use(showId), soci::into(tier), soci::into(amount));
    st.execute();
    while (st.fetch()) show.prices.push_back({tier, amount});
}

void insertPrices(soci::session& sql, const Show& show) {
    for (const auto& p : show.prices) {
        long long amount = p.amountMinor;
        sql << q::kInsertPrice, soci::use(show.id.str()), soci::use(p.tier), soci::use(amount);
    }
}

std::string escapeLike(const std::string& text) {
    std::string out;
    for (char c : text) {
        if (c == '%' || c == '_' || c == '\\') out.push_back('\\');
        out.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
    }
    return out;
}

}  // namespace

Result<void> SqlCatalogRepository::createVenue(const Venue& v) {
    const std::string layout = layoutToJson(v.layout).dump();
    int seats = seatCount(v.layout);
    long long created = v.createdAt;
    return db_.run([&](soci::session& sql) {
        sql << q::kInsertVenue, soci::use(v.id.str()), soci::use(v.name), soci::use(v.address), soci::use(v.timezone),
            soci::use(layout), soci::use(seats), soci::use(created);
    });
}

Result<Venue> SqlCatalogRepository::findVenue(const VenueId& id) {
    Venue v;
    std::string layout;
    long long created = 0;
    bool found = false;
    auto r = db_.run([&](soci::session& sql) {
        sql << q::kSelectVenue, soci::use(id.str()), soci::into(v.name), soci::into(v.address), soci::into(v.timezone),
            soci::into(layout), soci::into(created);
        found = sql.got_data();
    });
    if (!r) return std::move(r).error();
    if (!found) return Error::notFound("venue");
    std::vector<FieldError> errs;
    v.layout = layoutFromJson(nlohmann::json::parse(layout, nullptr, false), "layout", errs);
    if (!errs.empty()) return Error::internalError("venue " + id.str() + " has an unreadable layout");
    v.id = id;
    v.createdAt = created;
    return v;
}

Result<void> SqlCatalogRepository::createEvent(const Event& e) {
    const std::string kind(eventKindName(e.kind));
    soci::indicator imageInd = e.imageUrl ? soci::i_ok : soci::i_null;
    const std::string image = e.imageUrl.value_or("");
    long long created = e.createdAt, updated = e.updatedAt;
    return db_.run([&](soci::session& sql) {
        sql << q::kInsertEvent, soci::use(e.id.str()), soci::use(e.title), soci::use(kind), soci::use(e.description),
            soci::use(image, imageInd), soci::use(created), soci::use(updated);
    });
}

Result<Event> SqlCatalogRepository::findEvent(const EventId& id) {
    Event e;
    std::string kind, image;
    soci::indicator imageInd = soci::i_null;
    long long created = 0, updated = 0;
    bool found = false;
    auto r = db_.run([&](soci::session& sql) {
        sql << q::kSelectEvent, soci::use(id.str()), soci::into(e.title), soci::into(kind), soci::into(e.description),
            soci::into(image, imageInd), soci::into(created), soci::into(updated);
        found = sql.got_data();
    });
    if (!r) return std::move(r).error();
    if (!found) return Error::notFound("event");
    e.id = id;
    e.kind = parseEventKind(kind).value_or(EventKind::Other);
    if (imageInd == soci::i_ok) e.imageUrl = image;
    e.createdAt = created;
    e.updatedAt = updated;
    return e;
}

Result<Page<Event>> SqlCatalogRepository::listEvents(const EventQuery& query) {
    std::string where = " WHERE 1 = 1";
    const std::string kind = query.kind ? std::string(eventKindName(*query.kind)) : std::string();
    const std::string pattern = "%" + escapeLike(query.text) + "%";
    if (query.kind) where += " AND kind = :kind";
    if (!query.text.empty())
        where += " AND (LOWER(title) LIKE :pattern ESCAPE '\\' OR LOWER(description) LIKE :pattern2 ESCAPE '\\')";
    Page<Event> page;
    page.limit = query.limit;
    page.offset = query.offset;
    auto r = db_.run([&](soci::session& sql) {
        page.items.clear();
        long long total = 0;
        {
            soci::statement st(sql);
            st.exchange(soci::into(total));
            if (query.kind) st.exchange(soci::use(kind, "kind"));
            if (!query.text.empty()) {
                st.exchange(soci::use(pattern, "pattern"));
                st.exchange(soci::use(pattern, "pattern2"));
            }
            prepareOneShot(st, "SELECT COUNT(*) FROM events" + where);
            st.execute(true);
        }
        page.total = static_cast<int>(total);
        std::string id, title, k, description, image;
        soci::indicator imageInd = soci::i_null;
        long long created = 0, updated = 0;
        int limit = query.limit, offset = query.offset;
        soci::statement st(sql);
        st.exchange(soci::into(id));
        st.exchange(soci::into(title));
        st.exchange(soci::into(k));
        st.exchange(soci::into(description));
        st.exchange(soci::into(image, imageInd));
        st.exchange(soci::into(created));
        st.exchange(soci::into(updated));
        if (query.kind) st.exchange(soci::use(kind, "kind"));
        if (!query.text.empty()) {
            st.exchange(soci::use(pattern, "pattern"));
            st.exchange(soci::use(pattern, "pattern2"));
        }
        st.exchange(soci::use(limit, "limit"));
        st.exchange(soci::use(offset, "offset"));
        prepareOneShot(st, "SELECT id, title, kind, description, image_url, created_at, updated_at FROM events" +
                               where + " ORDER BY created_at DESC, id LIMIT :limit OFFSET :offset");
        st.execute(false);
        while (st.fetch()) {
            Event e;
            e.id = EventId{id};
            e.title = title;
            e.kind = parseEventKind(k).value_or(EventKind::Other);
            e.description = description;
            if (imageInd == soci::i_ok) e.imageUrl = image;
            e.createdAt = created;
            e.updatedAt = updated;
            page.items.push_back(std::move(e));
        }
    });
    if (!r) return std::move(r).error();
    return page;
}

Result<void> SqlCatalogRepository::updateEvent(const Event& e) {
    const std::string kind(eventKindName(e.kind));
    soci::indicator imageInd = e.imageUrl ? soci::i_ok : soci::i_null;
    const std::string image = e.imageUrl.value_or("");
    long long updated = e.updatedAt;
    bool found = false;
    auto r = db_.run([&](soci::session& sql) {
        soci::statement st =
            oneShot(sql, q::kUpdateEvent, soci::use(e.title), soci::use(kind), soci::use(e.description),
                    soci::use(image, imageInd), soci::use(updated), soci::use(e.id.str()));
        st.execute(true);
        found = st.get_affected_rows() > 0;
    });
    if (!r) return r;
    if (!found) return Error::notFound("event");
    return {};
}

Result<void> SqlCatalogRepository::deleteEvent(const EventId& id) {
    return db_.transact([&](soci::session& sql) -> Result<void> {
        long long shows = 0;
        sql << q::kCountShowsOfEvent, soci::use(id.str()), soci::into(shows);
        if (shows > 0)
            return Error::of(ErrorCode::EventHasShows,
                             "the event still has " + std::to_string(shows) + " show(s); delete them first");
        soci::statement st = oneShot(sql, q::kDeleteEvent, soci::use(id.str()));
        st.execute(true);
        if (st.get_affected_rows() == 0) return Error::notFound("event");
        return {};
    });
}

Result<void> SqlCatalogRepository::createShow(const Show& s) {
    long long starts = s.startsAt, opens = s.saleOpensAt, closes = s.saleClosesAt, created = s.createdAt,
              updated = s.updatedAt;
    return db_.transact([&](soci::session& sql) -> Result<void> {
        sql << q::kInsertShow, soci::use(s.id.str()), soci::use(s.eventId.str()), soci::use(s.venueId.str()),
            soci::use(starts), soci::use(s.localDate), soci::use(opens), soci::use(closes), soci::use(s.currency),
            soci::use(created), soci::use(updated);
        insertPrices(sql, s);
        return {};
    });
}

Result<Show> SqlCatalogRepository::findShow(const ShowId& id) {
    Show show;
    bool found = false;
    auto r = db_.run([&](soci::session& sql) {
        ShowRow row;
        soci::statement st(sql);
        intoShow(st, row);
        st.exchange(soci::use(id.str()));
        prepareOneShot(st, std::string(q::kShowColumns) + "WHERE id = :id");
        st.execute(true);
        found = sql.got_data();
        if (!found) return;
        show = toShow(row);
        loadPrices(sql, show);
    });
    if (!r) return std::move(r).error();
    if (!found) return Error::notFound("show");
    return show;
}

Result<std::vector<Show>> SqlCatalogRepository::listShows(const EventId& eventId, const std::string& localDate) {
    std::vector<Show> shows;
    auto r = db_.run([&](soci::session& sql) {
        shows.clear();
        ShowRow row;
        std::string query = std::string(q::kShowColumns) + "WHERE event_id = :event";
        if (!localDate.empty()) query += " AND local_date = :date";
        query += " ORDER BY starts_at, id";
        soci::statement st(sql);
        intoShow(st, row);
        st.exchange(soci::use(eventId.str()));
        if (!localDate.empty()) st.exchange(soci::use(localDate));
        prepareOneShot(st, query);
        st.execute(false);
        while (st.fetch()) shows.push_back(toShow(row));
        for (auto& s : shows) loadPrices(sql, s);
    });
    if (!r) return std::move(r).error();
    return shows;
}

Result<void> SqlCatalogRepository::updateShow(const Show& s) {
    long long starts = s.startsAt, opens = s.saleOpensAt, closes = s.saleClosesAt, updated = s.updatedAt;
    return db_.transact([&](soci::session& sql) -> Result<void> {
        soci::statement st =
            oneShot(sql, q::kUpdateShow, soci::use(starts), soci::use(s.localDate), soci::use(opens), soci::use(closes),
                    soci::use(s.currency), soci::use(updated), soci::use(s.id.str()));
        st.execute(true);
        if (st.get_affected_rows() == 0) return Error::notFound("show");
        sql << q::kDeletePrices, soci::use(s.id.str());
        insertPrices(sql, s);
        return {};
    });
}

Result<void> SqlCatalogRepository::deleteShow(const ShowId& id) {
    return db_.transact([&](soci::session& sql) -> Result<void> {
        long long orders = 0;
        sql << q::kCountOrdersOfShow, soci::use(id.str()), soci::into(orders);
        if (orders > 0)
            return Error::of(ErrorCode::ShowHasOrders,
                             "the show has " + std::to_string(orders) + " order(s) and cannot be deleted");
        sql << q::kDeletePrices, soci::use(id.str());
        soci::statement st = oneShot(sql, q::kDeleteShow, soci::use(id.str()));
        st.execute(true);
        if (st.get_affected_rows() == 0) return Error::notFound("show");
        return {};
    });
}

}  // namespace boxoffice::sql
