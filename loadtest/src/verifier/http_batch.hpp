#pragma once
// Many GETs at once over a few keep-alive connections (libcurl multi, one thread), for reading the
// state of tens of thousands of users in seconds.

#include <chrono>
#include <functional>
#include <string>
#include <vector>

#include "common/base_url.hpp"

namespace boxoffice::load {

struct HttpGet {
    std::string url;
    std::string bearer;    // token, or empty
    std::size_t tag = 0;   // the caller's, handed back with the response
    long long cursor = 0;  // the caller's too (a page offset)
    int attempt = 0;
};

struct HttpReply {
    long status = 0;  // 0 on a transport error
    std::string body;
    std::string error;  // transport error text
};

class HttpBatch {
public:
    /// `tls` applies to https:// URLs (libcurl verifies against the system store by default).
    HttpBatch(int connections, std::chrono::milliseconds timeout, TlsOptions tls = {});
    ~HttpBatch();
    HttpBatch(const HttpBatch&) = delete;
    HttpBatch& operator=(const HttpBatch&) = delete;

    /// Runs every request, at most `connections` in flight. Transport errors and 503s are retried
    /// twice, 429s four times after a pause. `onReply` runs on this thread and may append follow-up requests (the next
    /// page).
    void run(std::vector<HttpGet> requests,
             const std::function<void(const HttpGet&, const HttpReply&, std::vector<HttpGet>& more)>& onReply);

    /// One blocking GET.
    HttpReply get(const std::string& url, const std::string& bearer = "");

private:
    struct Slot;
    int connections_;
    std::chrono::milliseconds timeout_;
    TlsOptions tls_;
    void* multi_;
    std::vector<Slot*> slots_;
};

}  // namespace boxoffice::load
