#include "domain/seatmap_changes.hpp"

#include <algorithm>
#include <charconv>
#include <map>

namespace boxoffice {

std::vector<SeatChange> diffStatuses(const std::vector<SeatStatus>& before, const std::vector<SeatStatus>& after) {
    std::vector<SeatChange> out;
    const std::size_t n = std::max(before.size(), after.size());
    for (std::size_t i = 0; i < n; ++i) {
        const SeatStatus a = i < before.size() ? before[i] : SeatStatus::Available;
        const SeatStatus b = i < after.size() ? after[i] : SeatStatus::Available;
        if (a != b) out.push_back({static_cast<std::uint32_t>(i), b});
    }
    return out;
}

std::string FeedEventId::str() const {
    return epoch + "." + std::to_string(sequence);
}

std::optional<FeedEventId> FeedEventId::parse(std::string_view text) {
    const auto dot = text.rfind('.');
    if (dot == std::string_view::npos || dot == 0 || dot + 1 == text.size() || text.size() > 64) return std::nullopt;
    FeedEventId id;
    id.epoch = std::string(text.substr(0, dot));
    const auto digits = text.substr(dot + 1);
    const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), id.sequence);
    if (ec != std::errc() || end != digits.data() + digits.size()) return std::nullopt;
    return id;
}

ChangeRing::ChangeRing(std::size_t capacity) : capacity_(std::max<std::size_t>(1, capacity)) {}

void ChangeRing::push(std::uint64_t from, std::uint64_t to, std::vector<SeatChange> changes) {
    // A step that does not follow the last one leaves a hole: what came before cannot be resumed.
    if (!steps_.empty() && steps_.back().to != from) steps_.clear();
    steps_.push_back({from, to, std::move(changes)});
    while (steps_.size() > capacity_) steps_.pop_front();
}

std::optional<std::vector<SeatChange>> ChangeRing::since(std::uint64_t seen, std::uint64_t current) const {
    if (seen == current) return std::vector<SeatChange>{};
    auto it = std::find_if(steps_.begin(), steps_.end(), [&](const Step& s) { return s.from == seen; });
    if (it == steps_.end() || steps_.back().to != current) return std::nullopt;
    std::map<std::uint32_t, SeatStatus> merged;
    for (; it != steps_.end(); ++it)
        for (const auto& c : it->changes) merged[c.position] = c.status;
    std::vector<SeatChange> out;
    out.reserve(merged.size());
    for (const auto& [position, status] : merged) out.push_back({position, status});
    return out;
}

}  // namespace boxoffice
