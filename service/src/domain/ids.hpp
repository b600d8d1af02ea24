#pragma once
// Strong id types: a ShowId cannot be passed where a VenueId is expected.
#include <compare>
#include <functional>
#include <string>

namespace boxoffice {

template <typename Tag>
class Id {
public:
    Id() = default;
    explicit Id(std::string v) : v_(std::move(v)) {}
    const std::string& str() const { return v_; }
    bool empty() const { return v_.empty(); }
    auto operator<=>(const Id&) const = default;

private:
    std::string v_;
};

using VenueId = Id<struct VenueIdTag>;
using EventId = Id<struct EventIdTag>;
using ShowId = Id<struct ShowIdTag>;
using SeatId = Id<struct SeatIdTag>;
using HoldId = Id<struct HoldIdTag>;
using OrderId = Id<struct OrderIdTag>;
using UserId = Id<struct UserIdTag>;

}  // namespace boxoffice

template <typename Tag>
struct std::hash<boxoffice::Id<Tag>> {
    size_t operator()(const boxoffice::Id<Tag>& id) const noexcept { return std::hash<std::string>{}(id.str()); }
};
