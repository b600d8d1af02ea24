#pragma once
// A small blocking keep-alive HTTP/1.1 client for tests of the running application and the
// benchmarks (loadtest/src/bench; a target of its own, boxoffice_test_http): the harness's libcurl
// session (loadtest/src/common/http_session) with the tests' conventions. Malformed requests are
// not its job: the edge tests write bytes to a socket of their own (integration/http_edge_test.cpp).
#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/http_session.hpp"

namespace boxoffice::testing {

struct HttpResult {
    int status = 0;
    std::map<std::string, std::string> headers;  // lower-case names
    std::string body;

    nlohmann::json json() const;
    std::string header(const std::string& lowerName) const;
};

class HttpClient {
public:
    explicit HttpClient(int port, std::string host = "127.0.0.1");

    /// Sends one request on the current connection (opening one if needed) and reads the response.
    /// Extra headers as "Name: value". Throws std::runtime_error on transport errors.
    HttpResult request(const std::string& method, const std::string& target, const std::string& body = "",
                       const std::vector<std::string>& headers = {});

    HttpResult get(const std::string& target, const std::vector<std::string>& headers = {}) {
        return request("GET", target, "", headers);
    }
    HttpResult post(const std::string& target, const nlohmann::json& body, const std::string& token = "") {
        return request("POST", target, body.dump(), withJson(token));
    }
    HttpResult patch(const std::string& target, const nlohmann::json& body, const std::string& token = "") {
        return request("PATCH", target, body.dump(), withJson(token));
    }
    HttpResult del(const std::string& target, const std::string& token = "") {
        return request(
            "DELETE", target, "",
            token.empty() ? std::vector<std::string>{} : std::vector<std::string>{"Authorization: Bearer " + token});
    }

    /// How many TCP connections this client has opened (to check keep-alive).
    int connectionsOpened() const { return session_.connectionsOpened(); }
    void close() { session_.closeConnection(); }

private:
    static std::vector<std::string> withJson(const std::string& token);

    load::HttpSession session_;
};

}  // namespace boxoffice::testing
