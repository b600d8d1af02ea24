#include "harness/queue_settings.hpp"

#include <charconv>
#include <sstream>

#include "harness/scenario.hpp"

namespace boxoffice::load {
namespace {

// The service's own bounds (PUT /v1/shows/{id}/waiting-room refuses anything outside them).
constexpr long long kMaxAdmitRate = 100'000, kMaxActive = 1'000'000;
constexpr std::chrono::milliseconds kMinTtl{5'000}, kMinWindow{10'000}, kMaxSeconds{3'600'000};

std::optional<long long> parseCount(const std::string& v) {
    long long out = 0;
    const auto* end = v.data() + v.size();
    auto [p, ec] = std::from_chars(v.data(), end, out);
    if (ec != std::errc{} || p != end) return std::nullopt;
    return out;
}

std::optional<std::string> durationInto(std::chrono::milliseconds& out, const std::string& v) {
    auto d = parseDuration(v);
    if (!d) return "a duration such as 500ms, 2s, 1m";
    out = *d;
    return std::nullopt;
}

std::string seconds(std::chrono::milliseconds d) {
    std::ostringstream o;
    o << static_cast<double>(d.count()) / 1000.0 << " s";
    return o.str();
}

}  // namespace

bool isQueueSetting(const std::string& key) {
    return key == "waiting-room" || key == "queue" || key.rfind("queue-", 0) == 0;
}

std::optional<std::string> applyQueueSetting(QueueSettings& q, const std::string& key, const std::string& v) {
    if (key == "waiting-room") {
        // rate:N | active:N | off
        if (v == "off") {
            q.mode = QueueMode::Off;
            return std::nullopt;
        }
        const auto colon = v.find(':');
        const std::string kind = v.substr(0, colon);
        const long long n = colon == std::string::npos ? 0 : parseCount(v.substr(colon + 1)).value_or(0);
        if ((kind != "rate" && kind != "active") || n < 1) return "rate:PEOPLE_PER_SECOND, active:MAX_SHOPPERS or off";
        q.mode = QueueMode::Configure;
        q.admitRate = kind == "rate" ? n : 0;
        q.maxActive = kind == "active" ? n : 0;
    } else if (key == "queue") {
        if (v == "yes" || v == "true" || v == "1" || v == "on") {
            q.mode = QueueMode::Existing;
        } else if (v == "no" || v == "false" || v == "0" || v == "off") {
            if (q.mode == QueueMode::Existing) q.mode = QueueMode::Off;
        } else {
            return "yes or no";
        }
    } else if (key == "queue-window") {
        return durationInto(q.shoppingWindow, v);
    } else if (key == "queue-token-ttl") {
        return durationInto(q.admissionTtl, v);
    } else if (key == "queue-lead") {
        return durationInto(q.lead, v);
    } else if (key == "queue-poll") {
        // 1s or 1s-5s
        const auto dash = v.find('-');
        auto a = parseDuration(v.substr(0, dash));
        auto b = dash == std::string::npos ? a : parseDuration(v.substr(dash + 1));
        if (!a || !b || *a > *b || a->count() < 100) return "a duration or a range such as 1s-5s (at least 100ms)";
        q.pollMin = *a, q.pollMax = *b;
    } else if (key == "queue-give-up") {
        return durationInto(q.giveUp, v);
    } else if (key == "queue-plant-tokenless") {
        try {
            std::size_t used = 0;
            const double d = std::stod(v, &used);
            if (used != v.size() || !(d >= 0 && d <= 1)) return "a share between 0 and 1";
            q.plantTokenless = d;
        } catch (...) {
            return "a share between 0 and 1";
        }
    } else {
        return "not a waiting-room setting";
    }
    return std::nullopt;
}

std::optional<std::string> validateQueue(const QueueSettings& q) {
    if (q.mode != QueueMode::Configure) return std::nullopt;
    if (q.admitRate > kMaxAdmitRate) return "--waiting-room rate: at most " + std::to_string(kMaxAdmitRate) + "/s";
    if (q.maxActive > kMaxActive) return "--waiting-room active: at most " + std::to_string(kMaxActive);
    if (q.shoppingWindow < kMinWindow || q.shoppingWindow > kMaxSeconds || q.shoppingWindow.count() % 1000 != 0)
        return "--queue-window: whole seconds between 10s and 1h (the service's bounds)";
    if (q.admissionTtl < kMinTtl || q.admissionTtl > kMaxSeconds || q.admissionTtl.count() % 1000 != 0)
        return "--queue-token-ttl: whole seconds between 5s and 1h (the service's bounds)";
    return std::nullopt;
}

std::string describeQueue(const QueueSettings& q) {
    std::ostringstream o;
    switch (q.mode) {
        case QueueMode::Off:
            return "";
        case QueueMode::Existing:
            o << ", queue: the show's own waiting room";
            break;
        case QueueMode::Configure:
            o << ", waiting room ";
            if (q.admitRate > 0)
                o << "rate " << q.admitRate << "/s";
            else
                o << "max active " << q.maxActive;
            o << " (window " << seconds(q.shoppingWindow) << ", tokens " << seconds(q.admissionTtl) << ", opens "
              << seconds(q.lead) << " after the last arrival)";
            break;
    }
    o << ", polls every " << seconds(q.pollMin) << "-" << seconds(q.pollMax);
    if (q.plantTokenless > 0)
        o << ", PLANTED: a share of " << q.plantTokenless << " of the users send a hold without admission";
    return o.str();
}

}  // namespace boxoffice::load
