// The token verifier with its key set from a JWKS URL (a local tiny HTTP server): the background
// refresh on an unknown `kid`, at most once per interval; a slow or broken endpoint that never holds a
// request and keeps the last keys; an endpoint down at start.
#include <atomic>
#include <chrono>
#include <functional>
#include <mutex>
#include <string>
#include <thread>

#include "oidc/oidc_fixtures.hpp"
#include "support/tiny_http_server.hpp"

namespace boxoffice::testing {
namespace {

using auth::JwksSource;
using auth::JwtVerifier;

// A JWKS endpoint that serves what the test says, counts its requests and can be slow.
class JwksEndpoint {
public:
    JwksEndpoint()
        : server_([this](const TinyRequest& req) {
              ++requests_;
              if (slow_) std::this_thread::sleep_for(1500ms);
              std::lock_guard lock(mu_);
              if (req.target != "/.well-known/jwks.json") return TinyResponse{404, "text/plain", "no"};
              return TinyResponse{status_, "application/json", body_};
          }) {}
    void serve(const std::string& body, int status = 200) {
        std::lock_guard lock(mu_);
        body_ = body;
        status_ = status;
    }
    std::string url() const { return server_.url() + "/.well-known/jwks.json"; }
    int requests() const { return requests_; }
    std::atomic<bool> slow_{false};

private:
    std::mutex mu_;
    std::string body_;
    int status_ = 200;
    std::atomic<int> requests_{0};
    TinyHttpServer server_;
};

bool waitFor(const std::function<bool()>& condition, std::chrono::milliseconds limit = 10s) {
    const auto deadline = std::chrono::steady_clock::now() + limit;
    while (std::chrono::steady_clock::now() < deadline) {
        if (condition()) return true;
        std::this_thread::sleep_for(20ms);
    }
    return condition();
}

TEST_F(OidcVerifier, AnUnknownKidRefreshesTheUrlInTheBackgroundAtMostOncePerInterval) {
    JwksEndpoint idp;
    idp.serve(readFile(jwksPath()));
    // A minimum interval long enough that a loaded machine's scheduling cannot blur it.
    JwksSource source(idp.url(), auth::jwksFromUrl(idp.url(), 2s), auth::JwksSourceSettings{1h, 3s});
    ASSERT_NE(source.current(), nullptr);
    EXPECT_EQ(idp.requests(), 1);
    JwtVerifier v(nullptr, &source, providerRules(), clock_);
    EXPECT_TRUE(v.verify(token("rs256_valid")).ok());

    // The provider rotates in rsa-2. The first token signed with it is refused at once...
    idp.serve(readFile(jwksPath("jwks-rotated.json")));
    std::this_thread::sleep_for(3100ms);  // past the minimum interval since the start-up load
    auto first = v.verify(token("unknown_kid"));
    ASSERT_FALSE(first.ok());
    EXPECT_EQ(first.error().detail, "unknown signing key");
    // ...and the reload it asked for brings the new key in, without a request waiting for it.
    ASSERT_TRUE(waitFor([&] { return v.verify(token("unknown_kid")).ok(); }));
    EXPECT_EQ(v.verify(token("unknown_kid")).value().userId, "fan-rotated");
    EXPECT_EQ(idp.requests(), 2);
    EXPECT_EQ(source.loads(), 2);

    // A flood of tokens naming a kid nobody has: no reload within the minimum interval...
    for (int i = 0; i < 200; ++i) EXPECT_FALSE(v.verify(token("unknown_kid_2")).ok());
    std::this_thread::sleep_for(300ms);
    EXPECT_EQ(idp.requests(), 2);
    // ...and one once it has passed, while such tokens keep coming (as a client's retries do: a
    // request inside the interval is ignored, not remembered).
    std::this_thread::sleep_for(2900ms);
    ASSERT_TRUE(waitFor([&] {
        EXPECT_FALSE(v.verify(token("unknown_kid_2")).ok());
        return source.loads() == 3;
    }));
    std::this_thread::sleep_for(300ms);
    EXPECT_EQ(idp.requests(), 3);
}

TEST_F(OidcVerifier, ASlowOrBrokenEndpointNeverHoldsARequestAndKeepsTheLastKeys) {
    JwksEndpoint idp;
    idp.serve(readFile(jwksPath()));
    JwksSource source(idp.url(), auth::jwksFromUrl(idp.url(), 3s), auth::JwksSourceSettings{1h, 200ms});
    JwtVerifier v(nullptr, &source, providerRules(), clock_);
    std::this_thread::sleep_for(300ms);

    idp.slow_ = true;  // each fetch now takes 1.5 s
    const auto started = std::chrono::steady_clock::now();
    EXPECT_FALSE(v.verify(token("unknown_kid")).ok());
    EXPECT_TRUE(v.verify(token("rs256_valid")).ok());  // while the reload hangs on the endpoint
    EXPECT_LT(std::chrono::steady_clock::now() - started, 500ms);
    ASSERT_TRUE(waitFor([&] { return source.loads() == 2; }));

    // A reload that fails (500, then garbage) keeps the keys that worked.
    idp.slow_ = false;
    std::this_thread::sleep_for(1700ms);
    idp.serve("oops", 500);
    std::this_thread::sleep_for(300ms);
    EXPECT_FALSE(v.verify(token("unknown_kid")).ok());
    ASSERT_TRUE(waitFor([&] { return source.loads() == 3; }));
    idp.serve("{\"keys\": 7}");
    std::this_thread::sleep_for(300ms);
    EXPECT_FALSE(v.verify(token("unknown_kid")).ok());
    ASSERT_TRUE(waitFor([&] { return source.loads() == 4; }));
    EXPECT_TRUE(v.verify(token("es256_valid")).ok());
}

TEST_F(OidcVerifier, AnEndpointDownAtStartRefusesTokensUntilItAnswers) {
    JwksEndpoint idp;
    idp.serve("", 503);
    JwksSource source(idp.url(), auth::jwksFromUrl(idp.url(), 2s), auth::JwksSourceSettings{1h, 200ms});
    EXPECT_EQ(source.current(), nullptr);
    JwtVerifier v(nullptr, &source, providerRules(), clock_);
    auto r = v.verify(token("rs256_valid"));
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().detail, "signing keys not loaded yet");
    idp.serve(readFile(jwksPath()));
    std::this_thread::sleep_for(250ms);
    EXPECT_TRUE(waitFor([&] { return v.verify(token("rs256_valid")).ok(); }));
}

}  // namespace
}  // namespace boxoffice::testing
