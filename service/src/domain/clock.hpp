#pragma once
// Time and id generation are injected so tests control expiry and identities.
#include <chrono>
#include <cstdint>
#include <string>

namespace boxoffice {

/// Milliseconds since the Unix epoch, UTC.
using EpochMs = std::int64_t;

class Clock {
public:
    virtual ~Clock() = default;
    virtual EpochMs nowMs() const = 0;
};

class SystemClock final : public Clock {
public:
    EpochMs nowMs() const override {
        return std::chrono::duration_cast<std::chrono::milliseconds>(
                   std::chrono::system_clock::now().time_since_epoch())
            .count();
    }
};

class IdGenerator {
public:
    virtual ~IdGenerator() = default;
    /// A new random UUID v4 string, lower-case, 36 chars.
    virtual std::string next() = 0;
};

}  // namespace boxoffice
