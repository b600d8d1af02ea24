// The Redis hold store's read side: a show's seat statuses for the seat map, from one HGETALL.
#include <cstdint>
#include <string>
#include <string_view>

#include "storage/redis/hold_store_support.hpp"
#include "storage/redis/redis_hold_store.hpp"

namespace boxoffice::redis {

using hold_store::guarded;
using hold_store::kReadyField;
using hold_store::parseInt;

namespace {

// Mirrors liveOwner() in the scripts: an owner that cannot be parsed counts as held, so a seat is
// never shown free on a guess.
SeatStatus statusOfOwner(std::string_view owner, EpochMs now) {
    if (owner.size() < 4 || owner[1] != '|') return SeatStatus::Held;
    if (owner[0] == 'S') return SeatStatus::Sold;
    const auto bar = owner.find('|', 2);
    std::int64_t expiresAt = 0;
    if (bar == std::string_view::npos || !parseInt(owner.substr(2, bar - 2), expiresAt)) return SeatStatus::Held;
    return expiresAt > now ? SeatStatus::Held : SeatStatus::Available;
}

}  // namespace

Result<AvailabilitySnapshot> RedisHoldStore::snapshot(const ShowId& show, const SeatIndex& seats, EpochMs now) {
    return guarded("snapshot", [&]() -> Result<AvailabilitySnapshot> {
        // One call for any hall: the seats hash holds only seats that were ever taken (and the
        // ready flag), and the statuses are worked out here rather than in a script that would
        // block Redis.
        auto lease = pool_.lease();
        if (!lease) return std::move(lease).error();
        auto reply = lease->command({"HGETALL", seatsKey(show)});
        if (!reply) return std::move(reply).error();
        const Reply& owners = *reply;
        if (owners.type == Reply::Type::Error) return errorFromReply(owners, "snapshot");
        if (owners.type != Reply::Type::Array || owners.elements.size() % 2 != 0) {
            return unexpectedReply("snapshot HGETALL", owners);
        }

        AvailabilitySnapshot s;
        s.epoch = "redis";
        s.ready = false;
        s.status.assign(seats.size(), SeatStatus::Available);
        for (std::size_t i = 0; i + 1 < owners.elements.size(); i += 2) {
            const std::string& field = owners.elements[i].str;
            if (!field.empty() && field[0] == '#') {
                // The show's own fields (ready flag, sold count): a seat id never starts with '#'.
                s.ready = s.ready || field == kReadyField;
                continue;
            }
            const long pos = seats.find(owners.elements[i].str);
            if (pos < 0) continue;  // a seat no longer in the layout: not ours to show
            s.status[static_cast<std::size_t>(pos)] = statusOfOwner(owners.elements[i + 1].str, now);
        }
        summarize(s);
        return s;
    });
}

}  // namespace boxoffice::redis
