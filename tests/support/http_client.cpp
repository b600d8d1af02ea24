#include "support/http_client.hpp"

#include <stdexcept>

namespace boxoffice::testing {
namespace {

load::HttpSessionOptions optionsFor(int port, const std::string& host) {
    load::HttpSessionOptions o;
    o.origin = "http://" + host + ":" + std::to_string(port);
    o.hostHeader = host;  // without the port, as this client always sent it
    return o;
}

}  // namespace

nlohmann::json HttpResult::json() const {
    return nlohmann::json::parse(body);
}

std::string HttpResult::header(const std::string& lowerName) const {
    auto it = headers.find(lowerName);
    return it == headers.end() ? std::string() : it->second;
}

HttpClient::HttpClient(int port, std::string host) : session_(optionsFor(port, host)) {}

std::vector<std::string> HttpClient::withJson(const std::string& token) {
    std::vector<std::string> h{"Content-Type: application/json"};
    if (!token.empty()) h.push_back("Authorization: Bearer " + token);
    return h;
}

HttpResult HttpClient::request(const std::string& method, const std::string& target, const std::string& body,
                               const std::vector<std::string>& headers) {
    auto reply = session_.request(method, target, body, headers);
    if (reply.status == 0) throw std::runtime_error(method + " " + target + ": " + reply.error);
    return {static_cast<int>(reply.status), std::move(reply.headers), std::move(reply.body)};
}

}  // namespace boxoffice::testing
