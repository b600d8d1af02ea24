#pragma once
// Reading JSON bodies: malformed JSON -> 400; wrong types, missing fields, out-of-range values -> 422
// naming the field. All field problems of one body are reported together.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "domain/result.hpp"
#include "http/message.hpp"

namespace boxoffice::http {

using Json = nlohmann::json;

/// Parses the body as a JSON object (MalformedJson otherwise; ValidationFailed if not an object).
/// Rejects a declared Content-Type that is not JSON (UnsupportedMediaType).
Result<Json> parseJsonObject(const Request& request);
/// The Content-Type check of parseJsonObject alone (absent is fine).
Result<void> checkJsonContentType(const Request& request);

/// Serializes without throwing on invalid UTF-8 (replaced).
std::string dump(const Json& j);

class FieldReader {
public:
    FieldReader(const Json& object, std::string prefix, std::vector<FieldError>& errors);

    bool has(const char* name) const;
    std::optional<std::string> string(const char* name, bool required, std::size_t maxLen, std::size_t minLen = 1);
    std::optional<std::int64_t> integer(const char* name, bool required, std::int64_t min, std::int64_t max);
    /// Returns the array (possibly empty) or nullptr when absent/wrong type (error recorded if required or wrong type).
    const Json* array(const char* name, bool required);
    const Json* object(const char* name, bool required);
    /// A JSON null counts as present-and-null: returns true and leaves value empty.
    bool nullableString(const char* name, std::size_t maxLen, std::optional<std::string>& value);

    std::string path(const std::string& name) const { return prefix_.empty() ? name : prefix_ + "." + name; }
    void fail(const std::string& name, std::string message) { errors_.push_back({path(name), std::move(message)}); }
    std::vector<FieldError>& errors() { return errors_; }

private:
    const Json& obj_;
    std::string prefix_;
    std::vector<FieldError>& errors_;
};

}  // namespace boxoffice::http
