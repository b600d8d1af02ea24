// The Stripe signature scheme (service/src/payments/webhook_signature): pure, with a fixed clock.
// Stripe's own library signs the same cases in tests/payments (stripe.webhooks.generateTestHeaderString).
#include <gtest/gtest.h>

#include "payments/webhook_signature.hpp"
#include "util/hex.hpp"
#include "util/sha256.hpp"

namespace boxoffice::payments {
namespace {

class FixedClock final : public Clock {
public:
    explicit FixedClock(EpochMs now) : now_(now) {}
    EpochMs nowMs() const override { return now_; }
    EpochMs now_;
};

constexpr long long kNow = 1'767'225'600;  // 2026-01-01T00:00:00Z
const std::string kBody = R"({"id":"evt_1","type":"payment_intent.succeeded"})";

std::string v1(const std::string& secret, long long t, const std::string& body) {
    const auto mac = util::hmacSha256(secret, std::to_string(t) + "." + body);
    return util::hexLower(mac.data(), mac.size());
}

class WebhookSignatureTest : public ::testing::Test {
protected:
    FixedClock clock_{kNow * 1000};
    WebhookSignature sig_{{"whsec_current", "whsec_previous"}, clock_};
};

TEST_F(WebhookSignatureTest, AcceptsAValidSignatureUnderEitherSecret) {
    EXPECT_TRUE(sig_.verify("t=" + std::to_string(kNow) + ",v1=" + v1("whsec_current", kNow, kBody), kBody));
    EXPECT_TRUE(sig_.verify("t=" + std::to_string(kNow) + ",v1=" + v1("whsec_previous", kNow, kBody), kBody));
    // What sign() writes verifies (the dev provider's callbacks).
    EXPECT_TRUE(sig_.verify(sig_.sign(kBody, kNow), kBody));
    EXPECT_EQ(sig_.sign(kBody, kNow), "t=" + std::to_string(kNow) + ",v1=" + v1("whsec_current", kNow, kBody));
}

TEST_F(WebhookSignatureTest, AcceptsWhenAnyOfSeveralV1ValuesMatches) {
    const std::string t = std::to_string(kNow);
    EXPECT_TRUE(sig_.verify(
        "t=" + t + ",v1=" + v1("whsec_other", kNow, kBody) + ",v1=" + v1("whsec_current", kNow, kBody), kBody));
    EXPECT_TRUE(sig_.verify("t=" + t + ",v0=abc,v1=" + v1("whsec_current", kNow, kBody), kBody)) << "v0 is ignored";
    EXPECT_TRUE(sig_.verify(" t=" + t + " , v1=" + v1("whsec_current", kNow, kBody), kBody)) << "spaces around items";
}

TEST_F(WebhookSignatureTest, RefusesWrongSecretTamperedBodyAndStaleTimestamps) {
    const std::string t = std::to_string(kNow);
    auto wrong = sig_.verify("t=" + t + ",v1=" + v1("whsec_wrong", kNow, kBody), kBody);
    ASSERT_FALSE(wrong);
    EXPECT_EQ(wrong.error().code, ErrorCode::InvalidSignature);
    EXPECT_FALSE(sig_.verify("t=" + t + ",v1=" + v1("whsec_current", kNow, kBody), kBody + " "));
    std::string tampered = kBody;
    tampered[10] = 'X';
    EXPECT_FALSE(sig_.verify("t=" + t + ",v1=" + v1("whsec_current", kNow, kBody), tampered));
    // The timestamp is signed: moving it breaks the signature even within the tolerance.
    EXPECT_FALSE(sig_.verify("t=" + std::to_string(kNow - 1) + ",v1=" + v1("whsec_current", kNow, kBody), kBody));

    // 300 s either way is accepted, 301 s is not.
    for (long long d : {-300LL, 300LL})
        EXPECT_TRUE(sig_.verify("t=" + std::to_string(kNow + d) + ",v1=" + v1("whsec_current", kNow + d, kBody), kBody))
            << d;
    for (long long d : {-301LL, 301LL, -86'400LL}) {
        auto r = sig_.verify("t=" + std::to_string(kNow + d) + ",v1=" + v1("whsec_current", kNow + d, kBody), kBody);
        ASSERT_FALSE(r) << d;
        EXPECT_NE(r.error().detail.find("tolerance"), std::string::npos) << r.error().detail;
    }
}

TEST_F(WebhookSignatureTest, RefusesMalformedHeaders) {
    const std::string good = v1("whsec_current", kNow, kBody), t = std::to_string(kNow);
    for (const std::string& header :
         {std::string(), std::string("garbage"), "v1=" + good, "t=" + t, "t=" + t + ",v1=", "t=abc,v1=" + good,
          "t=-5,v1=" + good, "t=" + t + "x,v1=" + good, "t=" + t + ",t=" + t + ",v1=" + good, "t=" + t + ",=x",
          "t=" + t + ",v1=" + good.substr(0, 63), "t=" + t + ",v1=" + good + "00",
          "t=" + t + ",v1=" + std::string(64, 'z'), "t=99999999999999999999999,v1=" + good, std::string(5000, 'a')}) {
        auto r = sig_.verify(header, kBody);
        ASSERT_FALSE(r) << header;
        EXPECT_EQ(r.error().code, ErrorCode::InvalidSignature) << header;
    }
}

TEST_F(WebhookSignatureTest, CoversTheRawBytes) {
    // A body with bytes JSON would normalise (spacing, escapes, a NUL) must be verified as sent.
    const std::string raw = std::string("{\"a\": \"\\u00e9\",  \"b\":1}\n") + '\0';
    EXPECT_TRUE(sig_.verify("t=" + std::to_string(kNow) + ",v1=" + v1("whsec_current", kNow, raw), raw));
    EXPECT_FALSE(sig_.verify("t=" + std::to_string(kNow) + ",v1=" + v1("whsec_current", kNow, raw),
                             raw.substr(0, raw.size() - 1)));
}

TEST(WebhookSignatureSetup, RefusesNoOrEmptySecrets) {
    FixedClock clock(0);
    EXPECT_THROW(WebhookSignature({}, clock), std::invalid_argument);
    EXPECT_THROW(WebhookSignature({"a", ""}, clock), std::invalid_argument);
}

}  // namespace
}  // namespace boxoffice::payments
