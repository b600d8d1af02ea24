#pragma once
// Transport-level request and response, independent of Pistache so handlers stay testable.
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "auth/jwt.hpp"

namespace boxoffice::http {

enum class Method { Get, Post, Put, Patch, Delete, Head, Options, Other };

std::string_view methodName(Method m);

struct Request {
    Method method = Method::Get;
    std::string path;
    std::string body;
    std::string requestId;
    std::string peerAddress;  // the direct peer's IP (the edge fills it); see admission/client_ip.hpp
    std::unordered_map<std::string, std::string> pathParams;
    std::unordered_map<std::string, std::string> query;    // percent-decoded
    std::unordered_map<std::string, std::string> headers;  // lower-case names
    std::optional<auth::Principal> principal;              // set when a valid bearer token was sent

    const std::string& param(const std::string& name) const;  // a path parameter (always present)
    std::optional<std::string> queryValue(const std::string& name) const;
    std::optional<std::string> header(const std::string& lowerName) const;
};

struct Response {
    int status = 200;
    std::string body;
    std::string contentType = "application/json";
    std::vector<std::pair<std::string, std::string>> headers;
    std::shared_ptr<const std::string> sharedBody;  // sent instead of `body` when set (cached bodies)

    static Response json(int status, std::string body) { return {status, std::move(body), "application/json", {}, {}}; }
    static Response noContent() { return {204, {}, {}, {}, {}}; }
    Response& with(std::string name, std::string value) {
        headers.emplace_back(std::move(name), std::move(value));
        return *this;
    }
};

}  // namespace boxoffice::http
