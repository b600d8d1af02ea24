#include "domain/layout.hpp"

#include <algorithm>
#include <set>
#include <unordered_set>

#include "util/sha256.hpp"

namespace boxoffice {
namespace {

bool isName(const std::string& s, int maxLen) {
    if (s.empty() || static_cast<int>(s.size()) > maxLen) return false;
    return std::all_of(s.begin(), s.end(), [](char c) {
        return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
    });
}

std::string nameRule(int maxLen) {
    return "must be 1-" + std::to_string(maxLen) + " characters of A-Z, a-z, 0-9 or _";
}

}  // namespace

int seatCount(const Layout& layout) {
    long long n = 0;
    for (const auto& s : layout.sections)
        for (const auto& r : s.rows)
            n += r.numbers.empty() ? std::max(r.count, 0) : static_cast<long long>(r.numbers.size());
    return n > INT32_MAX ? INT32_MAX : static_cast<int>(n);
}

Result<void> validateLayout(const Layout& layout, const LayoutLimits& limits) {
    std::vector<FieldError> errs;
    auto add = [&](std::string f, std::string m) {
        if (errs.size() < 50) errs.push_back({std::move(f), std::move(m)});
    };
    if (layout.sections.empty()) {
        add("layout.sections", "must contain at least one section");
        return Error::validation(std::move(errs));
    }
    if (static_cast<int>(layout.sections.size()) > limits.maxSections) {
        add("layout.sections", "at most " + std::to_string(limits.maxSections) + " sections");
        return Error::validation(std::move(errs));
    }
    long long total = 0;
    std::unordered_set<std::string> sectionNames;
    for (std::size_t si = 0; si < layout.sections.size(); ++si) {
        const auto& sec = layout.sections[si];
        const std::string sp = "layout.sections[" + std::to_string(si) + "]";
        if (!isName(sec.name, limits.maxNameLength))
            add(sp + ".name", nameRule(limits.maxNameLength));
        else if (!sectionNames.insert(sec.name).second)
            add(sp + ".name", "duplicate section name '" + sec.name + "'");
        if (sec.rows.empty()) {
            add(sp + ".rows", "must contain at least one row");
            continue;
        }
        if (static_cast<int>(sec.rows.size()) > limits.maxRowsPerSection) {
            add(sp + ".rows", "at most " + std::to_string(limits.maxRowsPerSection) + " rows per section");
            continue;
        }
        std::unordered_set<std::string> rowLabels;
        for (std::size_t ri = 0; ri < sec.rows.size(); ++ri) {
            const auto& row = sec.rows[ri];
            const std::string rp = sp + ".rows[" + std::to_string(ri) + "]";
            if (!isName(row.label, limits.maxNameLength))
                add(rp + ".label", nameRule(limits.maxNameLength));
            else if (!rowLabels.insert(row.label).second)
                add(rp + ".label", "duplicate row label '" + row.label + "' (seat ids would repeat)");
            if (!isName(row.tier, limits.maxNameLength)) add(rp + ".tier", nameRule(limits.maxNameLength));
            if (row.numbers.empty()) {
                if (row.count <= 0)
                    add(rp + ".seats", "must be a positive count or a non-empty list of seat numbers");
                else if (row.count > limits.maxSeatsPerRow)
                    add(rp + ".seats", "at most " + std::to_string(limits.maxSeatsPerRow) + " seats per row");
                else
                    total += row.count;
            } else {
                if (static_cast<int>(row.numbers.size()) > limits.maxSeatsPerRow) {
                    add(rp + ".seats", "at most " + std::to_string(limits.maxSeatsPerRow) + " seats per row");
                    continue;
                }
                std::set<int> seen;
                for (std::size_t k = 0; k < row.numbers.size(); ++k) {
                    int n = row.numbers[k];
                    if (n <= 0 || n > 1000000) {
                        add(rp + ".seats[" + std::to_string(k) + "]", "seat numbers must be between 1 and 1000000");
                    } else if (!seen.insert(n).second) {
                        add(rp + ".seats[" + std::to_string(k) + "]",
                            "duplicate seat " + sec.name + "-" + row.label + "-" + std::to_string(n));
                    }
                }
                total += static_cast<long long>(row.numbers.size());
            }
        }
    }
    if (total > limits.maxSeats)
        add("layout",
            "at most " + std::to_string(limits.maxSeats) + " seats per venue (got " + std::to_string(total) + ")");
    if (!errs.empty()) return Error::validation(std::move(errs));
    return {};
}

SeatIndex::SeatIndex(Layout layout) : layout_(std::move(layout)) {
    seats_.reserve(static_cast<std::size_t>(seatCount(layout_)));
    for (std::uint32_t si = 0; si < layout_.sections.size(); ++si) {
        const auto& sec = layout_.sections[si];
        for (std::uint32_t ri = 0; ri < sec.rows.size(); ++ri) {
            const auto& row = sec.rows[ri];
            const auto begin = static_cast<std::uint32_t>(seats_.size());
            if (std::find(tiers_.begin(), tiers_.end(), row.tier) == tiers_.end()) tiers_.push_back(row.tier);
            auto push = [&](int n) {
                seats_.push_back({SeatId{sec.name + "-" + row.label + "-" + std::to_string(n)}, si, ri, n});
            };
            if (row.numbers.empty())
                for (int n = 1; n <= row.count; ++n) push(n);
            else
                for (int n : row.numbers) push(n);
            rows_.push_back({si, ri, begin, static_cast<std::uint32_t>(seats_.size())});
        }
    }
    std::string all;
    for (const auto& r : rows_) {
        all += layout_.sections[r.section].rows[r.row].tier + ":";
        for (auto i = r.begin; i < r.end; ++i) all += seats_[i].seatId.str() + ",";
        all += ";";
    }
    signature_ = util::sha256Hex(all).substr(0, 32);
    // Built after the vector stops growing: the string_views point into seats_.
    byId_.reserve(seats_.size());
    for (std::uint32_t i = 0; i < seats_.size(); ++i) byId_.emplace(seats_[i].seatId.str(), i);
}

std::size_t SeatIndex::rowOfSeat(std::uint32_t position) const {
    const auto it = std::upper_bound(rows_.begin(), rows_.end(), position,
                                     [](std::uint32_t p, const SeatRow& r) { return p < r.begin; });
    return static_cast<std::size_t>(it - rows_.begin()) - 1;
}

long SeatIndex::find(std::string_view seatId) const {
    auto it = byId_.find(seatId);
    return it == byId_.end() ? -1 : static_cast<long>(it->second);
}

}  // namespace boxoffice
