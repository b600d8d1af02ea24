#include "verifier/seat_map.hpp"

#include <stdexcept>

namespace boxoffice::load {

LetterCounts countLetters(const std::string& statuses) {
    LetterCounts c;
    for (const char l : statuses) {
        switch (l) {
            case 'A':
                ++c.available;
                break;
            case 'H':
                ++c.held;
                break;
            case 'S':
                ++c.sold;
                break;
            default:
                ++c.other;
        }
    }
    return c;
}

SeatMap seatMapFrom(const nlohmann::json& layout, const nlohmann::json& availability) {
    SeatMap m;
    try {
        for (const auto& s : layout.at("seats")) m.seatIds.push_back(s.at("seatId").get<std::string>());
        m.statuses = availability.at("statuses").get<std::string>();
        const auto& counts = availability.at("counts");
        m.countAvailable = counts.at("AVAILABLE").get<long long>();
        m.countHeld = counts.at("HELD").get<long long>();
        m.countSold = counts.at("SOLD").get<long long>();
        m.seatCount = availability.at("seatCount").get<long long>();
    } catch (const nlohmann::json::exception& e) {
        throw std::runtime_error(std::string("unexpected seat map document: ") + e.what());
    }
    return m;
}

std::vector<std::string> seatsWithLetter(const SeatMap& map, char letter) {
    std::vector<std::string> out;
    const std::size_t n = std::min(map.statuses.size(), map.seatIds.size());
    for (std::size_t i = 0; i < n; ++i)
        if (map.statuses[i] == letter) out.push_back(map.seatIds[i]);
    return out;
}

std::vector<std::string> seatMapInconsistencies(const SeatMap& map) {
    std::vector<std::string> out;
    const LetterCounts c = countLetters(map.statuses);
    const auto n = static_cast<long long>(map.statuses.size());
    if (n != static_cast<long long>(map.seatIds.size()))
        out.push_back(std::to_string(n) + " letters but " + std::to_string(map.seatIds.size()) +
                      " seats in the layout");
    if (n != map.seatCount)
        out.push_back(std::to_string(n) + " letters but seatCount " + std::to_string(map.seatCount));
    if (c.other > 0) out.push_back(std::to_string(c.other) + " letters other than A, H, S");
    if (c.available != map.countAvailable)
        out.push_back("AVAILABLE count " + std::to_string(map.countAvailable) + " but " + std::to_string(c.available) +
                      " A letters");
    if (c.held != map.countHeld)
        out.push_back("HELD count " + std::to_string(map.countHeld) + " but " + std::to_string(c.held) + " H letters");
    if (c.sold != map.countSold)
        out.push_back("SOLD count " + std::to_string(map.countSold) + " but " + std::to_string(c.sold) + " S letters");
    return out;
}

}  // namespace boxoffice::load
