#pragma once
// The live seat map's pure part: what changed between two availability snapshots, and a bounded
// history of those changes per show so that a client that reconnects with the id of the last
// event it saw gets exactly what it missed (or is told to start over from a snapshot).
#include <cstdint>
#include <deque>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "domain/ports.hpp"

namespace boxoffice {

/// A seat (by its position in the show's SeatIndex) and its new status.
struct SeatChange {
    std::uint32_t position = 0;
    SeatStatus status = SeatStatus::Available;
    bool operator==(const SeatChange&) const = default;
};

/// The seats whose status differs from `before` to `after`, in layout order. Both must be of the
/// same seating (equal sizes); a seat missing from a shorter vector counts as available.
std::vector<SeatChange> diffStatuses(const std::vector<SeatStatus>& before, const std::vector<SeatStatus>& after);

/// An event id on the wire: `<epoch>.<sequence>`. The epoch names the process that numbered the
/// events, so an id from another replica or an earlier run is never mistaken for one of ours.
struct FeedEventId {
    std::string epoch;
    std::uint64_t sequence = 0;

    std::string str() const;
    /// nullopt for anything that is not `<epoch>.<decimal>`.
    static std::optional<FeedEventId> parse(std::string_view text);
};

/// The last `capacity` steps of one show's availability, each from one event id to the next.
/// Sequences grow; a step's `from` is the sequence of the state it applies to.
class ChangeRing {
public:
    explicit ChangeRing(std::size_t capacity);

    /// Records the step from state `from` to state `to`.
    void push(std::uint64_t from, std::uint64_t to, std::vector<SeatChange> changes);
    /// Forgets every step (the seating changed: nothing before can be resumed).
    void clear() { steps_.clear(); }
    /// What a client that has seen state `seen` is missing to reach `current`: the changes merged
    /// (each seat once, with its latest status, in layout order), empty when `seen == current`.
    /// nullopt when `seen` is not a state the ring can resume from (too old, or never ours).
    std::optional<std::vector<SeatChange>> since(std::uint64_t seen, std::uint64_t current) const;
    std::size_t size() const { return steps_.size(); }

private:
    struct Step {
        std::uint64_t from;
        std::uint64_t to;
        std::vector<SeatChange> changes;
    };
    std::size_t capacity_;
    std::deque<Step> steps_;
};

}  // namespace boxoffice
