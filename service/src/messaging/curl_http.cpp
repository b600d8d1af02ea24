#include "messaging/curl_http.hpp"

#include "util/hex.hpp"

#include <curl/curl.h>

#include <memory>
#include <mutex>

namespace boxoffice::messaging {
namespace {

struct EasyDeleter {
    void operator()(CURL* c) const { curl_easy_cleanup(c); }
};
struct SlistDeleter {
    void operator()(curl_slist* l) const { curl_slist_free_all(l); }
};

std::size_t appendBody(char* data, std::size_t size, std::size_t n, void* out) {
    static_cast<std::string*>(out)->append(data, size * n);
    return size * n;
}

}  // namespace

void initHttpClient() {
    static std::once_flag once;
    std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

HttpResponse perform(const HttpRequest& r) {
    initHttpClient();
    HttpResponse out;
    std::unique_ptr<CURL, EasyDeleter> curl(curl_easy_init());
    if (!curl) {
        out.transportError = "curl_easy_init failed";
        return out;
    }
    CURL* c = curl.get();
    curl_slist* raw = nullptr;
    for (const auto& h : r.headers) raw = curl_slist_append(raw, h.c_str());
    // A POST body above 1 KiB would otherwise wait for a 100-continue some servers never send. Not
    // on signed requests: libcurl's SigV4 signs every header in this list, even an empty one that
    // only suppresses a header, so the server sees a different canonical request (403).
    if (!r.sigv4) raw = curl_slist_append(raw, "Expect:");
    std::unique_ptr<curl_slist, SlistDeleter> headers(raw);

    curl_easy_setopt(c, CURLOPT_URL, r.url.c_str());
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, headers.get());
    curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(r.connectTimeout.count()));
    curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, static_cast<long>(r.timeout.count()));
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);  // deadlines without SIGALRM: we are multi-threaded
    curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);
    curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, appendBody);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, &out.body);
    if (r.method == "POST") {
        curl_easy_setopt(c, CURLOPT_POST, 1L);
        curl_easy_setopt(c, CURLOPT_POSTFIELDS, r.body.c_str());
        curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE, static_cast<long>(r.body.size()));
    }
    if (r.sigv4) {
        curl_easy_setopt(c, CURLOPT_AWS_SIGV4, r.sigv4->c_str());
        curl_easy_setopt(c, CURLOPT_USERNAME, r.accessKeyId.c_str());
        curl_easy_setopt(c, CURLOPT_PASSWORD, r.secretAccessKey.c_str());
    }
    char errbuf[CURL_ERROR_SIZE] = {};
    curl_easy_setopt(c, CURLOPT_ERRORBUFFER, errbuf);
    const CURLcode rc = curl_easy_perform(c);
    if (rc != CURLE_OK) {
        out.status = 0;
        out.timedOut = rc == CURLE_OPERATION_TIMEDOUT;
        out.transportError = errbuf[0] ? errbuf : curl_easy_strerror(rc);
        return out;
    }
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &out.status);
    return out;
}

std::string formEncode(const std::string& value) {
    return util::percentEncode(value);
}

}  // namespace boxoffice::messaging
