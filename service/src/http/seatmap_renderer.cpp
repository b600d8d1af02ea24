#include "http/seatmap_renderer.hpp"

#include <charconv>

namespace boxoffice::http {
namespace {

constexpr std::size_t kMaxEntries = 512;

}  // namespace

const char* seatStatusName(SeatStatus s) {
    switch (s) {
        case SeatStatus::Available:
            return "AVAILABLE";
        case SeatStatus::Held:
            return "HELD";
        case SeatStatus::Sold:
            return "SOLD";
    }
    return "AVAILABLE";
}

namespace {

char statusLetter(SeatStatus s) {
    switch (s) {
        case SeatStatus::Available:
            return 'A';
        case SeatStatus::Held:
            return 'H';
        case SeatStatus::Sold:
            return 'S';
    }
    return 'A';
}

void appendInt(std::string& out, long long v) {
    char buf[24];
    auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v);
    out.append(buf, end);
}

// Names in a layout are [A-Za-z0-9_] and ids are UUIDs (validated on the way in), so they are
// written without JSON escaping.
void appendHeader(std::string& out, const ShowSeating& s) {
    out += "{\"showId\":\"";
    out += s.show.id.str();
    out += "\",\"venueId\":\"";
    out += s.show.venueId.str();
    out += "\",\"currency\":\"";
    out += s.show.currency;
    out += "\",\"seatCount\":";
    appendInt(out, static_cast<long long>(s.seats->size()));
    out += ",\"tiers\":[";
    bool first = true;
    for (const auto& tier : s.seats->tiers()) {
        if (!first) out += ',';
        first = false;
        out += "{\"tier\":\"" + tier + "\",\"price\":";
        appendInt(out, s.show.priceOf(tier).value_or(0));
        out += '}';
    }
    out += ']';
}

void appendCounts(std::string& out, const AvailabilitySnapshot& a) {
    out += ",\"counts\":{\"AVAILABLE\":";
    appendInt(out, a.available);
    out += ",\"HELD\":";
    appendInt(out, a.held);
    out += ",\"SOLD\":";
    appendInt(out, a.sold);
    out += '}';
}

}  // namespace

std::string availabilityTag(const ShowSeating& s, const AvailabilitySnapshot& a) {
    return s.layoutTag + "." + a.epoch + "." + std::to_string(a.version);
}

std::shared_ptr<SeatMapRenderer::Entry> SeatMapRenderer::entryFor(const std::shared_ptr<const ShowSeating>& seating) {
    std::lock_guard lock(mu_);
    auto& slot = entries_[seating->show.id.str()];
    if (slot && slot->seating->layoutTag == seating->layoutTag) return slot;
    if (entries_.size() > kMaxEntries) {
        entries_.clear();
        auto& fresh = entries_[seating->show.id.str()];
        fresh = std::make_shared<Entry>();
        fresh->seating = seating;
        return fresh;
    }
    slot = std::make_shared<Entry>();
    slot->seating = seating;
    return slot;
}

RenderedBody SeatMapRenderer::layout(const std::shared_ptr<const ShowSeating>& seating) {
    auto e = entryFor(seating);
    std::lock_guard lock(e->renderMu);
    if (e->layout.body) return e->layout;
    const ShowSeating& s = *e->seating;
    const auto& layout = s.seats->layout();
    std::string out;
    out.reserve(s.seats->size() * 90 + 512);
    appendHeader(out, s);
    out += ",\"seats\":[";
    bool first = true;
    for (const auto& seat : s.seats->seats()) {
        const auto& sec = layout.sections[seat.section];
        const auto& row = sec.rows[seat.row];
        if (!first) out += ',';
        first = false;
        out += "{\"seatId\":\"" + seat.seatId.str() + "\",\"section\":\"" + sec.name + "\",\"row\":\"" + row.label +
               "\",\"number\":";
        appendInt(out, seat.number);
        out += ",\"tier\":\"" + row.tier + "\",\"price\":";
        appendInt(out, s.show.priceOf(row.tier).value_or(0));
        out += '}';
    }
    out += "]}";
    e->layout = {std::make_shared<const std::string>(std::move(out)), "\"L" + s.layoutTag + "\""};
    return e->layout;
}

RenderedBody SeatMapRenderer::full(const std::shared_ptr<const ShowSeating>& seating, const AvailabilitySnapshot& a) {
    auto e = entryFor(seating);
    std::lock_guard lock(e->renderMu);
    const ShowSeating& s = *e->seating;
    const std::string tag = availabilityTag(s, a);
    if (e->full.body && e->fullTag == tag) return e->full;
    if (e->offsets.empty()) {
        // The static part of every seat's object, built once per show version.
        const auto& layout = s.seats->layout();
        e->seatPrefixes.reserve(s.seats->size() * 100);
        for (const auto& seat : s.seats->seats()) {
            const auto& sec = layout.sections[seat.section];
            const auto& row = sec.rows[seat.row];
            e->offsets.push_back(static_cast<std::uint32_t>(e->seatPrefixes.size()));
            auto& p = e->seatPrefixes;
            p += "{\"seatId\":\"" + seat.seatId.str() + "\",\"section\":\"" + sec.name + "\",\"row\":\"" + row.label +
                 "\",\"number\":";
            appendInt(p, seat.number);
            p += ",\"tier\":\"" + row.tier + "\",\"price\":";
            appendInt(p, s.show.priceOf(row.tier).value_or(0));
            p += ",\"status\":\"";
        }
        e->offsets.push_back(static_cast<std::uint32_t>(e->seatPrefixes.size()));
    }
    std::string out;
    out.reserve(e->seatPrefixes.size() + s.seats->size() * 14 + 512);
    appendHeader(out, s);
    out += ",\"version\":\"" + tag + "\"";
    appendCounts(out, a);
    out += ",\"seats\":[";
    const std::size_t n = s.seats->size();
    for (std::size_t i = 0; i < n; ++i) {
        if (i) out += ',';
        out.append(e->seatPrefixes, e->offsets[i], e->offsets[i + 1] - e->offsets[i]);
        out += i < a.status.size() ? seatStatusName(a.status[i]) : "AVAILABLE";
        out += "\"}";
    }
    out += "]}";
    e->fullTag = tag;
    e->full = {std::make_shared<const std::string>(std::move(out)), "\"F" + tag + "\""};
    return e->full;
}

RenderedBody SeatMapRenderer::availability(const std::shared_ptr<const ShowSeating>& seating,
                                           const AvailabilitySnapshot& a) {
    auto e = entryFor(seating);
    std::lock_guard lock(e->renderMu);
    const ShowSeating& s = *e->seating;
    const std::string tag = availabilityTag(s, a);
    if (e->availability.body && e->availabilityTag == tag) return e->availability;
    std::string out;
    out.reserve(s.seats->size() + 256);
    out += "{\"showId\":\"" + s.show.id.str() + "\",\"version\":\"" + tag + "\",\"layoutVersion\":\"L" + s.layoutTag +
           "\",\"seatCount\":";
    appendInt(out, static_cast<long long>(s.seats->size()));
    appendCounts(out, a);
    out += ",\"statuses\":\"";
    for (std::size_t i = 0; i < s.seats->size(); ++i) out += i < a.status.size() ? statusLetter(a.status[i]) : 'A';
    out += "\"}";
    e->availabilityTag = tag;
    e->availability = {std::make_shared<const std::string>(std::move(out)), "\"A" + tag + "\""};
    return e->availability;
}

bool etagMatches(const std::string& header, const std::string& etag) {
    std::size_t i = 0;
    while (i < header.size()) {
        while (i < header.size() && (header[i] == ' ' || header[i] == ',' || header[i] == '\t')) ++i;
        if (i >= header.size()) break;
        if (header[i] == '*') return true;
        if (header.compare(i, 2, "W/") == 0) i += 2;
        std::size_t j = header.find(',', i);
        if (j == std::string::npos) j = header.size();
        std::size_t end = j;
        while (end > i && (header[end - 1] == ' ' || header[end - 1] == '\t')) --end;
        if (header.compare(i, end - i, etag) == 0) return true;
        i = j + 1;
    }
    return false;
}

}  // namespace boxoffice::http
