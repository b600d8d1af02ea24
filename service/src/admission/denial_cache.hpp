#pragma once
// Refusals remembered in process until they run out. A GCRA refusal at `now` with retry-after r
// stays a refusal for the same key and policy until now + r: a refused request does not move the
// key's TAT, and other requests (here or on another replica) only move it later. So a key that was
// refused is answered here, without asking the limiter, until then: a client that floods costs no
// Redis round trip for its refused requests, and nothing is refused that the limiter would allow.
// A policy that changed (a show's override) does not match what was remembered and is asked anew.
// Bounded: a full shard drops its refusals that ran out, and remembers no more until there is room.
#include <cstddef>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "admission/gcra.hpp"

namespace boxoffice::admission {

class DenialCache {
public:
    explicit DenialCache(std::size_t maxKeys = 100'000, std::size_t shards = 16);

    /// Remembers `decision` for `key` under `policy` if it is a refusal.
    void remember(const std::string& key, const Policy& policy, const Decision& decision, Micros now);
    /// The refusal still due for `key` under `policy` at `now`, with its waits counted from `now`.
    std::optional<Decision> refused(const std::string& key, const Policy& policy, Micros now);

    std::size_t size() const;

private:
    struct Entry {
        Micros until = 0;    // allowed again from here
        Micros resetAt = 0;  // a full burst again from here
        std::int64_t limit = 0;
        Micros interval = 0, tolerance = 0;
    };
    struct Shard {
        mutable std::mutex mu;
        std::unordered_map<std::string, Entry> entries;
    };
    Shard& shardOf(const std::string& key);

    std::size_t perShard_;
    std::vector<std::unique_ptr<Shard>> shards_;
};

}  // namespace boxoffice::admission
