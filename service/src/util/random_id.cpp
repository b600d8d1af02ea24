#include "util/random_id.hpp"

#include <array>
#include <cstdint>

#include "util/hex.hpp"

namespace boxoffice::util {

namespace {

bool isHex(char c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

std::mt19937_64 seededEngine() {
    // A single 32-bit random_device draw would leave only 2^32 possible id streams; fill the whole
    // seed sequence so two processes started together do not collide.
    std::random_device rd;
    std::array<std::uint32_t, 8> seed{};
    for (auto& word : seed) word = rd();
    std::seed_seq seq(seed.begin(), seed.end());
    return std::mt19937_64(seq);
}

}  // namespace

RandomIdGenerator::RandomIdGenerator() : rng_(seededEngine()) {}

std::string RandomIdGenerator::next() {
    std::array<std::uint8_t, 16> bytes{};
    {
        const std::lock_guard<std::mutex> lock(mu_);
        const std::uint64_t hi = rng_();
        const std::uint64_t lo = rng_();
        for (int i = 0; i < 8; ++i) {
            bytes[static_cast<std::size_t>(i)] = static_cast<std::uint8_t>(hi >> (56 - 8 * i));
            bytes[static_cast<std::size_t>(8 + i)] = static_cast<std::uint8_t>(lo >> (56 - 8 * i));
        }
    }
    // RFC 9562 section 5.4: version 4 in the high nibble of byte 6, variant 10xx in byte 8.
    bytes[6] = static_cast<std::uint8_t>((bytes[6] & 0x0F) | 0x40);
    bytes[8] = static_cast<std::uint8_t>((bytes[8] & 0x3F) | 0x80);

    const std::string hex = hexLower(bytes.data(), bytes.size());
    return hex.substr(0, 8) + '-' + hex.substr(8, 4) + '-' + hex.substr(12, 4) + '-' + hex.substr(16, 4) + '-' +
           hex.substr(20);
}

std::string randomHex(std::size_t digits) {
    thread_local std::mt19937_64 rng = seededEngine();
    std::string out;
    out.reserve(digits + 16);
    while (out.size() < digits) {
        std::uint64_t word = rng();
        unsigned char bytes[8];
        for (auto& b : bytes) {
            b = static_cast<unsigned char>(word & 0xFF);
            word >>= 8;
        }
        out += hexLower(bytes, sizeof bytes);
    }
    out.resize(digits);
    return out;
}

bool isUuid(const std::string& s) {
    if (s.size() != 36) return false;
    for (std::size_t i = 0; i < s.size(); ++i) {
        if (i == 8 || i == 13 || i == 18 || i == 23) {
            if (s[i] != '-') return false;
        } else if (!isHex(s[i])) {
            return false;
        }
    }
    return true;
}

}  // namespace boxoffice::util
