#pragma once
#include <mutex>
#include <random>
#include <string>

#include "domain/clock.hpp"

namespace boxoffice::util {

/// UUID v4 from a per-instance generator seeded from std::random_device. Thread-safe.
class RandomIdGenerator final : public IdGenerator {
public:
    RandomIdGenerator();
    std::string next() override;

private:
    std::mutex mu_;
    std::mt19937_64 rng_;
};

/// `digits` random lower-case hex digits from a per-thread engine seeded like the generator's:
/// request ids, run ids, test names. Thread-safe, lock-free.
std::string randomHex(std::size_t digits);

/// True when `s` is a 36-char UUID (8-4-4-4-12 hex, any case).
bool isUuid(const std::string& s);

}  // namespace boxoffice::util
