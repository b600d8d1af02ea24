#include "domain/local_date.hpp"

#include <chrono>

#include "util/rfc3339.hpp"

namespace boxoffice {

std::string localDate(EpochMs instant, std::string_view tz, const TimeZones& zones) {
    using namespace std::chrono;
    const seconds offset = zones.utcOffset(tz, instant).value_or(seconds{0});
    const sys_days day = floor<days>(sys_time<milliseconds>{milliseconds{instant}} + offset);
    return formatFullDate(year_month_day{day});
}

}  // namespace boxoffice
