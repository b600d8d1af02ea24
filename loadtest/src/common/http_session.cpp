#include "common/http_session.hpp"

#include <curl/curl.h>
#include <openssl/x509.h>

#include <algorithm>
#include <cctype>
#include <memory>
#include <mutex>
#include <stdexcept>

namespace boxoffice::load {
namespace {

struct SlistDeleter {
    void operator()(curl_slist* l) const { curl_slist_free_all(l); }
};
using Slist = std::unique_ptr<curl_slist, SlistDeleter>;

CURL* easyOf(void* p) {
    return static_cast<CURL*>(p);
}

std::size_t appendBody(char* data, std::size_t size, std::size_t n, void* out) {
    static_cast<HttpSessionReply*>(out)->body.append(data, size * n);
    return size * n;
}

// One header line of the response (libcurl hands them over one by one, CRLF included).
std::size_t takeHeader(char* data, std::size_t size, std::size_t n, void* out) {
    auto& reply = *static_cast<HttpSessionReply*>(out);
    std::string_view line(data, size * n);
    // A status line starts a response: only the final one's fields are kept (not a 100's).
    if (line.rfind("HTTP/", 0) == 0) {
        reply.headers.clear();
        return size * n;
    }
    while (!line.empty() && (line.back() == '\n' || line.back() == '\r')) line.remove_suffix(1);
    const auto colon = line.find(':');
    if (colon == std::string_view::npos) return size * n;
    std::string name(line.substr(0, colon));
    for (auto& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    std::string_view value = line.substr(colon + 1);
    while (!value.empty() && (value.front() == ' ' || value.front() == '\t')) value.remove_prefix(1);
    reply.headers[std::move(name)] = std::string(value);
    return size * n;
}

bool names(const std::string& field, std::string_view name) {
    return field.size() > name.size() && field[name.size()] == ':' &&
           std::equal(name.begin(), name.end(), field.begin(), [](char a, char b) {
               return std::tolower(static_cast<unsigned char>(a)) == std::tolower(static_cast<unsigned char>(b));
           });
}

bool hasField(const std::vector<std::string>& headers, std::string_view name) {
    return std::any_of(headers.begin(), headers.end(), [&](const std::string& h) { return names(h, name); });
}

// The harness's wording for a refused certificate (as its own TLS sessions say it, common/tls.cpp),
// with libcurl's message after it.
std::string describe(CURL* c, CURLcode rc, const char* errbuf) {
    const std::string curlSays = errbuf[0] != '\0' ? errbuf : curl_easy_strerror(rc);
    if (rc != CURLE_PEER_FAILED_VERIFICATION) return curlSays;
    long verify = X509_V_OK;
    curl_easy_getinfo(c, CURLINFO_SSL_VERIFYRESULT, &verify);
    // The chain's own verdict when OpenSSL refused it. libcurl checks the host name itself, before it
    // reads that verdict, which then still holds its "not verified yet" value (1, "unspecified"):
    // a name that did not match, as libcurl's message in brackets says.
    const bool nameCheck = verify == X509_V_OK || verify == X509_V_ERR_UNSPECIFIED;
    const std::string why = nameCheck ? "hostname mismatch" : X509_verify_cert_error_string(verify);
    return "certificate verify failed: " + why + " (" + curlSays + ")";
}

}  // namespace

HttpSession::HttpSession(HttpSessionOptions options) : options_(std::move(options)) {
    static std::once_flag once;
    std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
    if (!options_.resolve.empty()) {
        resolve_ = curl_slist_append(nullptr, options_.resolve.c_str());
        if (resolve_ == nullptr) throw std::runtime_error("curl_slist_append failed");
    }
    open();
}

HttpSession::~HttpSession() {
    curl_easy_cleanup(easyOf(easy_));
    curl_slist_free_all(static_cast<curl_slist*>(resolve_));
}

void HttpSession::closeConnection() {
    // The easy handle owns its connection cache: a new handle is the way to drop the connection.
    curl_easy_cleanup(easyOf(easy_));
    easy_ = nullptr;
    open();
}

void HttpSession::open() {
    CURL* c = curl_easy_init();
    if (c == nullptr) throw std::runtime_error("curl_easy_init failed");
    easy_ = c;
    curl_easy_setopt(c, CURLOPT_URL, options_.origin.c_str());
    curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(c, CURLOPT_HTTP_VERSION, static_cast<long>(CURL_HTTP_VERSION_1_1));
    curl_easy_setopt(c, CURLOPT_PROXY, "");  // not http_proxy & co.: the server itself
    curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);  // deadlines without SIGALRM: callers are multi-threaded
    curl_easy_setopt(c, CURLOPT_TCP_NODELAY, 1L);
    curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(options_.connectTimeout.count()));
    curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, static_cast<long>(options_.timeout.count()));
    // Under 1 byte/s for idleTimeout: a stalled server, as a socket receive timeout would say.
    curl_easy_setopt(c, CURLOPT_LOW_SPEED_LIMIT, 1L);
    curl_easy_setopt(c, CURLOPT_LOW_SPEED_TIME, static_cast<long>(options_.idleTimeout.count()));
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, appendBody);
    curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, takeHeader);
    if (resolve_ != nullptr) curl_easy_setopt(c, CURLOPT_RESOLVE, static_cast<curl_slist*>(resolve_));
    // https:// only (libcurl ignores these for http://). SNI and the host name check are libcurl's defaults.
    if (!options_.tls.caFile.empty()) curl_easy_setopt(c, CURLOPT_CAINFO, options_.tls.caFile.c_str());
    if (options_.tls.insecure) {
        curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, 0L);
        curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 0L);
    }
}

HttpSessionReply HttpSession::request(std::string_view method, const std::string& target, const std::string& body,
                                      const std::vector<std::string>& headers) {
    HttpSessionReply reply;
    CURL* c = easyOf(easy_);
    const bool head = method == "HEAD";
    const bool sendBody = !body.empty() || method == "POST" || method == "PUT" || method == "PATCH";

    curl_slist* list = nullptr;
    for (const auto& h : headers) list = curl_slist_append(list, h.c_str());
    // An empty "Name:" tells libcurl not to add its own field of that name.
    if (!options_.hostHeader.empty() && !hasField(headers, "Host"))
        list = curl_slist_append(list, ("Host: " + options_.hostHeader).c_str());
    if (!hasField(headers, "Accept")) list = curl_slist_append(list, "Accept:");
    if (!hasField(headers, "Expect")) list = curl_slist_append(list, "Expect:");
    if (sendBody && !hasField(headers, "Content-Type")) list = curl_slist_append(list, "Content-Type:");
    const Slist fields(list);

    const std::string verb(method);
    curl_easy_setopt(c, CURLOPT_NOBODY, 0L);
    if (head) {
        curl_easy_setopt(c, CURLOPT_NOBODY, 1L);
    } else if (sendBody) {
        curl_easy_setopt(c, CURLOPT_POST, 1L);
        curl_easy_setopt(c, CURLOPT_POSTFIELDS, body.data());
        curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE, static_cast<long>(body.size()));
    } else {
        curl_easy_setopt(c, CURLOPT_HTTPGET, 1L);
    }
    // POST and GET are what the calls above make; any other method is named as it is.
    const bool custom = !head && verb != (sendBody ? "POST" : "GET");
    curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, custom ? verb.c_str() : nullptr);
    curl_easy_setopt(c, CURLOPT_REQUEST_TARGET, target.c_str());
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, fields.get());
    curl_easy_setopt(c, CURLOPT_WRITEDATA, &reply);
    curl_easy_setopt(c, CURLOPT_HEADERDATA, &reply);
    char errbuf[CURL_ERROR_SIZE] = {};
    curl_easy_setopt(c, CURLOPT_ERRORBUFFER, errbuf);

    const CURLcode rc = curl_easy_perform(c);
    long opened = 0;
    curl_easy_getinfo(c, CURLINFO_NUM_CONNECTS, &opened);
    connections_ += static_cast<int>(opened);
    if (rc == CURLE_OK) {
        curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &reply.status);
    } else {
        reply = HttpSessionReply{};
        reply.error = describe(c, rc, errbuf);
    }
    // The handle must not keep pointers into this call's locals (libcurl copies strings, not these).
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, nullptr);
    curl_easy_setopt(c, CURLOPT_ERRORBUFFER, nullptr);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, nullptr);
    curl_easy_setopt(c, CURLOPT_HEADERDATA, nullptr);
    return reply;
}

}  // namespace boxoffice::load
