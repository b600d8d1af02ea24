#include "http/json_body.hpp"

namespace boxoffice::http {

Result<void> checkJsonContentType(const Request& request) {
    if (auto ct = request.headers.find("content-type"); ct != request.headers.end()) {
        std::string lower;
        for (char c : ct->second) lower.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
        const auto semi = lower.find(';');
        const std::string media = lower.substr(0, semi);
        if (media != "application/json" && !(media.size() > 5 && media.ends_with("+json")))
            return Error::of(ErrorCode::UnsupportedMediaType, "Content-Type must be application/json");
    }
    return {};
}

namespace {

bool hasControl(const std::string& s) {
    for (unsigned char c : s)
        if (c < 0x20 || c == 0x7f) return true;
    return false;
}

// The first string (value or member name) with a control character, as a field path; NUL in
// particular, which one store would keep and another would end the string at.
std::optional<std::string> controlCharacterAt(const Json& j, const std::string& path) {
    if (j.is_string()) {
        if (hasControl(j.get_ref<const std::string&>())) return path.empty() ? std::string("body") : path;
    } else if (j.is_object()) {
        for (const auto& [key, value] : j.items()) {
            const std::string child = path.empty() ? key : path + "." + key;
            if (hasControl(key)) return path.empty() ? std::string("body") : path;
            if (auto at = controlCharacterAt(value, child)) return at;
        }
    } else if (j.is_array()) {
        for (std::size_t i = 0; i < j.size(); ++i)
            if (auto at = controlCharacterAt(j[i], path + "[" + std::to_string(i) + "]")) return at;
    }
    return std::nullopt;
}

}  // namespace

Result<Json> parseJsonObject(const Request& request) {
    if (auto ct = checkJsonContentType(request); !ct) return std::move(ct).error();
    if (request.body.empty())
        return Error::of(ErrorCode::MalformedJson, "request body is empty; a JSON object is expected");
    Json j = Json::parse(request.body, nullptr, /*allow_exceptions=*/false);
    if (j.is_discarded()) return Error::of(ErrorCode::MalformedJson, "request body is not valid JSON");
    if (!j.is_object()) return Error::validation("body", "must be a JSON object");
    if (auto at = controlCharacterAt(j, "")) return Error::validation(*at, "must not contain control characters");
    return j;
}

std::string dump(const Json& j) {
    return j.dump(-1, ' ', false, Json::error_handler_t::replace);
}

FieldReader::FieldReader(const Json& object, std::string prefix, std::vector<FieldError>& errors)
    : obj_(object), prefix_(std::move(prefix)), errors_(errors) {}

bool FieldReader::has(const char* name) const {
    return obj_.is_object() && obj_.contains(name);
}

std::optional<std::string> FieldReader::string(const char* name, bool required, std::size_t maxLen,
                                               std::size_t minLen) {
    auto it = obj_.find(name);
    if (it == obj_.end() || it->is_null()) {
        if (required) fail(name, "is required");
        return std::nullopt;
    }
    if (!it->is_string()) {
        fail(name, "must be a string");
        return std::nullopt;
    }
    const auto& s = it->get_ref<const std::string&>();
    if (s.size() < minLen) {
        fail(name, minLen == 1 ? "must not be empty" : "must be at least " + std::to_string(minLen) + " characters");
        return std::nullopt;
    }
    if (s.size() > maxLen) {
        fail(name, "must be at most " + std::to_string(maxLen) + " characters");
        return std::nullopt;
    }
    return s;
}

std::optional<std::int64_t> FieldReader::integer(const char* name, bool required, std::int64_t min, std::int64_t max) {
    auto it = obj_.find(name);
    if (it == obj_.end() || it->is_null()) {
        if (required) fail(name, "is required");
        return std::nullopt;
    }
    std::int64_t v = 0;
    if (it->is_number_integer()) {
        if (it->is_number_unsigned() && it->get<std::uint64_t>() > static_cast<std::uint64_t>(INT64_MAX)) {
            fail(name, "is out of range");
            return std::nullopt;
        }
        v = it->get<std::int64_t>();
    } else {
        fail(name, "must be an integer");
        return std::nullopt;
    }
    if (v < min || v > max) {
        fail(name, "must be between " + std::to_string(min) + " and " + std::to_string(max));
        return std::nullopt;
    }
    return v;
}

const Json* FieldReader::array(const char* name, bool required) {
    auto it = obj_.find(name);
    if (it == obj_.end() || it->is_null()) {
        if (required) fail(name, "is required");
        return nullptr;
    }
    if (!it->is_array()) {
        fail(name, "must be an array");
        return nullptr;
    }
    return &*it;
}

const Json* FieldReader::object(const char* name, bool required) {
    auto it = obj_.find(name);
    if (it == obj_.end() || it->is_null()) {
        if (required) fail(name, "is required");
        return nullptr;
    }
    if (!it->is_object()) {
        fail(name, "must be an object");
        return nullptr;
    }
    return &*it;
}

bool FieldReader::nullableString(const char* name, std::size_t maxLen, std::optional<std::string>& value) {
    auto it = obj_.find(name);
    if (it == obj_.end()) return false;
    if (it->is_null()) {
        value.reset();
        return true;
    }
    auto s = string(name, true, maxLen);
    if (s) value = *s;
    return true;
}

}  // namespace boxoffice::http
