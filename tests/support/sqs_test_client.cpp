#include "support/sqs_test_client.hpp"

#include <chrono>
#include <stdexcept>
#include <thread>

#include "messaging/curl_http.hpp"
#include "support/test_env.hpp"
#include "util/random_id.hpp"

namespace boxoffice::testing {

SqsTestClient::SqsTestClient()
    : SqsTestClient(TestEnv::get().motoUrl, TestEnv::get().motoAccessKeyId, TestEnv::get().motoSecretAccessKey) {}

SqsTestClient::SqsTestClient(std::string endpoint, std::string key, std::string secret)
    : endpoint_(std::move(endpoint)), key_(std::move(key)), secret_(std::move(secret)) {}

std::pair<long, nlohmann::json> SqsTestClient::call(const std::string& action, const nlohmann::json& body) {
    messaging::HttpRequest r;
    r.method = "POST";
    r.url = endpoint_ + "/";
    r.headers = {"Content-Type: application/x-amz-json-1.0", "X-Amz-Target: AmazonSQS." + action};
    r.body = body.dump();
    r.sigv4 = "aws:amz:us-east-1:sqs";
    r.accessKeyId = key_;
    r.secretAccessKey = secret_;
    r.timeout = std::chrono::milliseconds(20'000);
    auto res = messaging::perform(r);
    if (res.status == 0) throw std::runtime_error("SQS " + action + ": " + res.transportError);
    auto j = nlohmann::json::parse(res.body, nullptr, false);
    return {res.status, j.is_discarded() ? nlohmann::json(res.body) : j};
}

std::string SqsTestClient::createQueue(const std::string& prefix, bool fifo) {
    util::RandomIdGenerator ids;
    std::string name = prefix + "-" + ids.next().substr(0, 8) + (fifo ? ".fifo" : "");
    nlohmann::json body = {{"QueueName", name}};
    if (fifo) body["Attributes"] = {{"FifoQueue", "true"}};
    auto [status, j] = call("CreateQueue", body);
    if (status != 200) throw std::runtime_error("CreateQueue: " + j.dump());
    return j["QueueUrl"].get<std::string>();
}

std::vector<ReceivedMessage> SqsTestClient::drain(const std::string& queueUrl, std::size_t expected,
                                                  std::chrono::milliseconds quiet) {
    std::vector<ReceivedMessage> out;
    auto lastNew = std::chrono::steady_clock::now();
    while (out.size() < expected && std::chrono::steady_clock::now() - lastNew < quiet) {
        auto [status, j] = call("ReceiveMessage", {{"QueueUrl", queueUrl},
                                                   {"MaxNumberOfMessages", 10},
                                                   {"MessageAttributeNames", {"All"}},
                                                   {"MessageSystemAttributeNames", {"All"}},
                                                   {"VisibilityTimeout", 600}});
        if (status != 200) throw std::runtime_error("ReceiveMessage: " + j.dump());
        if (!j.contains("Messages") || j["Messages"].empty()) {
            std::this_thread::sleep_for(std::chrono::milliseconds(100));
            continue;
        }
        lastNew = std::chrono::steady_clock::now();
        nlohmann::json entries = nlohmann::json::array();
        for (const auto& m : j["Messages"]) {
            ReceivedMessage r;
            r.messageId = m.value("MessageId", "");
            r.body = m.value("Body", "");
            if (m.contains("MessageAttributes"))
                for (const auto& [k, v] : m["MessageAttributes"].items()) r.attributes[k] = v.value("StringValue", "");
            if (m.contains("Attributes")) {
                r.groupId = m["Attributes"].value("MessageGroupId", "");
                r.dedupId = m["Attributes"].value("MessageDeduplicationId", "");
            }
            entries.push_back(
                {{"Id", "d" + std::to_string(entries.size())}, {"ReceiptHandle", m.value("ReceiptHandle", "")}});
            out.push_back(std::move(r));
        }
        call("DeleteMessageBatch", {{"QueueUrl", queueUrl}, {"Entries", entries}});
    }
    return out;
}

}  // namespace boxoffice::testing
