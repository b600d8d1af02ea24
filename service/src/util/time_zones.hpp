#pragma once
// The IANA time-zone database as the system installs it, read with cctz (Debian libcctz-dev).
#include <map>
#include <mutex>
#include <string>

#include <cctz/time_zone.h>

#include "domain/ports.hpp"

namespace boxoffice::util {

/// Where the zoneinfo files are: $TZDIR when set and not empty, else /usr/share/zoneinfo (as glibc reads them).
std::string zoneinfoDirectory();

/// The zones of one zoneinfo directory, each read on first use and kept. Only zones found are kept,
/// so the directory bounds the cache (~600 entries) whatever names callers send.
class ZoneinfoTimeZones final : public TimeZones {
public:
    explicit ZoneinfoTimeZones(std::string directory);

    bool isKnown(std::string_view name) const override;
    std::optional<std::chrono::seconds> utcOffset(std::string_view name, EpochMs instant) const override;

private:
    std::optional<cctz::time_zone> find(std::string_view name) const;

    std::string directory_;
    mutable std::mutex mu_;
    mutable std::map<std::string, cctz::time_zone, std::less<>> zones_;
};

}  // namespace boxoffice::util
