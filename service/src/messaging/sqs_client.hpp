#pragma once
// One signed SQS JSON-protocol call (POST /, X-Amz-Target: AmazonSQS.<Action>), SigV4 by libcurl,
// with the credentials cache and the deadlines of SqsSettings. The publisher and the queue
// reader (tests, the flash-sale harness) both go through it.
#include <chrono>
#include <map>
#include <string>
#include <vector>

#include "messaging/aws_credentials.hpp"
#include "messaging/curl_http.hpp"

namespace boxoffice::messaging {

struct SqsSettings {
    std::string queueUrl;
    std::string endpoint;  // empty: scheme://host of queueUrl
    std::string region;
    std::chrono::milliseconds connectTimeout{2'000};
    std::chrono::milliseconds timeout{5'000};
};

class SqsClient {
public:
    SqsClient(SqsSettings settings, CredentialsCache& credentials);
    /// status 0 with transportError when no answer; `credentialsError` set (and no request made)
    /// when no credentials could be had. Refused credentials are dropped from the cache.
    struct Answer {
        HttpResponse response;
        std::string credentialsError;
    };
    Answer call(const std::string& action, const std::string& jsonBody);
    const SqsSettings& settings() const { return settings_; }

private:
    SqsSettings settings_;
    CredentialsCache& credentials_;
    std::string url_;
    std::string sigv4_;
};

/// A message as a consumer receives it.
struct ReceivedMessage {
    std::string messageId;
    std::string body;
    std::map<std::string, std::string> attributes;  // String message attributes
    std::string groupId;                            // FIFO: MessageGroupId
    std::string dedupId;                            // FIFO: MessageDeduplicationId
};

/// Receives and deletes messages of `client`'s queue until `expected` arrived or nothing new came
/// for `quiet`. Throws std::runtime_error when the queue refuses a call.
std::vector<ReceivedMessage> drainQueue(SqsClient& client, std::size_t expected, std::chrono::milliseconds quiet);

}  // namespace boxoffice::messaging
