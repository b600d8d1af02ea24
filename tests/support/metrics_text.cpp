#include "support/metrics_text.hpp"

#include <sstream>
#include <stdexcept>

namespace boxoffice::testing {

MetricsText::MetricsText(const std::string& text) {
    std::istringstream in(text);
    std::string line;
    while (std::getline(in, line)) {
        if (line.empty() || line[0] == '#') continue;
        Sample s;
        std::size_t i = line.find_first_of("{ ");
        s.name = line.substr(0, i);
        if (i != std::string::npos && line[i] == '{') {
            ++i;
            while (i < line.size() && line[i] != '}') {
                const std::size_t eq = line.find('=', i);
                const std::string key = line.substr(i, eq - i);
                std::string value;
                std::size_t j = eq + 2;  // past ="
                for (; j < line.size() && line[j] != '"'; ++j) {
                    if (line[j] == '\\' && j + 1 < line.size()) ++j;
                    value.push_back(line[j]);
                }
                s.labels[key] = value;
                i = j + 1;
                if (i < line.size() && line[i] == ',') ++i;
            }
            ++i;
        }
        s.value = std::stod(line.substr(line.find_first_not_of(' ', i)));
        samples_.push_back(std::move(s));
    }
}

namespace {
bool includes(const Sample& s, const std::map<std::string, std::string>& labels) {
    for (const auto& [k, v] : labels) {
        auto it = s.labels.find(k);
        if (it == s.labels.end() || it->second != v) return false;
    }
    return true;
}
}  // namespace

double MetricsText::sum(const std::string& name, const std::map<std::string, std::string>& labels) const {
    double total = 0;
    for (const auto& s : samples_)
        if (s.name == name && includes(s, labels)) total += s.value;
    return total;
}

int MetricsText::count(const std::string& name, const std::map<std::string, std::string>& labels) const {
    int n = 0;
    for (const auto& s : samples_)
        if (s.name == name && includes(s, labels)) ++n;
    return n;
}

}  // namespace boxoffice::testing
