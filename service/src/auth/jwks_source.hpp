#pragma once
// The identity provider's current key set, kept fresh off the request path: loaded once at start,
// reloaded by a background thread every `refreshInterval`, and sooner when a token names a `kid` the
// set does not have (key rotation), at most once per `minRefreshInterval` however many such tokens
// arrive. A failed reload keeps the last good set. Requests only ever read the current set.
#include <chrono>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "auth/jwks.hpp"
#include "domain/result.hpp"

namespace boxoffice::auth {

struct JwksSourceSettings {
    std::chrono::milliseconds refreshInterval{300'000};
    std::chrono::milliseconds minRefreshInterval{30'000};
};

class JwksSource {
public:
    /// `load` returns the JWKS document (a file's content, a URL's body) or an error naming why not;
    /// it runs on the source's own thread only (and once in the constructor), with its own deadline.
    /// `name` (the file or URL) is for logs.
    JwksSource(std::string name, std::function<Result<std::string>()> load, JwksSourceSettings settings);
    ~JwksSource();
    JwksSource(const JwksSource&) = delete;
    JwksSource& operator=(const JwksSource&) = delete;

    /// The last set that loaded; nullptr until one has.
    std::shared_ptr<const JwkSet> current() const;
    /// Asks the background thread to reload soon; returns at once. Ignored when a reload was
    /// attempted less than minRefreshInterval ago or one is already pending.
    void requestRefresh();
    /// Reloads attempted so far (the one at construction included).
    long loads() const;

private:
    void reload();
    void run();

    const std::string name_;
    const std::function<Result<std::string>()> load_;
    const JwksSourceSettings settings_;
    mutable std::mutex mu_;
    std::condition_variable wake_;
    std::shared_ptr<const JwkSet> current_;
    std::chrono::steady_clock::time_point lastAttempt_{};
    long loads_ = 0;
    bool refreshWanted_ = false;
    bool stopping_ = false;
    std::thread thread_;
};

/// A `load` function for JWKS_FILE: the file's content, or an error naming the file.
std::function<Result<std::string>()> jwksFromFile(std::string path);
/// A `load` function for JWKS_URL: GET with the connect and whole-call deadlines, 200 and a body
/// of at most 1 MiB required.
std::function<Result<std::string>()> jwksFromUrl(std::string url, std::chrono::milliseconds timeout);

}  // namespace boxoffice::auth
