#include "util/log.hpp"

#include <atomic>
#include <chrono>
#include <cstdio>

#include "util/rfc3339.hpp"

namespace boxoffice::log {
namespace {

std::atomic<int> g_min{static_cast<int>(Level::Info)};
std::mutex g_mu;

const char* name(Level l) {
    switch (l) {
        case Level::Debug:
            return "debug";
        case Level::Info:
            return "info";
        case Level::Warn:
            return "warn";
        case Level::Error:
            return "error";
    }
    return "info";
}

std::string timestamp() {
    const auto now = std::chrono::system_clock::now().time_since_epoch();
    return formatRfc3339(std::chrono::duration_cast<std::chrono::milliseconds>(now).count());
}

}  // namespace

void setMinLevel(Level level) {
    g_min.store(static_cast<int>(level));
}

bool parseLevel(std::string_view text, Level& out) {
    if (text == "debug")
        out = Level::Debug;
    else if (text == "info")
        out = Level::Info;
    else if (text == "warn")
        out = Level::Warn;
    else if (text == "error")
        out = Level::Error;
    else
        return false;
    return true;
}

bool enabled(Level level) {
    return static_cast<int>(level) >= g_min.load(std::memory_order_relaxed);
}

void write(Level level, std::string_view message, const Fields& fields) {
    if (!enabled(level)) return;
    nlohmann::json line = nlohmann::json::object();
    line["ts"] = timestamp();
    line["level"] = name(level);
    line["msg"] = message;
    if (fields.is_object()) {
        for (const auto& [k, v] : fields.items()) line[k] = v;
    }
    // Invalid UTF-8 from a client must not throw out of the logger.
    std::string text = line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    text.push_back('\n');
    std::lock_guard lock(g_mu);
    std::fwrite(text.data(), 1, text.size(), stderr);
}

}  // namespace boxoffice::log
