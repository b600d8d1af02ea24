#pragma once
// Test-side SQS against moto, signed with the test user's keys through the service's own client:
// create queues, drain them.
#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "messaging/sqs_client.hpp"

namespace boxoffice::testing {

using messaging::ReceivedMessage;

class SqsTestClient {
public:
    /// moto with the test user's keys from TestEnv.
    SqsTestClient();

    /// A fresh queue with a unique name (FIFO when `fifo`); returns its URL.
    std::string createQueue(const std::string& prefix, bool fifo);
    /// Receives (and deletes) until `expected` messages arrived or nothing new came for `quiet`.
    std::vector<ReceivedMessage> drain(const std::string& queueUrl, std::size_t expected,
                                       std::chrono::milliseconds quiet = std::chrono::milliseconds(3000));

private:
    messaging::SqsClient client(const std::string& queueUrl);
    SystemClock clock_;
    std::unique_ptr<messaging::CredentialsCache> credentials_;
    std::string endpoint_;
};

}  // namespace boxoffice::testing
