#include "app/env_reader.hpp"

#include <charconv>
#include <fstream>
#include <iterator>

#include "util/duration.hpp"

namespace boxoffice::app {

std::optional<std::string> EnvReader::raw(const std::string& name) {
    names.push_back(name);
    const char* v = getenv_(name.c_str());
    if (!v || !*v) return std::nullopt;
    return std::string(v);
}
void EnvReader::str(const char* name, std::string& out) {
    if (auto v = raw(name)) out = *v;
}
void EnvReader::secret(const char* name, std::string& out) {
    const std::string fileVar = std::string(name) + "_FILE";
    auto value = raw(name);
    auto path = raw(fileVar);
    if (value && path) return fail(name, "is set together with " + fileVar + ": set only one");
    if (value) out = *value;
    if (!path) return;
    std::ifstream in(*path, std::ios::binary);
    if (!in.is_open()) return fail(fileVar.c_str(), "cannot read the file '" + *path + "'");
    std::string s((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    if (in.bad()) return fail(fileVar.c_str(), "cannot read the file '" + *path + "'");
    while (!s.empty() && (s.back() == '\n' || s.back() == '\r')) s.pop_back();
    if (s.empty()) return fail(fileVar.c_str(), "the file '" + *path + "' is empty");
    out = std::move(s);
}
void EnvReader::list(const char* name, std::vector<std::string>& out) {
    auto v = raw(name);
    if (!v) return;
    out.clear();
    std::size_t start = 0;
    while (start <= v->size()) {
        auto end = v->find(',', start);
        if (end == std::string::npos) end = v->size();
        std::string item = v->substr(start, end - start);
        item.erase(0, item.find_first_not_of(' '));
        item.erase(item.find_last_not_of(' ') + 1);
        if (!item.empty()) out.push_back(std::move(item));
        start = end + 1;
    }
}
void EnvReader::integer(const char* name, int& out, long long min, long long max) {
    auto v = raw(name);
    if (!v) return;
    long long n = 0;
    auto [p, ec] = std::from_chars(v->data(), v->data() + v->size(), n);
    if (ec != std::errc() || p != v->data() + v->size()) return fail(name, "must be an integer, got '" + *v + "'");
    if (n < min || n > max) return fail(name, "must be between " + std::to_string(min) + " and " + std::to_string(max));
    out = static_cast<int>(n);
}
void EnvReader::size(const char* name, std::size_t& out, long long min, long long max) {
    int tmp = static_cast<int>(out);
    integer(name, tmp, min, max);
    out = static_cast<std::size_t>(tmp);
}
void EnvReader::duration(const char* name, std::chrono::milliseconds& out, long long minMs, long long maxMs) {
    auto v = raw(name);
    if (!v) return;
    auto ms = parseDurationMs(*v);
    if (!ms) return fail(name, "must be a duration such as 500ms, 5s, 2m, got '" + *v + "'");
    if (*ms < minMs || *ms > maxMs)
        return fail(name, "must be between " + std::to_string(minMs) + "ms and " + std::to_string(maxMs) + "ms");
    out = std::chrono::milliseconds(*ms);
}
void EnvReader::boolean(const char* name, bool& out) {
    auto v = raw(name);
    if (!v) return;
    if (*v == "1" || *v == "true" || *v == "yes")
        out = true;
    else if (*v == "0" || *v == "false" || *v == "no")
        out = false;
    else
        fail(name, "must be true or false");
}
void EnvReader::fail(const char* name, std::string message) {
    errors.push_back({name, std::move(message)});
}

}  // namespace boxoffice::app
