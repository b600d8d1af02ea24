// The fast hold-body reader (parsePlainHoldBody) against the JSON path it short-cuts
// (parseJsonObject + parseHoldBody): whenever the fast reader gives a value, the JSON path must
// accept the same body with exactly the same show and seats. The reverse need not hold: the fast
// reader declines anything but the compact form and leaves it to the JSON path.
#include <string>
#include <string_view>

#include "fuzz_target.hpp"
#include "http/booking_dto.hpp"
#include "http/json_body.hpp"

namespace boxoffice::fuzz {
namespace {

void holdBody(std::string_view input) {
    const auto fast = http::parsePlainHoldBody(input);

    http::Request request;
    request.method = http::Method::Post;
    request.body = std::string(input);
    auto json = http::parseJsonObject(request);
    if (!fast) return;

    FUZZ_CHECK(json.ok());
    const auto slow = http::parseHoldBody(*json);
    FUZZ_CHECK(slow.ok());
    FUZZ_CHECK(slow->showId == fast->showId);
    FUZZ_CHECK(slow->seatIds == fast->seatIds);
}

}  // namespace
}  // namespace boxoffice::fuzz

BOXOFFICE_FUZZ_TARGET(hold_body, boxoffice::fuzz::holdBody)
