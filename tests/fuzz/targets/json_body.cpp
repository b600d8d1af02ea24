// Request bodies as the handlers read them: parseJsonObject, then every DTO reader of booking_dto
// and catalog_dto on the same document. A reader either accepts, and then its value keeps the limits
// the reader promises, or refuses with 422 field errors; a malformed body is 400; nothing throws.
#include <string>
#include <string_view>

#include "domain/layout.hpp"
#include "util/rfc3339.hpp"
#include "fuzz_target.hpp"
#include "http/booking_dto.hpp"
#include "http/catalog_dto.hpp"
#include "http/json_body.hpp"

namespace boxoffice::fuzz {
namespace {

bool within(const std::string& s, std::size_t min, std::size_t max) {
    return s.size() >= min && s.size() <= max;
}

template <typename T>
bool accepted(const Result<T>& r) {
    if (r) return true;
    const Error& e = r.error();
    FUZZ_CHECK(e.code == ErrorCode::ValidationFailed);
    FUZZ_CHECK(!e.fields.empty());
    for (const auto& f : e.fields) FUZZ_CHECK(!f.field.empty() && !f.message.empty());
    return false;
}

// A time the API accepted is written back by formatRfc3339; the API must accept what it writes.
void checkTime(EpochMs t) {
    const auto back = parseRfc3339(formatRfc3339(t));
    FUZZ_CHECK(back.has_value() && *back == t);
}

void checkPrices(const std::vector<TierPrice>& prices) {
    FUZZ_CHECK(!prices.empty() && prices.size() <= 100);
    for (const auto& p : prices) {
        FUZZ_CHECK(within(p.tier, 1, 16));
        FUZZ_CHECK(p.amountMinor >= 0 && p.amountMinor <= 1'000'000'000'000LL);
    }
}

void checkBooking(const http::Json& body) {
    if (auto h = http::parseHoldBody(body); accepted(h)) {
        FUZZ_CHECK(within(h->showId.str(), 1, 64));
        FUZZ_CHECK(h->seatIds.size() <= 100);
        for (const auto& s : h->seatIds) FUZZ_CHECK(within(s.str(), 1, 64));
    }
    if (auto o = http::parseOrderBody(body); accepted(o)) {
        FUZZ_CHECK(within(o->holdId.str(), 1, 128));
        FUZZ_CHECK(within(o->customer.name, 1, 200));
        FUZZ_CHECK(within(o->customer.email, 3, 254) && o->customer.email.find('@') != std::string::npos);
        FUZZ_CHECK(o->customer.phone.size() <= 32);
    }
    if (auto p = http::parsePaymentReference(body); accepted(p)) FUZZ_CHECK(within(*p, 1, 200));
}

void checkCatalog(const http::Json& body) {
    if (auto v = http::parseVenueDraft(body); accepted(v)) {
        FUZZ_CHECK(within(v->name, 1, 200) && within(v->address, 1, 500) && within(v->timezone, 1, 64));
        (void)validateLayout(v->layout);  // the layout's own properties: targets/layout_codec.cpp
    }
    if (auto e = http::parseEventDraft(body); accepted(e)) {
        FUZZ_CHECK(within(e->title, 1, 200) && e->description.size() <= 5000);
        FUZZ_CHECK(!e->imageUrl || within(*e->imageUrl, 1, 2048));
    }
    if (auto p = http::parseEventPatch(body); accepted(p)) {
        FUZZ_CHECK(p->title || p->kind || p->description || p->imageUrl);
        FUZZ_CHECK(!p->title || within(*p->title, 1, 200));
        FUZZ_CHECK(!p->description || p->description->size() <= 5000);
    }
    if (auto s = http::parseShowDraft(body); accepted(s)) {
        FUZZ_CHECK(within(s->eventId.str(), 1, 64) && within(s->venueId.str(), 1, 64));
        FUZZ_CHECK(within(s->currency, 1, 3));
        for (EpochMs t : {s->startsAt, s->saleOpensAt, s->saleClosesAt}) checkTime(t);
        checkPrices(s->prices);
    }
    if (auto p = http::parseShowPatch(body); accepted(p)) {
        FUZZ_CHECK(p->startsAt || p->saleOpensAt || p->saleClosesAt || p->currency || p->prices);
        for (const auto& t : {p->startsAt, p->saleOpensAt, p->saleClosesAt})
            if (t) checkTime(*t);
        FUZZ_CHECK(!p->currency || within(*p->currency, 1, 3));
        if (p->prices) checkPrices(*p->prices);
    }
}

void jsonBody(std::string_view input) {
    http::Request request;
    request.method = http::Method::Post;
    request.headers["content-type"] = "application/json; charset=utf-8";
    request.body = std::string(input);
    auto parsed = http::parseJsonObject(request);
    if (!parsed) {
        const auto code = parsed.error().code;
        FUZZ_CHECK(code == ErrorCode::MalformedJson || code == ErrorCode::ValidationFailed);
        return;
    }
    const http::Json& body = *parsed;
    FUZZ_CHECK(body.is_object());
    // What the service writes (dump) reads back as the same document.
    FUZZ_CHECK(http::Json::parse(http::dump(body), nullptr, /*allow_exceptions=*/false) == body);
    checkBooking(body);
    checkCatalog(body);
}

}  // namespace
}  // namespace boxoffice::fuzz

BOXOFFICE_FUZZ_TARGET(json_body, boxoffice::fuzz::jsonBody)
