#pragma once
// Structured logs: one JSON object per line on stderr. Never pass tokens, passwords or emails.
#include <initializer_list>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>

#include <nlohmann/json.hpp>

namespace boxoffice::log {

enum class Level { Debug, Info, Warn, Error };

/// Fields added to a line, e.g. {{"requestId", id}, {"status", 200}}.
using Fields = nlohmann::json;

void setMinLevel(Level level);
bool parseLevel(std::string_view text, Level& out);
bool enabled(Level level);

void write(Level level, std::string_view message, const Fields& fields = Fields::object());

inline void debug(std::string_view m, const Fields& f = Fields::object()) {
    write(Level::Debug, m, f);
}
inline void info(std::string_view m, const Fields& f = Fields::object()) {
    write(Level::Info, m, f);
}
inline void warn(std::string_view m, const Fields& f = Fields::object()) {
    write(Level::Warn, m, f);
}
inline void error(std::string_view m, const Fields& f = Fields::object()) {
    write(Level::Error, m, f);
}

}  // namespace boxoffice::log
