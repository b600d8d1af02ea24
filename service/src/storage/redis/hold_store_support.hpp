#pragma once
// What the Redis hold store's two files share (redis_hold_store.cpp: the hold path and the seat
// map; redis_hold_store_recovery.cpp: restore, the ready flag and the repair fence). Included by
// those two only.
#include <charconv>
#include <cstdint>
#include <exception>
#include <string>
#include <string_view>

#include "domain/error.hpp"

namespace boxoffice::redis::hold_store {

// The show's ready flag, a field of its seats hash (see redis_hold_store.hpp); the scripts name
// it too. The sold count is another.
inline constexpr std::string_view kReadyField = "#ready";
inline constexpr std::string_view kSoldField = "#sold";

inline bool parseInt(std::string_view text, std::int64_t& out) {
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
    return ec == std::errc{} && end == text.data() + text.size();
}

// The store's promise is Result, never an exception: bad_alloc or a bug in here becomes Internal.
template <typename F>
inline auto guarded(std::string_view what, F&& body) -> decltype(body()) {
    try {
        return body();
    } catch (const std::exception& e) {
        return Error::internalError("redis " + std::string(what) + ": " + e.what());
    } catch (...) {
        return Error::internalError("redis " + std::string(what) + ": unknown exception");
    }
}

}  // namespace boxoffice::redis::hold_store
