// The layout codec (domain/layout_codec) and what is built from a layout it read: a layout that reads
// without errors and validates expands into a SeatIndex whose ids are unique and found where they
// are; writing it back (layoutToJson) and reading that again gives the same seats with the same tiers.
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

#include <nlohmann/json.hpp>

#include "domain/layout.hpp"
#include "domain/layout_codec.hpp"
#include "fuzz_target.hpp"

namespace boxoffice::fuzz {
namespace {

struct ExpandedSeat {
    std::string id;
    std::string tier;
    bool operator==(const ExpandedSeat&) const = default;
};

std::vector<ExpandedSeat> expand(const SeatIndex& index) {
    std::vector<ExpandedSeat> out;
    out.reserve(index.size());
    for (const auto& s : index.seats()) out.push_back({s.seatId.str(), index.tierOf(s)});
    return out;
}

void layoutCodec(std::string_view input) {
    const auto doc = nlohmann::json::parse(input, nullptr, /*allow_exceptions=*/false);
    if (doc.is_discarded()) return;
    std::vector<FieldError> errors;
    Layout layout = layoutFromJson(doc, "layout", errors);
    for (const auto& e : errors) FUZZ_CHECK(e.field.starts_with("layout") && !e.message.empty());
    if (!errors.empty()) return;
    const auto valid = validateLayout(layout);
    if (!valid) {
        FUZZ_CHECK(valid.error().code == ErrorCode::ValidationFailed && !valid.error().fields.empty());
        return;
    }

    const int count = seatCount(layout);
    FUZZ_CHECK(count > 0 && count <= LayoutLimits{}.maxSeats);
    const SeatIndex index(layout);
    FUZZ_CHECK(static_cast<int>(index.size()) == count);
    std::unordered_set<std::string_view> ids;
    for (std::size_t i = 0; i < index.size(); ++i) {
        const auto& seat = index.seats()[i];
        FUZZ_CHECK(ids.insert(seat.seatId.str()).second);
        FUZZ_CHECK(index.find(seat.seatId.str()) == static_cast<long>(i));
        FUZZ_CHECK(seat.number >= 1);
    }
    FUZZ_CHECK(index.find("") == -1);

    const nlohmann::json written = layoutToJson(layout);
    std::vector<FieldError> again;
    const Layout reread = layoutFromJson(nlohmann::json::parse(written.dump()), "layout", again);
    FUZZ_CHECK(again.empty());
    FUZZ_CHECK(validateLayout(reread).ok());
    const SeatIndex rereadIndex(reread);
    FUZZ_CHECK(expand(rereadIndex) == expand(index));
}

}  // namespace
}  // namespace boxoffice::fuzz

BOXOFFICE_FUZZ_TARGET(layout_codec, boxoffice::fuzz::layoutCodec)
