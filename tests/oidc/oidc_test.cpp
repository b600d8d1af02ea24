// The token verifier against tokens, keys and key sets made by npm `jose` (tests/oidc/make-tokens.mjs,
// run by the ctest fixture oidc.fixtures): RS256 / ES256 from a JWKS file or URL, the claim rules
// (iss, aud, the role mapping), every forgery the fixtures hold, the background refresh on an
// unknown `kid`, and the running service accepting and refusing them on its routes.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <nlohmann/json.hpp>
#include <sstream>
#include <thread>

#include "auth/jwks_source.hpp"
#include "auth/jwt.hpp"
#include "auth/jwt_verifier.hpp"
#include "support/test_app.hpp"
#include "support/tiny_http_server.hpp"

namespace boxoffice::testing {
namespace {

using namespace std::chrono_literals;
using auth::ClaimRules;
using auth::JwksSource;
using auth::JwtVerifier;
using auth::Role;

std::string fixturesDir() {
    const char* dir = std::getenv("BOXOFFICE_OIDC_FIXTURES");
    if (!dir || !*dir)
        throw std::runtime_error("BOXOFFICE_OIDC_FIXTURES is not set (ctest's oidc.fixtures makes them)");
    return dir;
}

std::string readFile(const std::string& path) {
    std::ifstream in(path);
    if (!in) throw std::runtime_error("cannot read " + path);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

const nlohmann::json& fixture(const std::string& name) {
    static std::map<std::string, nlohmann::json> cache;
    static std::mutex mu;
    std::lock_guard lock(mu);
    auto it = cache.find(name);
    if (it == cache.end()) it = cache.emplace(name, nlohmann::json::parse(readFile(fixturesDir() + "/" + name))).first;
    return it->second;
}

std::string token(const std::string& name) {
    const auto& tokens = fixture("tokens.json");
    if (!tokens.contains(name)) throw std::runtime_error("no fixture token " + name);
    return tokens.at(name).get<std::string>();
}

std::string jwksPath(const std::string& name = "jwks.json") {
    return fixturesDir() + "/" + name;
}

ClaimRules providerRules() {
    ClaimRules r;
    r.issuer = fixture("meta.json").at("issuer").get<std::string>();
    r.audiences = {fixture("meta.json").at("audience").get<std::string>()};
    return r;
}

class OidcVerifier : public ::testing::Test {
protected:
    std::unique_ptr<JwksSource> fileSource(const std::string& name = "jwks.json") {
        return std::make_unique<JwksSource>(name, auth::jwksFromFile(jwksPath(name)), auth::JwksSourceSettings{1h, 1h});
    }
    void expectRejected(const JwtVerifier& v, const std::string& name, const std::string& detail) {
        auto r = v.verify(token(name));
        ASSERT_FALSE(r.ok()) << name << " verified as " << r.value().userId;
        EXPECT_EQ(r.error().code, ErrorCode::Unauthenticated) << name;
        EXPECT_EQ(r.error().detail, detail) << name;
    }
    SystemClock clock_;
    auth::JwtCodec hs256_{TestApp::secret(), clock_};
};

TEST_F(OidcVerifier, AcceptsRs256AndEs256TokensFromTheKeySet) {
    auto jwks = fileSource();
    ASSERT_NE(jwks->current(), nullptr);
    EXPECT_EQ(jwks->current()->keys().size(), 2u);
    JwtVerifier v(&hs256_, jwks.get(), providerRules(), clock_);
    struct Case {
        const char* token;
        const char* user;
        Role role;
    };
    for (const Case& c : {Case{"rs256_valid", "fan-1", Role::User}, Case{"es256_valid", "fan-ec", Role::User},
                          Case{"rs256_admin_role", "ops-1", Role::Admin}, Case{"rs256_at_jwt", "fan-at", Role::User},
                          Case{"rs256_no_kid", "fan-nokid", Role::User}, Case{"aud_array", "fan-aud", Role::User},
                          Case{"hs256_valid", "svc-1", Role::Admin}}) {
        EpochMs expiresAt = 0;
        auto p = v.verify(token(c.token), expiresAt);
        ASSERT_TRUE(p.ok()) << c.token << ": " << p.error().detail;
        EXPECT_EQ(p.value().userId, c.user) << c.token;
        EXPECT_EQ(p.value().role, c.role) << c.token;
        // exp is an hour after signing, plus the 30 s leeway.
        EXPECT_GT(expiresAt, clock_.nowMs() + 3'000'000) << c.token;
        EXPECT_LT(expiresAt, clock_.nowMs() + 3'700'000) << c.token;
    }
}

TEST_F(OidcVerifier, RefusesEveryBadTokenWithItsReason) {
    auto jwks = fileSource();
    JwtVerifier v(&hs256_, jwks.get(), providerRules(), clock_);
    expectRejected(v, "expired", "token expired");
    expectRejected(v, "not_yet_valid", "token not yet valid");
    expectRejected(v, "wrong_aud", "wrong audience");
    expectRejected(v, "wrong_aud_array", "wrong audience");
    expectRejected(v, "missing_aud", "missing audience");
    expectRejected(v, "wrong_iss", "wrong issuer");
    expectRejected(v, "missing_iss", "missing issuer");
    expectRejected(v, "missing_sub", "missing subject");
    expectRejected(v, "unknown_kid", "unknown signing key");
    expectRejected(v, "tampered", "bad signature");
    expectRejected(v, "kid_alg_mismatch", "token algorithm does not match its key");
    expectRejected(v, "es256_signed_as_rs256_header", "token algorithm does not match its key");
    expectRejected(v, "hs256_wrong_secret", "bad signature");
    expectRejected(v, "alg_none", "unsupported algorithm");
    expectRejected(v, "alg_none_with_kid", "unsupported algorithm");
}

TEST_F(OidcVerifier, APublicKeyNeverVerifiesAnHs256Token) {
    auto jwks = fileSource();
    // With a shared secret configured, HS256 goes to that secret only: the public key is no secret.
    JwtVerifier withSecret(&hs256_, jwks.get(), providerRules(), clock_);
    expectRejected(withSecret, "alg_confusion_pem", "bad signature");
    expectRejected(withSecret, "alg_confusion_jwk", "bad signature");
    // Without one, HS256 is refused outright.
    JwtVerifier jwksOnly(nullptr, jwks.get(), providerRules(), clock_);
    const std::string off = "HS256 tokens are not accepted (no shared secret configured)";
    expectRejected(jwksOnly, "alg_confusion_pem", off);
    expectRejected(jwksOnly, "alg_confusion_jwk", off);
    expectRejected(jwksOnly, "hs256_valid", off);
    // And the shared-secret-only verifier knows no JWKS algorithm at all.
    JwtVerifier secretOnly(&hs256_, nullptr, providerRules(), clock_);
    expectRejected(secretOnly, "rs256_valid", "RS256 tokens are not accepted (no JWKS configured)");
    expectRejected(secretOnly, "es256_valid", "ES256 tokens are not accepted (no JWKS configured)");
}

TEST_F(OidcVerifier, SymmetricAndForeignKeysInAKeySetAreSkipped) {
    auto jwks = fileSource("jwks-mixed.json");
    ASSERT_NE(jwks->current(), nullptr);
    // rsa-1 is kept; the oct key, the `use: enc` key, the PS256 key and the P-384 key are not.
    ASSERT_EQ(jwks->current()->keys().size(), 1u);
    EXPECT_EQ(jwks->current()->keys()[0].kid, "rsa-1");
    EXPECT_EQ(jwks->current()->skipped(), 4);
    JwtVerifier jwksOnly(nullptr, jwks.get(), providerRules(), clock_);
    expectRejected(jwksOnly, "hs256_jwks_oct", "HS256 tokens are not accepted (no shared secret configured)");
    JwtVerifier withSecret(&hs256_, jwks.get(), providerRules(), clock_);
    expectRejected(withSecret, "hs256_jwks_oct", "bad signature");
    EXPECT_TRUE(jwksOnly.verify(token("rs256_valid")).ok());
}

TEST_F(OidcVerifier, CognitoGroupsMapToTheAdminAndStaffRoles) {
    auto jwks = fileSource();
    ClaimRules cognito = providerRules();
    cognito.roleClaim = "cognito:groups";
    cognito.adminValue = "admin";
    JwtVerifier v(nullptr, jwks.get(), cognito, clock_);
    auto admin = v.verify(token("cognito_admin"));
    ASSERT_TRUE(admin.ok()) << admin.error().detail;
    EXPECT_EQ(admin.value().userId, "cog-admin");
    EXPECT_EQ(admin.value().role, Role::Admin);
    // cognito_user's one group is "staff": door staff under the default staff value
    // (BOXOFFICE_JWT_STAFF_VALUE), an ordinary user under another one.
    auto user = v.verify(token("cognito_user"));
    ASSERT_TRUE(user.ok()) << user.error().detail;
    EXPECT_EQ(user.value().role, Role::Staff);
    ClaimRules doorGroup = cognito;
    doorGroup.staffValue = "door";
    JwtVerifier door(nullptr, jwks.get(), doorGroup, clock_);
    EXPECT_EQ(door.verify(token("cognito_user")).value().role, Role::User);
    // With the default claim (`role`) the groups mean nothing.
    JwtVerifier plain(nullptr, jwks.get(), providerRules(), clock_);
    EXPECT_EQ(plain.verify(token("cognito_admin")).value().role, Role::User);
    // Another admin value: the token's "staff" group; admin wins over staff.
    cognito.adminValue = "staff";
    JwtVerifier staff(nullptr, jwks.get(), cognito, clock_);
    EXPECT_EQ(staff.verify(token("cognito_user")).value().role, Role::Admin);
}

TEST_F(OidcVerifier, IssuerAndAudienceAreCheckedOnlyWhenConfigured) {
    auto jwks = fileSource();
    JwtVerifier open(nullptr, jwks.get(), ClaimRules{}, clock_);
    EXPECT_TRUE(open.verify(token("wrong_aud")).ok());
    EXPECT_TRUE(open.verify(token("missing_iss")).ok());
    ClaimRules several = providerRules();
    several.audiences = {"a", "b"};  // wrong_aud_array holds "a" and "b"
    JwtVerifier any(nullptr, jwks.get(), several, clock_);
    EXPECT_TRUE(any.verify(token("wrong_aud_array")).ok());
    EXPECT_FALSE(any.verify(token("rs256_valid")).ok());
}

TEST_F(OidcVerifier, TheServicesOwnTokensMustNameTheConfiguredIssuerAndAudience) {
    auto jwks = fileSource();
    const ClaimRules rules = providerRules();
    JwtVerifier v(&hs256_, jwks.get(), rules, clock_);
    auto bare = v.verify(hs256_.mint({"u-1", Role::User, 60s}));
    ASSERT_FALSE(bare.ok());
    EXPECT_EQ(bare.error().detail, "missing issuer");
    auto minted = v.verify(hs256_.mint({"u-1", Role::User, 60s}, rules.issuer, rules.audiences[0]));
    ASSERT_TRUE(minted.ok()) << minted.error().detail;
    EXPECT_EQ(minted.value().userId, "u-1");
}

TEST_F(OidcVerifier, MangledTokensAreRefusedNeverThrown) {
    auto jwks = fileSource();
    JwtVerifier v(&hs256_, jwks.get(), providerRules(), clock_);
    const std::string good = token("es256_valid");
    int refused = 0;
    // Every prefix, and every single-character change: each is a 401, never an exception or a pass.
    for (std::size_t n = 0; n < good.size(); n += 7) {
        EXPECT_FALSE(v.verify(good.substr(0, n)).ok());
        ++refused;
    }
    for (std::size_t i = 0; i < good.size(); i += 3) {
        std::string bad = good;
        bad[i] = bad[i] == 'A' ? 'B' : 'A';
        auto r = v.verify(bad);
        // Base64url's last character may carry unused bits: a change there can decode to the same bytes.
        if (r.ok()) {
            EXPECT_EQ(i, good.size() - 1) << "a changed character verified at " << i;
            continue;
        }
        EXPECT_EQ(r.error().code, ErrorCode::Unauthenticated);
        ++refused;
    }
    EXPECT_GT(refused, 100);
}

TEST_F(OidcVerifier, TheTokenCacheWorksOverTheVerifier) {
    auto jwks = fileSource();
    JwtVerifier v(nullptr, jwks.get(), providerRules(), clock_);
    auth::VerifiedTokenCache cache(v, clock_);
    for (int i = 0; i < 3; ++i) {
        auto p = cache.verify(token("es256_valid"));
        ASSERT_TRUE(p.ok());
        EXPECT_EQ(p.value().userId, "fan-ec");
        EXPECT_FALSE(cache.verify(token("tampered")).ok());
    }
}

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

void expectProblem(const HttpResult& r, int status, const std::string& code) {
    EXPECT_EQ(r.status, status) << r.body;
    EXPECT_EQ(r.header("content-type"), "application/problem+json") << r.body;
    auto j = nlohmann::json::parse(r.body, nullptr, false);
    ASSERT_FALSE(j.is_discarded()) << r.body;
    EXPECT_EQ(j.value("code", ""), code) << r.body;
}

std::vector<std::string> bearer(const std::string& t) {
    return {"Authorization: Bearer " + t};
}

TEST(OidcService, AcceptsProviderTokensOnUserRoutesAndRefusesBadOnesWith401) {
    TestApp app(Backend::Sqlite, [](app::Config& c) {
        c.auth.jwksFile = jwksPath();
        c.auth.issuer = providerRules().issuer;
        c.auth.audiences = providerRules().audiences;
        c.auth.roleClaim = "cognito:groups";
    });
    auto c = app.client();
    auto mine = c.get("/v1/me/orders", bearer(token("rs256_valid")));
    EXPECT_EQ(mine.status, 200) << mine.body;
    EXPECT_EQ(c.get("/v1/me/orders", bearer(token("es256_valid"))).status, 200);
    for (const char* bad : {"tampered", "expired", "wrong_aud", "wrong_iss", "unknown_kid", "alg_none",
                            "alg_confusion_pem", "kid_alg_mismatch"}) {
        SCOPED_TRACE(bad);
        expectProblem(c.get("/v1/me/orders", bearer(token(bad))), 401, "UNAUTHENTICATED");
    }
    auto detail = c.get("/v1/me/orders", bearer(token("wrong_aud"))).json();
    EXPECT_EQ(detail.value("detail", ""), "wrong audience");
    // The test app's HS256 secret is configured too, but its tokens carry no iss/aud.
    auto own = c.get("/v1/me/orders", bearer(app.userToken()));
    expectProblem(own, 401, "UNAUTHENTICATED");
    EXPECT_EQ(own.json().value("detail", ""), "missing issuer");
    // The role comes from the Cognito groups: an admin route lets the admin through to validation.
    const nlohmann::json venue = nlohmann::json::object();
    auto asAdmin = c.request("POST", "/v1/venues", venue.dump(),
                             {"Content-Type: application/json", "Authorization: Bearer " + token("cognito_admin")});
    EXPECT_EQ(asAdmin.status, 422) << asAdmin.body;
    auto asUser = c.request("POST", "/v1/venues", venue.dump(),
                            {"Content-Type: application/json", "Authorization: Bearer " + token("cognito_user")});
    expectProblem(asUser, 403, "FORBIDDEN");
}

TEST(OidcService, AJwksOnlyServiceRefusesEveryHs256Token) {
    TestApp app(Backend::Sqlite, [](app::Config& c) {
        c.jwtSecret.clear();
        c.auth.jwksFile = jwksPath();
        c.auth.audiences = providerRules().audiences;
    });
    auto c = app.client();
    EXPECT_EQ(c.get("/v1/me/orders", bearer(token("rs256_valid"))).status, 200);
    auto hs = c.get("/v1/me/orders", bearer(token("hs256_valid")));
    expectProblem(hs, 401, "UNAUTHENTICATED");
    EXPECT_EQ(hs.json().value("detail", ""), "HS256 tokens are not accepted (no shared secret configured)");
}

}  // namespace
}  // namespace boxoffice::testing
