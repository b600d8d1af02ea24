#include "verifier/http_batch.hpp"

#include <curl/curl.h>

#include <deque>
#include <mutex>
#include <stdexcept>
#include <thread>

namespace boxoffice::load {
namespace {

void globalInit() {
    static std::once_flag once;
    std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

size_t append(char* data, size_t size, size_t n, void* out) {
    static_cast<std::string*>(out)->append(data, size * n);
    return size * n;
}

constexpr int kAttempts = 3;
// A 429 (a reader over its rate limit, which refills within a second) is asked again after a pause.
constexpr int kRateLimitedAttempts = 5;
constexpr std::chrono::milliseconds kRateLimitedPause{500};

}  // namespace

struct HttpBatch::Slot {
    CURL* easy = nullptr;
    curl_slist* headers = nullptr;
    HttpGet request;
    std::string body;
    char error[CURL_ERROR_SIZE] = {};
    bool busy = false;
};

HttpBatch::HttpBatch(int connections, std::chrono::milliseconds timeout, TlsOptions tls)
    : connections_(connections < 1 ? 1 : connections), timeout_(timeout), tls_(std::move(tls)) {
    globalInit();
    multi_ = curl_multi_init();
    if (multi_ == nullptr) throw std::runtime_error("curl_multi_init failed");
    curl_multi_setopt(static_cast<CURLM*>(multi_), CURLMOPT_MAX_TOTAL_CONNECTIONS, static_cast<long>(connections_));
    curl_multi_setopt(static_cast<CURLM*>(multi_), CURLMOPT_MAX_HOST_CONNECTIONS, static_cast<long>(connections_));
    for (int i = 0; i < connections_; ++i) {
        auto* s = new Slot;
        s->easy = curl_easy_init();
        if (s->easy == nullptr) {
            delete s;
            throw std::runtime_error("curl_easy_init failed");
        }
        slots_.push_back(s);
    }
}

HttpBatch::~HttpBatch() {
    for (auto* s : slots_) {
        if (s->busy) curl_multi_remove_handle(static_cast<CURLM*>(multi_), s->easy);
        curl_easy_cleanup(s->easy);
        curl_slist_free_all(s->headers);
        delete s;
    }
    curl_multi_cleanup(static_cast<CURLM*>(multi_));
}

void HttpBatch::run(std::vector<HttpGet> requests,
                    const std::function<void(const HttpGet&, const HttpReply&, std::vector<HttpGet>& more)>& onReply) {
    auto* multi = static_cast<CURLM*>(multi_);
    std::deque<HttpGet> queue(std::make_move_iterator(requests.begin()), std::make_move_iterator(requests.end()));
    int inFlight = 0;
    auto start = [&](Slot* s, HttpGet r) {
        s->request = std::move(r);
        s->body.clear();
        s->error[0] = '\0';
        curl_slist_free_all(s->headers);
        s->headers = nullptr;
        // Pistache answers a request without this header with Connection: Close (see TOOLING.md).
        s->headers = curl_slist_append(s->headers, "Connection: keep-alive");
        s->headers = curl_slist_append(s->headers, "Accept: application/json");
        if (!s->request.bearer.empty())
            s->headers = curl_slist_append(s->headers, ("Authorization: Bearer " + s->request.bearer).c_str());
        CURL* e = s->easy;
        curl_easy_setopt(e, CURLOPT_URL, s->request.url.c_str());
        curl_easy_setopt(e, CURLOPT_HTTPGET, 1L);
        curl_easy_setopt(e, CURLOPT_HTTPHEADER, s->headers);
        curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, &append);
        curl_easy_setopt(e, CURLOPT_WRITEDATA, &s->body);
        curl_easy_setopt(e, CURLOPT_ERRORBUFFER, s->error);
        curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, static_cast<long>(timeout_.count()));
        curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS, 5000L);
        curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
        curl_easy_setopt(e, CURLOPT_TCP_NODELAY, 1L);
        curl_easy_setopt(e, CURLOPT_PRIVATE, s);
        // https:// only (libcurl ignores these for http://): the harness's --ca-file / --insecure.
        if (!tls_.caFile.empty()) curl_easy_setopt(e, CURLOPT_CAINFO, tls_.caFile.c_str());
        if (tls_.insecure) {
            curl_easy_setopt(e, CURLOPT_SSL_VERIFYPEER, 0L);
            curl_easy_setopt(e, CURLOPT_SSL_VERIFYHOST, 0L);
        }
        s->busy = true;
        curl_multi_add_handle(multi, e);
        ++inFlight;
    };
    auto fill = [&] {
        for (auto* s : slots_) {
            if (queue.empty()) return;
            if (s->busy) continue;
            start(s, std::move(queue.front()));
            queue.pop_front();
        }
    };
    fill();
    while (inFlight > 0) {
        int running = 0;
        curl_multi_perform(multi, &running);
        int left = 0;
        while (CURLMsg* m = curl_multi_info_read(multi, &left)) {
            if (m->msg != CURLMSG_DONE) continue;
            Slot* s = nullptr;
            curl_easy_getinfo(m->easy_handle, CURLINFO_PRIVATE, &s);
            const CURLcode code = m->data.result;
            curl_multi_remove_handle(multi, m->easy_handle);
            s->busy = false;
            --inFlight;
            HttpReply reply;
            if (code == CURLE_OK) {
                curl_easy_getinfo(s->easy, CURLINFO_RESPONSE_CODE, &reply.status);
                reply.body = std::move(s->body);
            } else {
                reply.error = s->error[0] != '\0' ? std::string(s->error) : curl_easy_strerror(code);
            }
            const bool retry = ((reply.status == 0 || reply.status == 503) && s->request.attempt + 1 < kAttempts) ||
                               (reply.status == 429 && s->request.attempt + 1 < kRateLimitedAttempts);
            if (retry) {
                HttpGet again = s->request;
                ++again.attempt;
                if (reply.status == 503) std::this_thread::sleep_for(std::chrono::milliseconds(50));
                if (reply.status == 429) std::this_thread::sleep_for(kRateLimitedPause);
                queue.push_back(std::move(again));
            } else {
                std::vector<HttpGet> more;
                onReply(s->request, reply, more);
                for (auto& r : more) queue.push_back(std::move(r));
            }
        }
        fill();
        if (inFlight > 0) curl_multi_poll(multi, nullptr, 0, 100, nullptr);
    }
}

HttpReply HttpBatch::get(const std::string& url, const std::string& bearer) {
    HttpReply out;
    run({HttpGet{url, bearer, 0, 0, 0}}, [&](const HttpGet&, const HttpReply& r, std::vector<HttpGet>&) { out = r; });
    return out;
}

}  // namespace boxoffice::load
