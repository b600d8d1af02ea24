#include "domain/layout_codec.hpp"

namespace boxoffice {
namespace {

// Bounds what a hostile body can make us allocate before validateLayout sees it.
constexpr std::size_t kMaxArray = 10000;

std::string str(const nlohmann::json& o, const char* key, const std::string& path, std::vector<FieldError>& errors,
                bool required) {
    auto it = o.find(key);
    if (it == o.end() || it->is_null()) {
        if (required) errors.push_back({path + "." + key, "is required"});
        return {};
    }
    if (!it->is_string()) {
        errors.push_back({path + "." + key, "must be a string"});
        return {};
    }
    return it->get<std::string>();
}

}  // namespace

Layout layoutFromJson(const nlohmann::json& j, const std::string& prefix, std::vector<FieldError>& errors) {
    Layout layout;
    if (!j.is_object()) {
        errors.push_back({prefix, "must be an object with sections"});
        return layout;
    }
    auto secs = j.find("sections");
    if (secs == j.end() || !secs->is_array()) {
        errors.push_back({prefix + ".sections", secs == j.end() ? "is required" : "must be an array"});
        return layout;
    }
    if (secs->size() > kMaxArray) {
        errors.push_back({prefix + ".sections", "too many sections"});
        return layout;
    }
    for (std::size_t si = 0; si < secs->size(); ++si) {
        const auto& s = (*secs)[si];
        const std::string sp = prefix + ".sections[" + std::to_string(si) + "]";
        if (!s.is_object()) {
            errors.push_back({sp, "must be an object"});
            continue;
        }
        LayoutSection section;
        section.name = str(s, "name", sp, errors, true);
        const std::string sectionTier = str(s, "tier", sp, errors, false);
        auto rows = s.find("rows");
        if (rows == s.end() || !rows->is_array()) {
            errors.push_back({sp + ".rows", rows == s.end() ? "is required" : "must be an array"});
            continue;
        }
        if (rows->size() > kMaxArray) {
            errors.push_back({sp + ".rows", "too many rows"});
            continue;
        }
        for (std::size_t ri = 0; ri < rows->size(); ++ri) {
            const auto& r = (*rows)[ri];
            const std::string rp = sp + ".rows[" + std::to_string(ri) + "]";
            if (!r.is_object()) {
                errors.push_back({rp, "must be an object"});
                continue;
            }
            LayoutRow row;
            row.label = str(r, "label", rp, errors, true);
            row.tier = str(r, "tier", rp, errors, false);
            if (row.tier.empty()) row.tier = sectionTier;
            if (row.tier.empty() && !r.contains("tier") && !s.contains("tier"))
                errors.push_back({rp + ".tier", "is required (on the row or its section)"});
            auto seats = r.find("seats");
            if (seats == r.end() || seats->is_null()) {
                errors.push_back({rp + ".seats", "is required"});
            } else if (seats->is_number_integer()) {
                const auto n = seats->get<long long>();
                row.count = n > INT32_MAX ? INT32_MAX : (n < INT32_MIN ? INT32_MIN : static_cast<int>(n));
                if (row.count <= 0) errors.push_back({rp + ".seats", "must be a positive count"});
            } else if (seats->is_array()) {
                if (seats->empty()) errors.push_back({rp + ".seats", "must not be empty"});
                if (seats->size() > kMaxArray) {
                    errors.push_back({rp + ".seats", "too many seats in one row"});
                } else {
                    for (std::size_t k = 0; k < seats->size(); ++k) {
                        const auto& n = (*seats)[k];
                        if (!n.is_number_integer()) {
                            errors.push_back({rp + ".seats[" + std::to_string(k) + "]", "must be an integer"});
                            continue;
                        }
                        const auto v = n.get<long long>();
                        row.numbers.push_back(v > INT32_MAX ? INT32_MAX
                                                            : (v < INT32_MIN ? INT32_MIN : static_cast<int>(v)));
                    }
                }
            } else {
                errors.push_back({rp + ".seats", "must be a count or an array of seat numbers"});
            }
            section.rows.push_back(std::move(row));
        }
        layout.sections.push_back(std::move(section));
    }
    return layout;
}

nlohmann::json layoutToJson(const Layout& layout) {
    nlohmann::json sections = nlohmann::json::array();
    for (const auto& s : layout.sections) {
        nlohmann::json rows = nlohmann::json::array();
        for (const auto& r : s.rows) {
            bool sequential = r.numbers.empty();
            if (!sequential) {
                sequential = true;
                for (std::size_t i = 0; i < r.numbers.size() && sequential; ++i)
                    sequential = r.numbers[i] == static_cast<int>(i) + 1;
            }
            nlohmann::json row = {{"label", r.label}, {"tier", r.tier}};
            if (sequential)
                row["seats"] = r.numbers.empty() ? r.count : static_cast<int>(r.numbers.size());
            else
                row["seats"] = r.numbers;
            rows.push_back(std::move(row));
        }
        sections.push_back({{"name", s.name}, {"rows", std::move(rows)}});
    }
    return {{"sections", std::move(sections)}};
}

}  // namespace boxoffice
