#pragma once
// Test-side SQS calls against moto (signed with the test user's keys through the service's own
// libcurl client): create queues, drain them.
#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace boxoffice::testing {

struct ReceivedMessage {
    std::string messageId;
    std::string body;
    std::map<std::string, std::string> attributes;  // String message attributes
    std::string groupId;                            // FIFO: MessageGroupId
    std::string dedupId;                            // FIFO: MessageDeduplicationId
};

class SqsTestClient {
public:
    /// moto with the test user's keys from TestEnv.
    SqsTestClient();
    SqsTestClient(std::string endpoint, std::string key, std::string secret);

    /// A fresh queue with a unique name (FIFO when `fifo`); returns its URL.
    std::string createQueue(const std::string& prefix, bool fifo);
    /// Receives (and deletes) until `expected` messages arrived or `timeout` passed with nothing new.
    std::vector<ReceivedMessage> drain(const std::string& queueUrl, std::size_t expected,
                                       std::chrono::milliseconds quiet = std::chrono::milliseconds(3000));
    /// Calls one SQS JSON action; returns {status, body}.
    std::pair<long, nlohmann::json> call(const std::string& action, const nlohmann::json& body);

private:
    std::string endpoint_, key_, secret_;
};

}  // namespace boxoffice::testing
