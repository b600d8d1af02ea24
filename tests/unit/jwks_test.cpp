// JWKS documents the verifier must refuse, and the verifier's algorithm gate, without network or
// third-party tokens (those are in tests/oidc, signed by npm jose).
#include <gtest/gtest.h>

#include "auth/jwks.hpp"
#include "auth/jwt_verifier.hpp"
#include "util/sha256.hpp"

namespace boxoffice::auth {
namespace {

std::string parseError(const std::string& json) {
    auto r = JwkSet::parse(json);
    return r.ok() ? "" : r.error().detail;
}

TEST(JwkSetParse, RefusesWhatIsNotAKeySetWithARealKey) {
    EXPECT_EQ(parseError("not json"), "JWKS is not a JSON object");
    EXPECT_EQ(parseError("[]"), "JWKS is not a JSON object");
    EXPECT_EQ(parseError(R"({"keys": {}})"), "JWKS has no \"keys\" array");
    EXPECT_EQ(parseError(R"({"keys": []})"), "JWKS has no RS256 or ES256 signing key");
    // A symmetric key, an RSA key too small to trust, and an EC point that is not on P-256.
    EXPECT_EQ(parseError(R"({"keys": [{"kty": "oct", "k": "c2VjcmV0", "kid": "h"}]})"),
              "JWKS has no RS256 or ES256 signing key");
    EXPECT_EQ(parseError(R"({"keys": [{"kty": "RSA", "n": "AQAB", "e": "AQAB", "kid": "tiny"}]})"),
              "JWKS has no RS256 or ES256 signing key");
    const std::string x(32, '\x01'), y(32, '\x02');
    EXPECT_EQ(parseError(R"({"keys": [{"kty": "EC", "crv": "P-256", "x": ")" + util::base64UrlEncode(x) +
                         R"(", "y": ")" + util::base64UrlEncode(y) + R"("}]})"),
              "JWKS has no RS256 or ES256 signing key");
    EXPECT_EQ(parseError(R"({"keys": [7, "x", null, {"kty": 1}, {"kty": "RSA", "n": 5}]})"),
              "JWKS has no RS256 or ES256 signing key");
}

TEST(JwtVerifierGate, RefusesEveryAlgorithmItHasNoKeyFor) {
    SystemClock clock;
    JwtCodec hs256("unit-test-secret-0123456789-0123456789", clock);
    JwtVerifier v(&hs256, nullptr, ClaimRules{}, clock);
    auto header = [](const std::string& json) { return util::base64UrlEncode(json); };
    const std::string claims = util::base64UrlEncode(R"({"sub":"u","exp":99999999999})");
    for (const char* alg : {"none", "None", "RS512", "PS256", "ES384", "EdDSA", "HS512"}) {
        auto r = v.verify(header(std::string(R"({"alg":")") + alg + R"("})") + "." + claims + ".");
        ASSERT_FALSE(r.ok()) << alg;
        EXPECT_EQ(r.error().detail, "unsupported algorithm") << alg;
    }
    EXPECT_EQ(v.verify(header(R"({"alg":"RS256"})") + "." + claims + ".c2ln").error().detail,
              "RS256 tokens are not accepted (no JWKS configured)");
    EXPECT_EQ(v.verify(header(R"({"alg":7})") + "." + claims + ".").error().detail, "unsupported algorithm");
    EXPECT_EQ(v.verify("a.b").error().detail, "malformed token");
    auto minted = v.verify(hs256.mint({"u-1", Role::Admin, std::chrono::seconds(60)}));
    ASSERT_TRUE(minted.ok()) << minted.error().detail;
    EXPECT_EQ(minted.value().role, Role::Admin);
    EXPECT_THROW(JwtVerifier(nullptr, nullptr, ClaimRules{}, clock), std::invalid_argument);
}

}  // namespace
}  // namespace boxoffice::auth
