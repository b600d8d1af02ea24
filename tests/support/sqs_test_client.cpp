#include "support/sqs_test_client.hpp"

#include <stdexcept>

#include <nlohmann/json.hpp>

#include "support/test_env.hpp"
#include "util/random_id.hpp"

namespace boxoffice::testing {

SqsTestClient::SqsTestClient() : endpoint_(TestEnv::get().motoUrl) {
    messaging::AwsCredentialSettings s;
    s.accessKeyId = TestEnv::get().motoAccessKeyId;
    s.secretAccessKey = TestEnv::get().motoSecretAccessKey;
    credentials_ = std::make_unique<messaging::CredentialsCache>(messaging::makeFetcher(s), clock_);
}

messaging::SqsClient SqsTestClient::client(const std::string& queueUrl) {
    messaging::SqsSettings s{queueUrl, endpoint_, "us-east-1", std::chrono::milliseconds(2'000),
                             std::chrono::milliseconds(20'000)};
    return messaging::SqsClient(std::move(s), *credentials_);
}

std::string SqsTestClient::createQueue(const std::string& prefix, bool fifo) {
    util::RandomIdGenerator ids;
    const std::string name = prefix + "-" + ids.next().substr(0, 8) + (fifo ? ".fifo" : "");
    nlohmann::json body = {{"QueueName", name}};
    if (fifo) body["Attributes"] = {{"FifoQueue", "true"}};
    auto a = client("").call("CreateQueue", body.dump());
    if (a.response.status != 200)
        throw std::runtime_error("CreateQueue: " + a.credentialsError + a.response.transportError + a.response.body);
    return nlohmann::json::parse(a.response.body)["QueueUrl"].get<std::string>();
}

std::vector<ReceivedMessage> SqsTestClient::drain(const std::string& queueUrl, std::size_t expected,
                                                  std::chrono::milliseconds quiet) {
    auto c = client(queueUrl);
    return messaging::drainQueue(c, expected, quiet);
}

}  // namespace boxoffice::testing
