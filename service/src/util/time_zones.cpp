#include "util/time_zones.hpp"

#include <cstdlib>
#include <filesystem>
#include <system_error>

namespace boxoffice::util {
namespace {

constexpr std::size_t kMaxZoneNameLength = 64;
constexpr std::uintmax_t kMaxZoneFileBytes = 1 << 20;

bool isSafeZoneName(std::string_view tz) {
    if (tz.empty() || tz.size() > kMaxZoneNameLength) return false;
    std::size_t segmentStart = 0;
    for (std::size_t i = 0; i <= tz.size(); ++i) {
        if (i == tz.size() || tz[i] == '/') {
            // No empty segments (leading '/', "//", trailing '/') and none starting with '.', which
            // covers "." and ".." and keeps every lookup inside the zoneinfo directory.
            if (i == segmentStart || tz[segmentStart] == '.') return false;
            segmentStart = i + 1;
            continue;
        }
        const char c = tz[i];
        const bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' ||
                        c == '-' || c == '+' || c == '.';
        if (!ok) return false;
    }
    return true;
}

}  // namespace

std::string zoneinfoDirectory() {
    // getenv is only unsafe against a concurrent setenv, which this service never does after start-up.
    const char* dir = std::getenv("TZDIR");
    return dir != nullptr && *dir != '\0' ? std::string(dir) : std::string("/usr/share/zoneinfo");
}

// Absolute, because cctz resolves a relative name against $TZDIR itself.
ZoneinfoTimeZones::ZoneinfoTimeZones(std::string directory)
    : directory_(std::filesystem::absolute(directory).lexically_normal().string()) {}

bool ZoneinfoTimeZones::isKnown(std::string_view name) const {
    return find(name).has_value();
}

std::optional<std::chrono::seconds> ZoneinfoTimeZones::utcOffset(std::string_view name, EpochMs instant) const {
    const auto zone = find(name);
    if (!zone) return std::nullopt;
    // Seconds, not system_clock's nanoseconds, which overflow past 2262.
    const cctz::time_point<cctz::seconds> at{std::chrono::floor<cctz::seconds>(std::chrono::milliseconds{instant})};
    return std::chrono::seconds{zone->lookup(at).offset};
}

std::optional<cctz::time_zone> ZoneinfoTimeZones::find(std::string_view name) const {
    if (!isSafeZoneName(name)) return std::nullopt;
    {
        const std::lock_guard<std::mutex> lock(mu_);
        if (const auto it = zones_.find(name); it != zones_.end()) return it->second;
    }
    // cctz keeps every zone it was asked for, failures included, for the life of the process, keyed
    // by what it was given: an absolute path, so two directories never share an entry, and only for
    // regular files that exist, so the names clients send cannot grow that cache either. A device or
    // a huge file someone linked in is not read.
    const std::string path = directory_ + "/" + std::string(name);
    std::error_code ec;
    if (!std::filesystem::is_regular_file(path, ec) || ec) return std::nullopt;
    const auto size = std::filesystem::file_size(path, ec);
    if (ec || size > kMaxZoneFileBytes) return std::nullopt;
    // Loaded outside the lock so a slow disk does not stall other zones; a duplicate load on a cold
    // race is harmless and emplace keeps whichever finished first.
    cctz::time_zone zone;
    if (!cctz::load_time_zone(path, &zone)) return std::nullopt;
    const std::lock_guard<std::mutex> lock(mu_);
    return zones_.emplace(std::string(name), zone).first->second;
}

}  // namespace boxoffice::util
