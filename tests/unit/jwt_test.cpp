#include "auth/jwt.hpp"

#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <nlohmann/json.hpp>
#include <string>

#include "util/sha256.hpp"

namespace boxoffice::auth {
namespace {

using std::chrono::seconds;

constexpr const char* kSecret = "unit-test-secret-0123456789abcdef";
constexpr EpochMs kNow = 1'718'000'000'000;  // 2024-06-10T06:13:20Z
constexpr std::int64_t kNowSec = kNow / 1000;

class FakeClock final : public Clock {
public:
    explicit FakeClock(EpochMs now) : now_(now) {}
    EpochMs nowMs() const override { return now_; }
    void set(EpochMs now) { now_ = now; }
    void advance(seconds by) { now_ += by.count() * 1000; }

private:
    EpochMs now_;
};

std::string b64(std::string_view s) {
    return util::base64UrlEncode(s);
}

std::string hmac(const EVP_MD* md, std::string_view key, std::string_view data) {
    unsigned char mac[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    HMAC(md, key.data(), static_cast<int>(key.size()), reinterpret_cast<const unsigned char*>(data.data()), data.size(),
         mac, &len);
    return std::string(reinterpret_cast<const char*>(mac), len);
}

// Builds a token by hand so tests can sign claims and headers the codec itself would never mint.
std::string craft(const std::string& header, const std::string& payload, std::string_view secret = kSecret,
                  const EVP_MD* md = EVP_sha256()) {
    const std::string input = b64(header) + "." + b64(payload);
    return input + "." + b64(hmac(md, secret, input));
}

std::string hs256Header() {
    return R"({"alg":"HS256","typ":"JWT"})";
}

nlohmann::json validClaims() {
    return {{"sub", "user-42"}, {"role", "user"}, {"iat", kNowSec}, {"nbf", kNowSec}, {"exp", kNowSec + 3600}};
}

std::string craftClaims(const nlohmann::json& claims) {
    return craft(hs256Header(), claims.dump());
}

class JwtTest : public ::testing::Test {
protected:
    FakeClock clock_{kNow};
    JwtCodec codec_{kSecret, clock_, seconds{30}};

    void expectRejected(std::string_view token, const std::string& detail) {
        const auto r = codec_.verify(token);
        ASSERT_FALSE(r.ok()) << "accepted: " << detail;
        EXPECT_EQ(r.error().code, ErrorCode::Unauthenticated);
        EXPECT_EQ(r.error().detail, detail);
    }
};

TEST_F(JwtTest, MintVerifyRoundTripUser) {
    const auto token = codec_.mint({"user-42", Role::User, seconds{600}});
    const auto r = codec_.verify(token);
    ASSERT_TRUE(r.ok()) << r.error().detail;
    EXPECT_EQ(r->userId, "user-42");
    EXPECT_EQ(r->role, Role::User);
    EXPECT_FALSE(r->isAdmin());
}

TEST_F(JwtTest, MintVerifyRoundTripAdmin) {
    const auto token = codec_.mint({"ops-1", Role::Admin, seconds{600}});
    const auto r = codec_.verify(token);
    ASSERT_TRUE(r.ok()) << r.error().detail;
    EXPECT_EQ(r->userId, "ops-1");
    EXPECT_TRUE(r->isAdmin());
}

TEST_F(JwtTest, MintedTokenHasExpectedHeaderAndClaims) {
    const auto token = codec_.mint({"user-42", Role::Admin, seconds{600}});
    const auto dot1 = token.find('.');
    const auto dot2 = token.find('.', dot1 + 1);
    ASSERT_NE(dot2, std::string::npos);
    std::string header;
    std::string payload;
    ASSERT_TRUE(util::base64UrlDecode(token.substr(0, dot1), header));
    ASSERT_TRUE(util::base64UrlDecode(token.substr(dot1 + 1, dot2 - dot1 - 1), payload));
    EXPECT_EQ(nlohmann::json::parse(header), nlohmann::json::parse(hs256Header()));
    const auto claims = nlohmann::json::parse(payload);
    EXPECT_EQ(claims.at("sub"), "user-42");
    EXPECT_EQ(claims.at("role"), "admin");
    EXPECT_EQ(claims.at("iat"), kNowSec);
    EXPECT_EQ(claims.at("nbf"), kNowSec);
    EXPECT_EQ(claims.at("exp"), kNowSec + 600);
    ASSERT_TRUE(claims.at("jti").is_string());
    EXPECT_FALSE(claims.at("jti").get<std::string>().empty());
}

TEST_F(JwtTest, EachMintHasAFreshJti) {
    const auto a = codec_.mint({"u", Role::User, seconds{60}});
    const auto b = codec_.mint({"u", Role::User, seconds{60}});
    EXPECT_NE(a, b);
}

TEST_F(JwtTest, HandCraftedHs256TokenVerifies) {
    // Guards the helpers below: a rejection in later tests must come from the claim under test.
    const auto r = codec_.verify(craftClaims(validClaims()));
    ASSERT_TRUE(r.ok()) << r.error().detail;
    EXPECT_EQ(r->userId, "user-42");
}

TEST_F(JwtTest, RejectsAlgNone) {
    const std::string payload = validClaims().dump();
    expectRejected(b64(R"({"alg":"none","typ":"JWT"})") + "." + b64(payload) + ".", "unsupported algorithm");
    expectRejected(b64(R"({"alg":"None"})") + "." + b64(payload) + ".", "unsupported algorithm");
    // Even with a valid HS256 signature attached, the header must say HS256.
    expectRejected(craft(R"({"alg":"none","typ":"JWT"})", payload), "unsupported algorithm");
}

TEST_F(JwtTest, RejectsHs512EvenWithTheRightKey) {
    expectRejected(craft(R"({"alg":"HS512","typ":"JWT"})", validClaims().dump(), kSecret, EVP_sha512()),
                   "unsupported algorithm");
}

TEST_F(JwtTest, RejectsRs256) {
    // The key-confusion attack: an "RS256" token MACed with the shared secret.
    expectRejected(craft(R"({"alg":"RS256","typ":"JWT"})", validClaims().dump()), "unsupported algorithm");
}

TEST_F(JwtTest, RejectsMissingOrNonStringAlg) {
    expectRejected(craft(R"({"typ":"JWT"})", validClaims().dump()), "unsupported algorithm");
    expectRejected(craft(R"({"alg":256})", validClaims().dump()), "unsupported algorithm");
    expectRejected(craft(R"({"alg":"hs256"})", validClaims().dump()), "unsupported algorithm");
}

TEST_F(JwtTest, TypIsOptionalButMustBeJwt) {
    EXPECT_TRUE(codec_.verify(craft(R"({"alg":"HS256"})", validClaims().dump())).ok());
    expectRejected(craft(R"({"alg":"HS256","typ":"JWE"})", validClaims().dump()), "unsupported token type");
}

TEST_F(JwtTest, RejectsTamperedPayload) {
    const auto token = codec_.mint({"user-42", Role::User, seconds{600}});
    const auto dot1 = token.find('.');
    const auto dot2 = token.rfind('.');
    auto claims = validClaims();
    claims["role"] = "admin";
    const std::string forged = token.substr(0, dot1) + "." + b64(claims.dump()) + token.substr(dot2);
    expectRejected(forged, "bad signature");
}

TEST_F(JwtTest, RejectsTamperedSignature) {
    auto token = codec_.mint({"user-42", Role::User, seconds{600}});
    // Change the first signature character: the last one may only carry padding bits.
    const auto sigStart = token.rfind('.') + 1;
    token[sigStart] = token[sigStart] == 'A' ? 'B' : 'A';
    expectRejected(token, "bad signature");
}

TEST_F(JwtTest, RejectsTruncatedOrEmptySignature) {
    const auto token = craftClaims(validClaims());
    // 43 - 3 = 40 characters: still well-formed base64url, just 30 bytes instead of 32.
    expectRejected(token.substr(0, token.size() - 3), "bad signature");
    expectRejected(token.substr(0, token.rfind('.') + 1), "bad signature");
}

TEST_F(JwtTest, RejectsWrongSecret) {
    JwtCodec other{"another-secret", clock_};
    expectRejected(other.mint({"user-42", Role::Admin, seconds{600}}), "bad signature");
}

TEST_F(JwtTest, RejectsExpiredTokenAfterLeeway) {
    const auto token = codec_.mint({"user-42", Role::User, seconds{60}});
    clock_.advance(seconds{60 + 29});
    EXPECT_TRUE(codec_.verify(token).ok()) << "inside the 30 s leeway";
    clock_.advance(seconds{1});
    expectRejected(token, "token expired");
    clock_.advance(seconds{86400});
    expectRejected(token, "token expired");
}

TEST_F(JwtTest, ZeroLeewayExpiresExactlyAtExp) {
    JwtCodec strict{kSecret, clock_, seconds{0}};
    const auto token = strict.mint({"user-42", Role::User, seconds{60}});
    clock_.set(kNow + 59'999);
    EXPECT_TRUE(strict.verify(token).ok());
    clock_.set(kNow + 60'000);
    const auto r = strict.verify(token);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().detail, "token expired");
}

TEST_F(JwtTest, RejectsNotBeforeInTheFuture) {
    auto claims = validClaims();
    claims["nbf"] = kNowSec + 120;
    expectRejected(craftClaims(claims), "token not yet valid");
}

TEST_F(JwtTest, NotBeforeWithinLeewayIsAccepted) {
    // Clock skew between the minting host and us must not lock users out for a few seconds.
    auto claims = validClaims();
    claims["nbf"] = kNowSec + 30;
    EXPECT_TRUE(codec_.verify(craftClaims(claims)).ok());
    claims["nbf"] = kNowSec + 31;
    expectRejected(craftClaims(claims), "token not yet valid");
}

TEST_F(JwtTest, NotBeforeIsOptional) {
    auto claims = validClaims();
    claims.erase("nbf");
    EXPECT_TRUE(codec_.verify(craftClaims(claims)).ok());
}

TEST_F(JwtTest, FractionalNumericDatesAreAccepted) {
    auto claims = validClaims();
    claims["exp"] = static_cast<double>(kNowSec) + 100.5;
    claims["nbf"] = static_cast<double>(kNowSec) - 0.25;
    EXPECT_TRUE(codec_.verify(craftClaims(claims)).ok());
    claims["exp"] = static_cast<double>(kNowSec) - 30.5;
    expectRejected(craftClaims(claims), "token expired");
}

TEST_F(JwtTest, RejectsMissingExp) {
    auto claims = validClaims();
    claims.erase("exp");
    expectRejected(craftClaims(claims), "missing expiry");
}

TEST_F(JwtTest, RejectsNonNumericExpAndNbf) {
    auto claims = validClaims();
    claims["exp"] = std::to_string(kNowSec + 3600);
    expectRejected(craftClaims(claims), "invalid expiry");
    claims["exp"] = nullptr;
    expectRejected(craftClaims(claims), "invalid expiry");
    claims["exp"] = true;
    expectRejected(craftClaims(claims), "invalid expiry");

    claims = validClaims();
    claims["nbf"] = "0";
    expectRejected(craftClaims(claims), "invalid not-before");
}

TEST_F(JwtTest, HugeExpDoesNotOverflow) {
    auto claims = validClaims();
    claims["exp"] = 1e300;
    EXPECT_TRUE(codec_.verify(craftClaims(claims)).ok());
    claims["exp"] = -1e300;
    expectRejected(craftClaims(claims), "token expired");
}

TEST_F(JwtTest, RejectsMissingOrEmptySubject) {
    auto claims = validClaims();
    claims.erase("sub");
    expectRejected(craftClaims(claims), "missing subject");
    claims["sub"] = "";
    expectRejected(craftClaims(claims), "missing subject");
    claims["sub"] = 42;
    expectRejected(craftClaims(claims), "missing subject");
}

TEST_F(JwtTest, RejectsOverlongSubject) {
    auto claims = validClaims();
    claims["sub"] = std::string(128, 'u');
    EXPECT_TRUE(codec_.verify(craftClaims(claims)).ok());
    claims["sub"] = std::string(129, 'u');
    expectRejected(craftClaims(claims), "invalid subject");
}

TEST_F(JwtTest, RejectsBadRole) {
    auto claims = validClaims();
    claims["role"] = "root";
    expectRejected(craftClaims(claims), "invalid role");
    claims["role"] = "Admin";
    expectRejected(craftClaims(claims), "invalid role");
    claims["role"] = 1;
    expectRejected(craftClaims(claims), "invalid role");
    claims["role"] = nlohmann::json::array({"admin"});
    expectRejected(craftClaims(claims), "invalid role");
}

TEST_F(JwtTest, MissingRoleMeansUser) {
    auto claims = validClaims();
    claims.erase("role");
    const auto r = codec_.verify(craftClaims(claims));
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(r->role, Role::User);
}

TEST_F(JwtTest, RejectsWrongNumberOfParts) {
    const auto token = codec_.mint({"user-42", Role::User, seconds{600}});
    expectRejected(token.substr(0, token.rfind('.')), "malformed token");
    expectRejected(token + ".e30", "malformed token");
    expectRejected(token + ".", "malformed token");
    expectRejected("", "malformed token");
    expectRejected("abc", "malformed token");
    expectRejected("..", "malformed token");
}

TEST_F(JwtTest, RejectsGarbageBase64) {
    const auto token = codec_.mint({"user-42", Role::User, seconds{600}});
    const auto dot1 = token.find('.');
    const auto dot2 = token.rfind('.');
    expectRejected("!!!!" + token.substr(dot1), "malformed token");
    expectRejected(token.substr(0, dot2) + ".!!!!", "malformed token");
    // Standard-alphabet padding is not base64url.
    expectRejected(token.substr(0, dot2 + 1) + token.substr(dot2 + 1) + "=", "malformed token");
}

TEST_F(JwtTest, RejectsSignedPayloadThatIsNotAJsonObject) {
    expectRejected(craft(hs256Header(), "not json"), "malformed token");
    expectRejected(craft(hs256Header(), "[1,2,3]"), "malformed token");
    expectRejected(craft(hs256Header(), R"({"sub":"a")"), "malformed token");
    expectRejected(craft(hs256Header(), "{\"sub\":\"\xff\xfe\"}"), "malformed token");
    expectRejected(craft("[]", validClaims().dump()), "malformed token");
}

TEST_F(JwtTest, RejectsHugeToken) {
    expectRejected(std::string(8 * 1024 + 1, 'a'), "token too large");
    // Size is checked before anything else, so even a correctly signed token is refused.
    auto claims = validClaims();
    claims["pad"] = std::string(9000, 'x');
    expectRejected(craftClaims(claims), "token too large");
}

TEST_F(JwtTest, DetailsNeverEchoSecretOrToken) {
    const auto token = craft(R"({"alg":"HS256"})", R"({"sub":"secret-user"})");
    const auto r = codec_.verify(token);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().detail.find(kSecret), std::string::npos);
    EXPECT_EQ(r.error().detail.find("secret-user"), std::string::npos);
    EXPECT_EQ(r.error().detail.find(token.substr(0, 10)), std::string::npos);
}

TEST(JwtCodecConstruction, RefusesEmptySecret) {
    FakeClock clock{kNow};
    EXPECT_THROW(JwtCodec("", clock), std::invalid_argument);
}

TEST(JwtRole, ParseAndName) {
    EXPECT_EQ(parseRole("user"), Role::User);
    EXPECT_EQ(parseRole("admin"), Role::Admin);
    EXPECT_EQ(parseRole("ADMIN"), std::nullopt);
    EXPECT_EQ(parseRole(""), std::nullopt);
    EXPECT_EQ(roleName(Role::User), "user");
    EXPECT_EQ(roleName(Role::Admin), "admin");
    EXPECT_EQ(parseRole("staff"), Role::Staff);
    EXPECT_EQ(roleName(Role::Staff), "staff");
}

TEST(JwtRole, AStaffTokenIsStaffButNotAdminAndAnAdminMayDoWhatStaffMay) {
    FakeClock clock{kNow};
    JwtCodec codec("0123456789abcdef0123456789abcdef", clock);
    auto staff = codec.verify(codec.mint({"door-1", Role::Staff, std::chrono::seconds{600}}));
    ASSERT_TRUE(staff.ok()) << staff.error().detail;
    EXPECT_EQ(staff->role, Role::Staff);
    EXPECT_TRUE(staff->isStaff());
    EXPECT_FALSE(staff->isAdmin());
    EXPECT_TRUE((Principal{"a", Role::Admin}.isStaff()));
    EXPECT_FALSE((Principal{"u", Role::User}.isStaff()));
}

}  // namespace
}  // namespace boxoffice::auth
