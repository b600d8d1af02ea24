// The running service with the provider's key set configured: accepting and refusing the tokens
// npm `jose` made on its routes, and a JWKS-only service refusing every HS256 token.
#include <string>
#include <vector>

#include "oidc/oidc_fixtures.hpp"
#include "support/problem_assertions.hpp"

namespace boxoffice::testing {
namespace {

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
