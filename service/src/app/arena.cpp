#include "app/arena.hpp"

#include <algorithm>
#include <utility>

namespace boxoffice::app {
namespace {

constexpr int kSeatsPerSection = 1000, kRowsPerSection = 20, kSeatsPerRow = 50;

// The tier of section `s` of `sections`: the first tenth VIP, the next three tenths LOWER.
const char* arenaTier(int s, int sections) {
    const double share = static_cast<double>(s) / sections;
    return share < 0.1 ? "VIP" : (share < 0.4 ? "LOWER" : "UPPER");
}

std::string arenaSectionName(int s, int sections) {
    const std::string tier = arenaTier(s, sections);
    const std::string prefix = tier == "VIP" ? "FLOOR" : (tier == "LOWER" ? "L" : "U");
    return prefix + std::to_string(s + 1);
}

}  // namespace

Layout arenaLayout(int seats) {
    Layout layout;
    const int sections = (seats + kSeatsPerSection - 1) / kSeatsPerSection;
    int left = seats;
    for (int s = 0; s < sections; ++s) {
        const std::string tier = arenaTier(s, sections);
        LayoutSection section{arenaSectionName(s, sections), {}};
        for (int r = 0; r < kRowsPerSection && left > 0; ++r) {
            const int n = std::min(kSeatsPerRow, left);
            left -= n;
            section.rows.push_back({std::string(1, static_cast<char>('A' + r)), tier, n, {}});
        }
        layout.sections.push_back(std::move(section));
    }
    return layout;
}

std::string arenaSeatId(int index, int seats) {
    const int sections = (seats + kSeatsPerSection - 1) / kSeatsPerSection;
    const int section = index / kSeatsPerSection, inSection = index % kSeatsPerSection;
    return arenaSectionName(section, sections) + "-" +
           std::string(1, static_cast<char>('A' + inSection / kSeatsPerRow)) + "-" +
           std::to_string(inSection % kSeatsPerRow + 1);
}

}  // namespace boxoffice::app
