// The AWS credential documents (container and STS answers) and the cache that refreshes them before
// they expire.
#include <gtest/gtest.h>

#include <chrono>
#include <memory>
#include <string>

#include "messaging/aws_credentials.hpp"
#include "unit/messaging/messaging_support.hpp"

namespace boxoffice::messaging {
namespace {

TEST(Credentials, ParsesContainerAndStsDocuments) {
    auto c = parseContainerCredentials(
        R"({"AccessKeyId":"ASIA1","SecretAccessKey":"s","Token":"t","Expiration":"2026-12-01T12:00:00Z"})");
    ASSERT_TRUE(c.ok());
    EXPECT_EQ(c->accessKeyId, "ASIA1");
    EXPECT_EQ(c->sessionToken, "t");
    EXPECT_EQ(c->expiresAt, 1'796'126'400'000);
    EXPECT_FALSE(parseContainerCredentials(R"({"AccessKeyId":"x"})").ok());
    auto s = parseAssumeRoleResponse(
        "<AssumeRoleWithWebIdentityResponse><AssumeRoleWithWebIdentityResult><Credentials>"
        "<SessionToken>tok&amp;en</SessionToken><SecretAccessKey>sec</SecretAccessKey>"
        "<Expiration>2026-12-01T12:00:00Z</Expiration><AccessKeyId>ASIA2</AccessKeyId>"
        "</Credentials></AssumeRoleWithWebIdentityResult></AssumeRoleWithWebIdentityResponse>");
    ASSERT_TRUE(s.ok());
    EXPECT_EQ(s->accessKeyId, "ASIA2");
    EXPECT_EQ(s->sessionToken, "tok&en");
    EXPECT_FALSE(parseAssumeRoleResponse("<ErrorResponse><Code>AccessDenied</Code></ErrorResponse>").ok());
}

class CountingFetcher final : public CredentialsFetcher {
public:
    explicit CountingFetcher(const ManualClock& c) : clock(c) {}
    const ManualClock& clock;
    int calls = 0;
    bool fail = false;
    Result<AwsCredentials> fetch() override {
        ++calls;
        if (fail) return Error{ErrorCode::DependencyUnavailable, "down", {}, {}, "down", {}};
        return AwsCredentials{"K" + std::to_string(calls), "s", "t", clock.now + 3'600'000};
    }
};

TEST(Credentials, CacheRefreshesBeforeExpiryAndRidesOutAFailedRefresh) {
    ManualClock clock;
    auto fetcher = std::make_unique<CountingFetcher>(clock);
    CountingFetcher* f = fetcher.get();
    CredentialsCache cache(std::move(fetcher), clock, std::chrono::minutes(5));
    EXPECT_EQ(cache.get()->accessKeyId, "K1");
    clock.now += 50 * 60'000;  // 10 minutes left: still cached
    EXPECT_EQ(cache.get()->accessKeyId, "K1");
    clock.now += 6 * 60'000;  // 4 minutes left: refreshed
    EXPECT_EQ(cache.get()->accessKeyId, "K2");
    EXPECT_EQ(f->calls, 2);
    clock.now += 56 * 60'000;
    f->fail = true;  // refresh fails, old ones still valid for a few minutes
    EXPECT_EQ(cache.get()->accessKeyId, "K2");
    clock.now += 5 * 60'000;  // expired and no refresh: an error
    EXPECT_FALSE(cache.get().ok());
}

}  // namespace
}  // namespace boxoffice::messaging
