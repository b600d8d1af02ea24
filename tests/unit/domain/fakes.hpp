#pragma once
// In-memory fakes of the SQL ports for unit tests of the domain rules (BookingService, Inventory,
// SeatMapService): a catalog of what a test puts in it, and an order repository that keeps the
// one rule the database enforces for them (one active order per seat, one order per hold).
#include <algorithm>
#include <map>
#include <mutex>
#include <set>

#include "domain/booking_ports.hpp"
#include "domain/ports.hpp"

namespace boxoffice::testing {

class FakeCatalog final : public CatalogRepository {
public:
    Result<void> createVenue(const Venue& v) override {
        venues[v.id.str()] = v;
        return {};
    }
    Result<Venue> findVenue(const VenueId& id) override {
        auto it = venues.find(id.str());
        if (it == venues.end()) return Error::notFound("venue");
        return it->second;
    }
    Result<void> createEvent(const Event&) override { return {}; }
    Result<Event> findEvent(const EventId&) override { return Error::notFound("event"); }
    Result<Page<Event>> listEvents(const EventQuery&) override { return Page<Event>{}; }
    Result<void> updateEvent(const Event&) override { return {}; }
    Result<void> deleteEvent(const EventId&) override { return {}; }
    Result<void> createShow(const Show& s) override {
        shows[s.id.str()] = s;
        return {};
    }
    Result<Show> findShow(const ShowId& id) override {
        auto it = shows.find(id.str());
        if (it == shows.end()) return Error::notFound("show");
        return it->second;
    }
    Result<std::vector<Show>> listShows(const EventId&, const std::string&) override { return std::vector<Show>{}; }
    Result<void> updateShow(const Show& s) override { return createShow(s); }
    Result<void> deleteShow(const ShowId& id) override {
        shows.erase(id.str());
        return {};
    }

    std::map<std::string, Venue> venues;
    std::map<std::string, Show> shows;
};

class FakeOrders final : public OrderRepository {
public:
    Result<void> create(const Order& order, const OutboxMessage& created) override {
        std::lock_guard lock(mu_);
        for (const auto& [id, o] : orders_)
            if (id == order.id.str() || o.holdId == order.holdId)
                return Error{ErrorCode::Conflict, "an order for this hold already exists", {}, {}, {}, {}};
        std::vector<std::string> taken;
        for (const auto& s : order.seats)
            if (activeSeat(order.showId, s.seatId)) taken.push_back(s.seatId.str());
        if (!taken.empty())
            return Error{ErrorCode::SeatsUnavailable, "seats are no longer available", {}, taken, {}, {}};
        orders_[order.id.str()] = order;
        outbox.push_back(created);
        return {};
    }
    Result<Order> find(const OrderId& id) override {
        std::lock_guard lock(mu_);
        auto it = orders_.find(id.str());
        if (it == orders_.end()) return Error::notFound("order");
        return it->second;
    }
    Result<Order> transition(const OrderTransition& t) override {
        std::lock_guard lock(mu_);
        auto it = orders_.find(t.id.str());
        if (it == orders_.end()) return Error::notFound("order");
        Order& o = it->second;
        if (o.status != OrderStatus::PaymentPending)
            return Error{ErrorCode::Conflict, "order is " + std::string(orderStatusName(o.status)), {}, {}, {}, {}};
        if (t.to == OrderStatus::Confirmed) {
            if (o.expiresAt <= t.now) return Error{ErrorCode::OrderExpired, "window closed", {}, {}, {}, {}};
            o.paymentReference = t.paymentReference;
            o.confirmedAt = t.now;
            o.tickets = t.tickets;
        }
        o.status = t.to;
        o.updatedAt = t.now;
        outbox.push_back(t.message);
        return o;
    }
    Result<std::vector<Order>> ordersOf(const UserId& user, int limit, int offset) override {
        std::lock_guard lock(mu_);
        std::vector<Order> out;
        for (const auto& [id, o] : orders_)
            if (o.userId == user) out.push_back(o);
        if (offset >= static_cast<int>(out.size())) return std::vector<Order>{};
        out.erase(out.begin(), out.begin() + offset);
        if (static_cast<int>(out.size()) > limit) out.resize(static_cast<std::size_t>(limit));
        return out;
    }
    Result<std::vector<Ticket>> ticketsOf(const UserId& user, int, int) override {
        std::lock_guard lock(mu_);
        std::vector<Ticket> out;
        for (const auto& [id, o] : orders_)
            if (o.userId == user) out.insert(out.end(), o.tickets.begin(), o.tickets.end());
        return out;
    }
    Result<std::vector<Order>> expireDue(EpochMs now, int limit,
                                         const std::function<OutboxMessage(const Order&)>& message) override {
        std::lock_guard lock(mu_);
        std::vector<Order> out;
        for (auto& [id, o] : orders_) {
            if (static_cast<int>(out.size()) >= limit) break;
            if (o.status != OrderStatus::PaymentPending || o.expiresAt > now) continue;
            o.status = OrderStatus::Expired;
            o.updatedAt = now;
            outbox.push_back(message(o));
            out.push_back(o);
        }
        return out;
    }
    Result<std::vector<SeatClaim>> activeClaims(const ShowId& show) override {
        std::lock_guard lock(mu_);
        std::vector<SeatClaim> out;
        for (const auto& [id, o] : orders_) {
            if (o.showId != show || !active(o)) continue;
            for (const auto& s : o.seats)
                out.push_back({s.seatId, o.id, o.userId, o.status == OrderStatus::Confirmed ? 0 : o.expiresAt});
        }
        return out;
    }
    Result<long long> soldSeatCount(const ShowId& show) override {
        std::lock_guard lock(mu_);
        long long n = 0;
        for (const auto& [id, o] : orders_)
            if (o.showId == show && o.status == OrderStatus::Confirmed) n += static_cast<long long>(o.seats.size());
        return n;
    }
    Result<long long> outboxDepth() override {
        std::lock_guard lock(mu_);
        return static_cast<long long>(outbox.size());
    }

    /// A sale the store never heard of (what a crash between the commit and the store's sell leaves).
    void plantSale(Order o) {
        std::lock_guard lock(mu_);
        o.status = OrderStatus::Confirmed;
        orders_[o.id.str()] = std::move(o);
    }

    std::vector<OutboxMessage> outbox;

private:
    static bool active(const Order& o) {
        return o.status == OrderStatus::PaymentPending || o.status == OrderStatus::Confirmed;
    }
    bool activeSeat(const ShowId& show, const SeatId& seat) const {
        for (const auto& [id, o] : orders_)
            if (o.showId == show && active(o))
                for (const auto& s : o.seats)
                    if (s.seatId == seat) return true;
        return false;
    }

    std::mutex mu_;
    std::map<std::string, Order> orders_;
};

}  // namespace boxoffice::testing
