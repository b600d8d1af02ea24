#pragma once
// AWS credentials the way an operator expects them to be found: static keys in the environment,
// EKS IRSA (a projected web identity token exchanged at STS), or the ECS task-role endpoint.
// Temporary credentials are cached and refreshed before they expire.
#include <chrono>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "domain/clock.hpp"
#include "domain/result.hpp"

namespace boxoffice::messaging {

struct AwsCredentials {
    std::string accessKeyId;
    std::string secretAccessKey;
    std::string sessionToken;  // empty for long-lived keys
    EpochMs expiresAt = 0;     // 0: does not expire
};

/// Where credentials come from, as read (and validated) by app::Config from the standard AWS_*
/// variables.
struct AwsCredentialSettings {
    // AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN
    std::string accessKeyId;
    std::string secretAccessKey;
    std::string sessionToken;
    // AWS_WEB_IDENTITY_TOKEN_FILE, AWS_ROLE_ARN, AWS_ROLE_SESSION_NAME (EKS IRSA)
    std::string webIdentityTokenFile;
    std::string roleArn;
    std::string roleSessionName = "boxoffice-relay";
    std::string stsEndpoint;  // empty: https://sts.REGION.amazonaws.com
    // AWS_CONTAINER_CREDENTIALS_RELATIVE_URI (on 169.254.170.2) or _FULL_URI with
    // AWS_CONTAINER_AUTHORIZATION_TOKEN / AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE (ECS, EKS Pod Identity)
    std::string containerRelativeUri;
    std::string containerFullUri;
    std::string containerAuthToken;
    std::string containerAuthTokenFile;

    std::string region;
    std::chrono::milliseconds connectTimeout{2'000};
    std::chrono::milliseconds timeout{5'000};
};

/// Which source the chain picks: static keys first, then web identity, then the container
/// endpoint (the AWS SDKs' order). Empty when none is configured.
enum class CredentialSource { None, Static, WebIdentity, Container };
CredentialSource pickSource(const AwsCredentialSettings& s);
const char* sourceName(CredentialSource s);

/// One fetch from one source, without caching. Errors are DependencyUnavailable/DependencyTimeout
/// with the reason in `internal` (never the secret).
class CredentialsFetcher {
public:
    virtual ~CredentialsFetcher() = default;
    virtual Result<AwsCredentials> fetch() = 0;
};

std::unique_ptr<CredentialsFetcher> makeFetcher(const AwsCredentialSettings& settings);

/// Thread-safe cache in front of a fetcher: fetches again when the credentials are within
/// `refreshAhead` of their expiry (or past half their remaining life when that is shorter), and
/// keeps serving still-valid credentials when a refresh fails.
class CredentialsCache {
public:
    CredentialsCache(std::unique_ptr<CredentialsFetcher> fetcher, const Clock& clock,
                     std::chrono::milliseconds refreshAhead = std::chrono::minutes(5));
    Result<AwsCredentials> get();
    /// Forgets the cached credentials (after the service refused them).
    void invalidate();

private:
    std::unique_ptr<CredentialsFetcher> fetcher_;
    const Clock& clock_;
    std::chrono::milliseconds refreshAhead_;
    std::mutex mu_;
    std::optional<AwsCredentials> cached_;
    EpochMs refreshAt_ = 0;
};

/// Parses the ECS credentials endpoint's JSON ({AccessKeyId, SecretAccessKey, Token, Expiration}).
Result<AwsCredentials> parseContainerCredentials(const std::string& body);
/// Parses STS AssumeRoleWithWebIdentity's XML response.
Result<AwsCredentials> parseAssumeRoleResponse(const std::string& body);

}  // namespace boxoffice::messaging
