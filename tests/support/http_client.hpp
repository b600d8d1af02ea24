#pragma once
// A small blocking HTTP/1.1 client over a real socket, for tests of the running application and the
// benchmarks (loadtest/src/bench; a target of its own, boxoffice_test_http).
#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

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
    ~HttpClient();
    HttpClient(const HttpClient&) = delete;
    HttpClient& operator=(const HttpClient&) = delete;

    /// Sends one request on the current connection (opening one if needed) and reads the response
    /// (Content-Length framed). Extra headers as "Name: value". Throws on transport errors.
    HttpResult request(const std::string& method, const std::string& target, const std::string& body = "",
                       const std::vector<std::string>& headers = {});
    /// Sends raw bytes and reads one response (for malformed requests).
    HttpResult raw(const std::string& bytes);

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
    int connectionsOpened() const { return connections_; }
    void close();

private:
    static std::vector<std::string> withJson(const std::string& token);
    void connect();
    HttpResult readResponse();

    int port_;
    std::string host_;
    int fd_ = -1;
    int connections_ = 0;
    std::string buffer_;
};

}  // namespace boxoffice::testing
