#include "auth/jwks_source.hpp"

#include <fstream>
#include <sstream>
#include <utility>

#include "messaging/curl_http.hpp"
#include "util/log.hpp"
#include "util/redact.hpp"

namespace boxoffice::auth {
namespace {

constexpr std::size_t kMaxJwksBytes = 1024 * 1024;

Error loadError(std::string message) {
    return Error::of(ErrorCode::DependencyUnavailable, message, message);
}

}  // namespace

JwksSource::JwksSource(std::string name, std::function<Result<std::string>()> load, JwksSourceSettings settings)
    : name_(std::move(name)), load_(std::move(load)), settings_(settings) {
    reload();
    thread_ = std::thread([this] { run(); });
}

JwksSource::~JwksSource() {
    {
        std::lock_guard lock(mu_);
        stopping_ = true;
    }
    wake_.notify_all();
    if (thread_.joinable()) thread_.join();
}

std::shared_ptr<const JwkSet> JwksSource::current() const {
    std::lock_guard lock(mu_);
    return current_;
}

long JwksSource::loads() const {
    std::lock_guard lock(mu_);
    return loads_;
}

void JwksSource::requestRefresh() {
    {
        std::lock_guard lock(mu_);
        if (refreshWanted_ || std::chrono::steady_clock::now() - lastAttempt_ < settings_.minRefreshInterval) return;
        refreshWanted_ = true;
    }
    wake_.notify_all();
}

void JwksSource::reload() {
    {
        std::lock_guard lock(mu_);
        lastAttempt_ = std::chrono::steady_clock::now();
        ++loads_;
    }
    Result<std::shared_ptr<const JwkSet>> set = Error{};
    try {
        auto text = load_();
        set = text ? JwkSet::parse(*text) : Result<std::shared_ptr<const JwkSet>>(std::move(text).error());
    } catch (const std::exception& e) {
        set = loadError(e.what());
    }
    if (!set) {
        // A URL may carry credentials (a query token, user:pass@): logs only ever see it redacted.
        log::warn("JWKS reload failed; keeping the last key set",
                  {{"source", util::redactSecrets(name_)}, {"error", util::redactSecrets(set.error().internal)}});
        return;
    }
    const auto& fresh = *set;
    if (fresh->skipped() > 0)
        log::warn("JWKS keys skipped (not RS256/ES256 signing keys)",
                  {{"source", util::redactSecrets(name_)}, {"skipped", fresh->skipped()}});
    std::lock_guard lock(mu_);
    current_ = fresh;
}

void JwksSource::run() {
    std::unique_lock lock(mu_);
    while (!stopping_) {
        const auto next = lastAttempt_ + settings_.refreshInterval;
        wake_.wait_until(lock, next, [this] { return stopping_ || refreshWanted_; });
        if (stopping_) break;
        const bool due = refreshWanted_ || std::chrono::steady_clock::now() >= lastAttempt_ + settings_.refreshInterval;
        if (!due) continue;
        refreshWanted_ = false;
        lock.unlock();
        reload();
        lock.lock();
    }
}

std::function<Result<std::string>()> jwksFromFile(std::string path) {
    return [path = std::move(path)]() -> Result<std::string> {
        std::ifstream in(path, std::ios::binary);
        if (!in) return loadError("cannot read JWKS file " + path);
        std::ostringstream text;
        text << in.rdbuf();
        if (text.str().size() > kMaxJwksBytes) return loadError("JWKS file " + path + " is over 1 MiB");
        return text.str();
    };
}

std::function<Result<std::string>()> jwksFromUrl(std::string url, std::chrono::milliseconds timeout) {
    return [url = std::move(url), timeout]() -> Result<std::string> {
        messaging::HttpRequest request;
        request.url = url;
        request.headers = {"Accept: application/json"};
        request.connectTimeout = std::min(timeout, std::chrono::milliseconds(2'000));
        request.timeout = timeout;
        auto response = messaging::perform(request);
        if (response.status == 0)
            return loadError("JWKS fetch from " + url +
                             " failed: " + (response.timedOut ? "deadline exceeded" : response.transportError));
        if (response.status != 200)
            return loadError("JWKS fetch from " + url + " answered " + std::to_string(response.status));
        if (response.body.size() > kMaxJwksBytes) return loadError("JWKS from " + url + " is over 1 MiB");
        return std::move(response.body);
    };
}

}  // namespace boxoffice::auth
