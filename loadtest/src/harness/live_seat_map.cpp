#include "harness/live_seat_map.hpp"

#include <chrono>

#include <curl/curl.h>
#include <nlohmann/json.hpp>

#include "common/http_response.hpp"

namespace boxoffice::load {
namespace {

char letterOf(std::string_view status) {
    if (status == "AVAILABLE") return 'A';
    if (status == "HELD") return 'H';
    if (status == "SOLD") return 'S';
    return 0;
}

std::size_t onBytes(char* data, std::size_t size, std::size_t n, void* self) {
    static_cast<LiveSeatMap*>(self)->feed(std::string_view(data, size * n));
    return size * n;
}

int onProgress(void* stop, curl_off_t, curl_off_t, curl_off_t, curl_off_t) {
    return static_cast<std::atomic<bool>*>(stop)->load() ? 1 : 0;  // non-zero aborts the transfer
}

}  // namespace

LiveSeatMap::LiveSeatMap(std::string url, const SeatPlan& seats, std::string caFile, bool insecure)
    : url_(std::move(url)),
      seats_(seats),
      caFile_(std::move(caFile)),
      insecure_(insecure),
      letters_(new std::atomic<char>[seats.size()]) {
    for (std::size_t i = 0; i < seats.size(); ++i) letters_[i].store('A', std::memory_order_relaxed);
}

LiveSeatMap::~LiveSeatMap() {
    stop();
}

void LiveSeatMap::start() {
    thread_ = std::thread([this] { run(); });
}

void LiveSeatMap::stop() {
    stop_ = true;
    if (thread_.joinable()) thread_.join();
}

void LiveSeatMap::copyTo(std::string& out) const {
    out.resize(seats_.size());
    for (std::size_t i = 0; i < seats_.size(); ++i) out[i] = letters_[i].load(std::memory_order_relaxed);
}

void LiveSeatMap::apply(std::string_view event, std::string_view data) {
    if (auto held = jsonIntField(data, "HELD")) held_.store(*held, std::memory_order_relaxed);
    if (auto left = jsonIntField(data, "AVAILABLE")) available_.store(*left, std::memory_order_relaxed);
    if (event == "snapshot") {
        const auto statuses = jsonStringField(data, "statuses");
        if (statuses.size() != seats_.size()) return;  // another seating: nothing here can be trusted
        for (std::size_t i = 0; i < statuses.size(); ++i) letters_[i].store(statuses[i], std::memory_order_relaxed);
        ++stats_.snapshots;
        ready_.store(true, std::memory_order_release);
        return;
    }
    if (event != "changes") return;
    const auto j = nlohmann::json::parse(data, nullptr, false);
    if (!j.is_object() || !j.contains("seats") || !j["seats"].is_object()) return;
    for (const auto& [seat, status] : j["seats"].items()) {
        if (!status.is_string()) continue;
        const char letter = letterOf(status.get<std::string>());
        const auto i = seats_.indexOf(seat);
        if (letter == 0 || !i) continue;
        letters_[*i].store(letter, std::memory_order_relaxed);
        ++stats_.seatChanges;
    }
    ++stats_.changes;
}

void LiveSeatMap::feed(std::string_view bytes) {
    stats_.bytes += static_cast<long long>(bytes.size());
    pending_.append(bytes);
    // Events end with a blank line; fields are "name: value" lines; comments (": ping") start with ':'.
    for (std::size_t end; (end = pending_.find("\n\n")) != std::string::npos;) {
        std::string_view block(pending_.data(), end);
        std::string_view event = "message", id;
        std::string data;  // several data: lines are joined with '\n'
        bool anyData = false;
        while (!block.empty()) {
            const auto nl = block.find('\n');
            std::string_view line = block.substr(0, nl);
            block = nl == std::string_view::npos ? std::string_view{} : block.substr(nl + 1);
            if (line.empty() || line.front() == ':') continue;
            const auto colon = line.find(':');
            std::string_view name = line.substr(0, colon);
            std::string_view value = colon == std::string_view::npos ? std::string_view{} : line.substr(colon + 1);
            if (!value.empty() && value.front() == ' ') value.remove_prefix(1);
            if (name == "event") {
                event = value;
            } else if (name == "id") {
                id = value;
            } else if (name == "data") {
                if (anyData) data.push_back('\n');
                data.append(value);
                anyData = true;
            }
        }
        if (!id.empty()) lastEventId_.assign(id);
        if (anyData) apply(event, data);
        pending_.erase(0, end + 2);
    }
}

void LiveSeatMap::run() {
    CURL* curl = curl_easy_init();
    if (curl == nullptr) return;
    bool first = true;
    while (!stop_) {
        if (!first) ++stats_.reconnects;
        first = false;
        pending_.clear();
        curl_slist* headers = curl_slist_append(nullptr, "Accept: text/event-stream");
        const std::string resume = "Last-Event-ID: " + lastEventId_;
        if (!lastEventId_.empty()) headers = curl_slist_append(headers, resume.c_str());
        curl_easy_setopt(curl, CURLOPT_URL, url_.c_str());
        curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
        curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, onBytes);
        curl_easy_setopt(curl, CURLOPT_WRITEDATA, this);
        curl_easy_setopt(curl, CURLOPT_NOPROGRESS, 0L);
        curl_easy_setopt(curl, CURLOPT_XFERINFOFUNCTION, onProgress);
        curl_easy_setopt(curl, CURLOPT_XFERINFODATA, &stop_);
        curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS, 5000L);
        curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
        if (!caFile_.empty()) curl_easy_setopt(curl, CURLOPT_CAINFO, caFile_.c_str());
        if (insecure_) {
            curl_easy_setopt(curl, CURLOPT_SSL_VERIFYPEER, 0L);
            curl_easy_setopt(curl, CURLOPT_SSL_VERIFYHOST, 0L);
        }
        curl_easy_perform(curl);  // until the stream ends, fails or stop() aborts it
        curl_slist_free_all(headers);
        if (!stop_) std::this_thread::sleep_for(std::chrono::milliseconds(200));
    }
    curl_easy_cleanup(curl);
}

}  // namespace boxoffice::load
