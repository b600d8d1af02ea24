// The token verifier against tokens, keys and key sets made by npm `jose`, the key set read from a
// file: RS256 / ES256, the claim rules (iss, aud, the role mapping), every forgery the fixtures hold,
// and the token cache over the verifier.
#include <string>

#include "oidc/oidc_fixtures.hpp"

namespace boxoffice::testing {
namespace {

using auth::ClaimRules;
using auth::JwtVerifier;
using auth::Role;

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

}  // namespace
}  // namespace boxoffice::testing
