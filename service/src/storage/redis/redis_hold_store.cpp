#include "storage/redis/redis_hold_store.hpp"

#include <string>

#include <algorithm>
#include <charconv>
#include <cstdint>
#include <exception>
#include <future>
#include <stdexcept>
#include <string_view>
#include <unordered_map>
#include <utility>

#include "domain/hold_id.hpp"
#include "storage/redis/hold_store_support.hpp"
#include "util/log.hpp"
#include "util/random_id.hpp"

namespace boxoffice::redis {

using hold_store::guarded;
using hold_store::kReadyField;
using hold_store::parseInt;

namespace {

// Hold records outlive their end so a client polling its hold sees EXPIRED, not 404.
constexpr EpochMs kRecordRetentionMs = 24LL * 60 * 60 * 1000;

std::string tagOf(const ShowId& show) {
    return "bx:{" + show.str() + "}:";
}

Result<HoldChange> holdChangeOf(std::string_view what, const Reply& r) {
    if (r.type == Reply::Type::String || r.type == Reply::Type::Status) {
        if (r.str == "DONE") return HoldChange::Done;
        if (r.str == "NOTFOUND") return HoldChange::NotFound;
        if (r.str == "NOTHELD") return HoldChange::NotHeld;
    }
    return unexpectedReply(what, r);
}

}  // namespace

std::string RedisHoldStore::seatsKey(const ShowId& show) {
    return tagOf(show) + "seats";
}
std::string RedisHoldStore::versionKey(const ShowId& show) {
    return tagOf(show) + "ver";
}
std::string RedisHoldStore::dirtyRowsKey(const ShowId& show) {
    return tagOf(show) + "ba:dirty";
}
std::string RedisHoldStore::holdKey(const ShowId& show, const HoldId& id) {
    return tagOf(show) + "hold:" + id.str();
}
std::string RedisHoldStore::userKey(const ShowId& show, const UserId& user) {
    return tagOf(show) + "user:" + user.str();
}

RedisHoldStore::RedisHoldStore(RedisPool& pool)
    : pool_(pool),
      fenceOwner_("hold store " + util::RandomIdGenerator().next()),
      hold_(LuaScript::embedded("hold.lua").fencedFor(fenceOwner_)),
      bestAvailable_(LuaScript::embedded("best_available.lua").fencedFor(fenceOwner_)),
      layout_(LuaScript::embedded("best_available_layout.lua")),
      release_(LuaScript::embedded("release.lua")),
      attach_(LuaScript::embedded("attach.lua")),
      sell_(LuaScript::embedded("sell.lua")),
      releaseOrder_(LuaScript::embedded("release_order.lua")),
      restore_(LuaScript::embedded("restore.lua")),
      detach_(LuaScript::embedded("detach.lua")) {}

Result<Reply> RedisHoldStore::eval(const LuaScript& script, const std::vector<std::string>& keys,
                                   const std::vector<std::string>& args) {
    const auto argv = evalshaCommand(script, keys, args);
    auto lease = pool_.lease();
    if (!lease) return std::move(lease).error();
    auto reply = lease->command(argv, &script);
    if (!reply) return std::move(reply).error();
    if (reply->type == Reply::Type::Error) return errorFromReply(*reply, script.name);
    return reply;
}

Result<std::vector<std::string>> RedisHoldStore::holdCommand(const HoldRequest& request) const {
    // findHold() and release() find the record by the show inside the hold id alone.
    const auto showOfId = showOfHold(request.holdId);
    if (!showOfId || *showOfId != request.showId) {
        return Error::internalError("hold id " + request.holdId.str() + " does not carry show " + request.showId.str());
    }
    const ShowId& show = request.showId;
    if (request.pick) {
        if (!request.seating) return Error::internalError("best-available hold without the show's seating");
        const std::string tag = tagOf(show);
        return evalshaCommand(
            bestAvailable_,
            {seatsKey(show), holdKey(show, request.holdId), userKey(show, request.userId), versionKey(show),
             tag + "ba:layout", tag + "ba:bound", tag + "ba:run", dirtyRowsKey(show)},
            {request.holdId.str(), request.userId.str(), std::to_string(request.now), std::to_string(request.expiresAt),
             std::to_string(request.maxSeatsPerUser), std::to_string(request.expiresAt + kRecordRetentionMs),
             request.seating->signature(), std::to_string(request.pick->quantity), request.pick->adjacent ? "1" : "0",
             request.pick->section, request.pick->tier});
    }
    if (request.seatIds.empty()) return Error::internalError("hold " + request.holdId.str() + " has no seats");
    std::vector<std::string> argv{"EVALSHA",
                                  hold_.sha1,
                                  "4",
                                  seatsKey(show),
                                  holdKey(show, request.holdId),
                                  userKey(show, request.userId),
                                  versionKey(show),
                                  request.holdId.str(),
                                  request.userId.str(),
                                  std::to_string(request.now),
                                  std::to_string(request.expiresAt),
                                  std::to_string(request.maxSeatsPerUser),
                                  std::to_string(request.expiresAt + kRecordRetentionMs)};
    for (const auto& seat : request.seatIds) argv.push_back(seat.str());
    return argv;
}

std::vector<std::string> RedisHoldStore::layoutCommand(const ShowId& show, const SeatIndex& seating) const {
    const std::string tag = tagOf(show);
    std::vector<std::string> args{seating.signature()};
    args.reserve(1 + seating.rows().size());
    const auto& seats = seating.seats();
    for (const SeatRow& row : seating.rows()) {
        const auto& section = seating.layout().sections[row.section];
        const auto& layoutRow = section.rows[row.row];
        std::string r = section.name + "-" + layoutRow.label + "|" + section.name + "|" + layoutRow.tier + "|";
        for (auto i = row.begin; i < row.end; ++i) {
            if (i != row.begin) r.push_back(',');
            r += seats[i].seatId.str();
        }
        args.push_back(std::move(r));
    }
    return evalshaCommand(layout_, {tag + "ba:layout", tag + "ba:bound", tag + "ba:run", dirtyRowsKey(show)}, args);
}

namespace {
bool isNoLayout(const Reply& r) {
    return r.type == Reply::Type::Array && r.elements.size() == 1 && r.elements[0].str == "NOLAYOUT";
}
}  // namespace

Result<HoldResult> RedisHoldStore::holdOutcome(const HoldRequest& request, const Reply& r) {
    if (isNoScript(r)) {
        holdsOpen_.store(false, std::memory_order_release);
        return Error::of(ErrorCode::DependencyUnavailable,
                         "seat holds are paused while the seat inventory is checked; retry",
                         "redis hold: NOSCRIPT: the server restarted or lost its scripts; holds wait for the repair");
    }
    if (r.type == Reply::Type::Error) return errorFromReply(r, request.pick ? bestAvailable_.name : hold_.name);
    if (r.type != Reply::Type::Array || r.elements.empty()) return unexpectedReply("hold", r);
    const std::string& kind = r.elements.front().str;
    HoldResult out;
    if (kind == "HELD") {
        out.kind = HoldResult::Kind::Held;
        if (request.pick) {
            for (std::size_t i = 1; i < r.elements.size(); ++i) out.seatIds.emplace_back(r.elements[i].str);
            if (static_cast<int>(out.seatIds.size()) != request.pick->quantity) return unexpectedReply("hold", r);
        }
    } else if (kind == "NONE" && request.pick) {
        out.kind = HoldResult::Kind::Unavailable;
    } else if (kind == "TAKEN") {
        out.kind = HoldResult::Kind::Unavailable;
        for (std::size_t i = 1; i < r.elements.size(); ++i) out.unavailable.emplace_back(r.elements[i].str);
    } else if (kind == "LIMIT" && r.elements.size() == 2 && r.elements[1].type == Reply::Type::Integer) {
        out.kind = HoldResult::Kind::UserLimitReached;
        out.userSeats = static_cast<int>(r.elements[1].integer);
    } else if (kind == "NOTREADY") {
        out.kind = HoldResult::Kind::NotReady;
    } else if (kind == "DUPLICATE") {
        return Error::internalError("hold id reused: " + request.holdId.str());
    } else {
        return unexpectedReply("hold", r);
    }
    return out;
}

Result<HoldResult> RedisHoldStore::hold(const HoldRequest& request) {
    if (batcher_) {
        // One hold path: a caller that may wait (a hold with an Idempotency-Key, a cold show)
        // waits for the pipelined hold rather than taking a second way to Redis.
        std::promise<Result<HoldResult>> answer;
        auto future = answer.get_future();
        holdAsync(request, [&answer](Result<HoldResult> r) { answer.set_value(std::move(r)); });
        return future.get();
    }
    return guarded("hold", [&]() -> Result<HoldResult> {
        auto argv = holdCommand(request);
        if (!argv) return std::move(argv).error();
        const LuaScript* script = request.pick ? &bestAvailable_ : &hold_;
        auto lease = pool_.lease();
        if (!lease) return std::move(lease).error();
        auto reply = lease->command(*argv, script);
        if (!reply) return std::move(reply).error();
        if (request.pick && isNoLayout(*reply)) {
            auto loaded = lease->command(layoutCommand(request.showId, *request.seating), &layout_);
            if (!loaded) return std::move(loaded).error();
            if (loaded->type == Reply::Type::Error) return errorFromReply(*loaded, layout_.name);
            reply = lease->command(*argv, script);
            if (!reply) return std::move(reply).error();
        }
        return holdOutcome(request, *reply);
    });
}

void RedisHoldStore::holdAsync(const HoldRequest& request, std::function<void(Result<HoldResult>)> done) {
    if (!batcher_) return HoldStore::holdAsync(request, std::move(done));
    auto argv = holdCommand(request);
    if (!argv) return done(std::move(argv).error());
    if (!request.pick) {
        batcher_->submit(std::move(argv).value(), &hold_, [this, request, done = std::move(done)](Result<Reply> reply) {
            if (!reply) return done(std::move(reply).error());
            done(holdOutcome(request, *reply));
        });
        return;
    }
    // A show whose seating Redis does not have yet: the seating goes first, then the hold again,
    // both through the pipelines (no thread waits for them).
    auto command = std::make_shared<std::vector<std::string>>(std::move(argv).value());
    batcher_->submit(
        *command, &bestAvailable_, [this, request, command, done = std::move(done)](Result<Reply> reply) mutable {
            if (!reply) return done(std::move(reply).error());
            if (!isNoLayout(*reply)) return done(holdOutcome(request, *reply));
            batcher_->submit(layoutCommand(request.showId, *request.seating), &layout_,
                             [this, request, command, done = std::move(done)](Result<Reply> loaded) mutable {
                                 if (!loaded) return done(std::move(loaded).error());
                                 if (loaded->type == Reply::Type::Error)
                                     return done(errorFromReply(*loaded, layout_.name));
                                 batcher_->submit(std::move(*command), &bestAvailable_,
                                                  [this, request, done = std::move(done)](Result<Reply> again) {
                                                      if (!again) return done(std::move(again).error());
                                                      done(holdOutcome(request, *again));
                                                  });
                             });
        });
}

Result<std::optional<Hold>> RedisHoldStore::findHold(const HoldId& id, EpochMs now) {
    return guarded("findHold", [&]() -> Result<std::optional<Hold>> {
        const auto show = showOfHold(id);
        if (!show) return std::optional<Hold>{};
        auto reply = pool_.call({"HGETALL", holdKey(*show, id)});
        if (!reply) return std::move(reply).error();
        if (reply->type == Reply::Type::Error) return errorFromReply(*reply, "findHold");
        if (reply->type != Reply::Type::Array || reply->elements.size() % 2 != 0)
            return unexpectedReply("findHold", *reply);
        if (reply->elements.empty()) return std::optional<Hold>{};

        std::unordered_map<std::string, std::string> f;
        for (std::size_t i = 0; i + 1 < reply->elements.size(); i += 2) {
            f.emplace(std::move(reply->elements[i].str), std::move(reply->elements[i + 1].str));
        }
        Hold h;
        h.id = id;
        h.showId = *show;
        h.userId = UserId{f["user"]};
        const std::string& seats = f["seats"];
        for (std::size_t from = 0; from < seats.size();) {
            const std::size_t comma = std::min(seats.find(',', from), seats.size());
            if (comma > from) h.seatIds.emplace_back(seats.substr(from, comma - from));
            from = comma + 1;
        }
        if (!parseInt(f["expiresAt"], h.expiresAt) || !parseInt(f["createdAt"], h.createdAt)) {
            return Error::internalError("redis findHold: malformed hold record " + id.str());
        }
        const std::string& status = f["status"];
        if (status == "HELD") {
            h.status = now >= h.expiresAt ? HoldStatus::Expired : HoldStatus::Held;
        } else if (status == "RELEASED") {
            h.status = HoldStatus::Released;
        } else if (status == "ORDERED") {
            h.status = HoldStatus::Ordered;
        } else {
            return Error::internalError("redis findHold: hold " + id.str() + " has status '" + status + "'");
        }
        if (const auto it = f.find("orderId"); it != f.end() && !it->second.empty()) h.orderId = OrderId{it->second};
        return std::optional<Hold>{std::move(h)};
    });
}

Result<HoldChange> RedisHoldStore::release(const HoldId& id, const UserId& user, EpochMs now) {
    return guarded("release", [&]() -> Result<HoldChange> {
        const auto show = showOfHold(id);
        if (!show) return HoldChange::NotFound;
        auto reply =
            eval(release_,
                 {seatsKey(*show), holdKey(*show, id), userKey(*show, user), versionKey(*show), dirtyRowsKey(*show)},
                 {id.str(), user.str(), std::to_string(now)});
        if (!reply) return std::move(reply).error();
        return holdChangeOf("release", *reply);
    });
}

Result<HoldChange> RedisHoldStore::attachToOrder(const HoldId& id, const UserId& user, const OrderId& order,
                                                 EpochMs orderExpiresAt, EpochMs now) {
    return guarded("attachToOrder", [&]() -> Result<HoldChange> {
        const auto show = showOfHold(id);
        if (!show) return HoldChange::NotFound;
        auto reply =
            eval(attach_,
                 {seatsKey(*show), holdKey(*show, id), userKey(*show, user), versionKey(*show), dirtyRowsKey(*show)},
                 {id.str(), user.str(), order.str(), std::to_string(orderExpiresAt), std::to_string(now),
                  std::to_string(kRecordRetentionMs)});
        if (!reply) return std::move(reply).error();
        return holdChangeOf("attach", *reply);
    });
}

Result<void> RedisHoldStore::sell(const ShowId& show, const OrderId& order, const UserId& user,
                                  const std::vector<SeatId>& seatIds, EpochMs now) {
    return guarded("sell", [&]() -> Result<void> {
        if (seatIds.empty()) return {};
        std::vector<std::string> args{order.str(), user.str(), std::to_string(now)};
        for (const auto& seat : seatIds) args.push_back(seat.str());
        auto reply = eval(sell_, {seatsKey(show), userKey(show, user), versionKey(show)}, args);
        if (!reply) return std::move(reply).error();
        if (reply->type != Reply::Type::Array) return unexpectedReply("sell", *reply);
        if (!reply->elements.empty()) {
            // Not an error for the caller (SQL already sold the seats), but a sign of clock skew
            // between replicas or of a double sale in SQL: worth a look.
            nlohmann::json displaced = nlohmann::json::object();
            for (std::size_t i = 0; i + 1 < reply->elements.size(); i += 2) {
                displaced[reply->elements[i].str] = reply->elements[i + 1].str;
            }
            log::warn("sale met seats owned by someone else in the hold store",
                      {{"showId", show.str()}, {"orderId", order.str()}, {"owners", displaced}});
        }
        return {};
    });
}

Result<void> RedisHoldStore::releaseOrder(const ShowId& show, const OrderId& order, const UserId& user,
                                          const std::vector<SeatId>& seatIds, EpochMs now) {
    return guarded("releaseOrder", [&]() -> Result<void> {
        if (seatIds.empty()) return {};
        std::vector<std::string> args{order.str(), std::to_string(now)};
        for (const auto& seat : seatIds) args.push_back(seat.str());
        auto reply =
            eval(releaseOrder_, {seatsKey(show), userKey(show, user), versionKey(show), dirtyRowsKey(show)}, args);
        if (!reply) return std::move(reply).error();
        if (reply->type != Reply::Type::Integer) return unexpectedReply("releaseOrder", *reply);
        return {};
    });
}

Result<HoldChange> RedisHoldStore::detachFromOrder(const HoldId& id, const UserId& user, const OrderId& order,
                                                   EpochMs keepUntil) {
    return guarded("detachFromOrder", [&]() -> Result<HoldChange> {
        const auto show = showOfHold(id);
        if (!show) return HoldChange::NotFound;
        auto reply =
            eval(detach_, {seatsKey(*show), holdKey(*show, id), versionKey(*show), dirtyRowsKey(*show)},
                 {id.str(), user.str(), order.str(), std::to_string(keepUntil), std::to_string(kRecordRetentionMs)});
        if (!reply) return std::move(reply).error();
        return holdChangeOf("detach", *reply);
    });
}

}  // namespace boxoffice::redis
