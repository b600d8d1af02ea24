#pragma once
// Reads settings from the environment (or any getenv-like function) into typed fields, collecting
// one FieldError per bad value instead of stopping at the first; remembers every name it was asked
// for, which is the list of known settings.
#include <chrono>
#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "domain/error.hpp"

namespace boxoffice::app {

class EnvReader {
public:
    explicit EnvReader(const std::function<const char*(const char*)>& getenv) : getenv_(getenv) {}

    /// The value of `name`, unset when absent or empty. Every read goes through here.
    std::optional<std::string> raw(const std::string& name);
    void str(const char* name, std::string& out);
    /// A secret, from NAME or from the file NAME_FILE names (Kubernetes / ECS secret mounts). Errors
    /// name the variable and the path, never what the file holds.
    void secret(const char* name, std::string& out);
    /// Comma-separated, items trimmed, empty items dropped.
    void list(const char* name, std::vector<std::string>& out);
    void integer(const char* name, int& out, long long min, long long max);
    void size(const char* name, std::size_t& out, long long min, long long max);
    /// 500ms, 5s, 2m, ... within [minMs, maxMs].
    void duration(const char* name, std::chrono::milliseconds& out, long long minMs, long long maxMs);
    /// 1/true/yes or 0/false/no.
    void boolean(const char* name, bool& out);
    void fail(const char* name, std::string message);

    std::vector<FieldError> errors;
    std::vector<std::string> names;  // every setting asked for (Config::knownSettings())

private:
    const std::function<const char*(const char*)>& getenv_;
};

}  // namespace boxoffice::app
