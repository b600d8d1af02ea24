#pragma once
// One libcurl easy handle for blocking HTTP/1.1 requests to one origin, kept across calls so its
// connection is reused (keep-alive). The harness's set-up client (common/setup_client) and the
// tests' and benchmarks' client (tests/support/http_client) are both this; a target of its own
// (boxoffice_http_session) so either links it without the other.
//
// The server sees what the caller wrote and no more: none of libcurl's own request fields (no
// `Accept: */*`, no `Expect: 100-continue` on bodies over 1 KiB, no form Content-Type on a body),
// the request-target verbatim (not normalised, so a test can send `%00` or `..`), no proxy from the
// environment (the crowd's event loop cannot use one either), no redirects followed.

#include <chrono>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "common/base_url.hpp"

namespace boxoffice::load {

struct HttpSessionOptions {
    std::string origin;      // "http://HOST[:PORT]" or "https://HOST[:PORT]", no path
    std::string hostHeader;  // sent as Host unless the request names one ("" = libcurl's, from `origin`)
    std::string resolve;     // "HOST:PORT:ADDRESS": connect there without resolving HOST ("" = resolve)
    TlsOptions tls;          // https:// only: --ca-file / --insecure
    std::chrono::milliseconds connectTimeout{5'000};
    std::chrono::seconds idleTimeout{30};        // nothing received for this long: the call fails
    std::chrono::milliseconds timeout{120'000};  // the whole call
};

struct HttpSessionReply {
    long status = 0;                             // 0: no response, see `error`
    std::map<std::string, std::string> headers;  // the final response's, names lower-cased (a repeat keeps the last)
    std::string body;
    std::string error;  // why there is no response
};

class HttpSession {
public:
    /// Throws std::runtime_error when libcurl cannot make a handle.
    explicit HttpSession(HttpSessionOptions options);
    ~HttpSession();
    HttpSession(const HttpSession&) = delete;
    HttpSession& operator=(const HttpSession&) = delete;

    /// One request on the kept connection (a new one when there is none or the server closed it).
    /// `headers` are "Name: value". A body goes with its Content-Length when it is not empty or the
    /// method is POST, PUT or PATCH; HEAD reads no body. Never throws for network failures.
    HttpSessionReply request(std::string_view method, const std::string& target, const std::string& body = "",
                             const std::vector<std::string>& headers = {});

    /// TCP connections opened so far (to check keep-alive).
    int connectionsOpened() const { return connections_; }
    /// Drops the kept connection: the next request opens a new one.
    void closeConnection();

private:
    void open();

    HttpSessionOptions options_;
    void* easy_ = nullptr;     // CURL*
    void* resolve_ = nullptr;  // curl_slist* for CURLOPT_RESOLVE, alive as long as the handle
    int connections_ = 0;
};

}  // namespace boxoffice::load
