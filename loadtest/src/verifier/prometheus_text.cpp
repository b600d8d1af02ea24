#include "verifier/prometheus_text.hpp"

#include <cctype>
#include <cmath>
#include <cstdlib>
#include <optional>

namespace boxoffice::load {
namespace {

bool nameChar(char c, bool first) {
    return std::isalpha(static_cast<unsigned char>(c)) != 0 || c == '_' || c == ':' ||
           (!first && std::isdigit(static_cast<unsigned char>(c)) != 0);
}

std::optional<double> parseValue(const std::string& s) {
    if (s == "+Inf" || s == "Inf") return HUGE_VAL;
    if (s == "-Inf") return -HUGE_VAL;
    if (s == "NaN") return std::nan("");
    char* end = nullptr;
    const double v = std::strtod(s.c_str(), &end);
    if (end == s.c_str() || *end != '\0') return std::nullopt;
    return v;
}

// name{a="x",b="y"} value [timestamp]
std::optional<MetricSample> parseLine(const std::string& line) {
    MetricSample s;
    std::size_t i = 0;
    while (i < line.size() && nameChar(line[i], i == 0)) ++i;
    if (i == 0) return std::nullopt;
    s.name = line.substr(0, i);
    if (i < line.size() && line[i] == '{') {
        ++i;
        while (true) {
            while (i < line.size() && (line[i] == ' ' || line[i] == ',')) ++i;
            if (i < line.size() && line[i] == '}') {
                ++i;
                break;
            }
            const std::size_t start = i;
            while (i < line.size() && nameChar(line[i], i == start)) ++i;
            if (i == start || i + 1 >= line.size() || line[i] != '=' || line[i + 1] != '"') return std::nullopt;
            const std::string label = line.substr(start, i - start);
            i += 2;
            std::string value;
            bool closed = false;
            while (i < line.size()) {
                const char c = line[i++];
                if (c == '"') {
                    closed = true;
                    break;
                }
                if (c == '\\' && i < line.size()) {
                    const char e = line[i++];
                    value += e == 'n' ? '\n' : e;  // \\ -> \, \" -> ", \n -> newline
                } else {
                    value += c;
                }
            }
            if (!closed) return std::nullopt;
            s.labels[label] = value;
        }
    }
    while (i < line.size() && (line[i] == ' ' || line[i] == '\t')) ++i;
    std::size_t end = i;
    while (end < line.size() && line[end] != ' ' && line[end] != '\t') ++end;
    const auto v = parseValue(line.substr(i, end - i));
    if (!v) return std::nullopt;
    s.value = *v;
    return s;
}

}  // namespace

std::vector<MetricSample> parsePrometheusText(const std::string& text, int* bad) {
    std::vector<MetricSample> out;
    int badLines = 0;
    std::size_t pos = 0;
    while (pos < text.size()) {
        std::size_t nl = text.find('\n', pos);
        if (nl == std::string::npos) nl = text.size();
        std::string line = text.substr(pos, nl - pos);
        pos = nl + 1;
        if (!line.empty() && line.back() == '\r') line.pop_back();
        const auto first = line.find_first_not_of(" \t");
        if (first == std::string::npos || line[first] == '#') continue;
        auto sample = parseLine(line.substr(first));
        if (sample) {
            out.push_back(std::move(*sample));
        } else {
            ++badLines;
        }
    }
    if (bad != nullptr) *bad = badLines;
    return out;
}

double sumSamples(const std::vector<MetricSample>& samples, const std::string& name,
                  const std::map<std::string, std::string>& match) {
    double sum = 0;
    for (const auto& s : samples) {
        if (s.name != name) continue;
        bool all = true;
        for (const auto& [k, v] : match) {
            const auto it = s.labels.find(k);
            if (it == s.labels.end() || it->second != v) {
                all = false;
                break;
            }
        }
        if (all) sum += s.value;
    }
    return sum;
}

bool hasMetric(const std::vector<MetricSample>& samples, const std::string& name) {
    for (const auto& s : samples)
        if (s.name == name) return true;
    return false;
}

}  // namespace boxoffice::load
