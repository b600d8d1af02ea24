#include "messaging/sqs_client.hpp"

#include <stdexcept>
#include <thread>

#include <nlohmann/json.hpp>

#include "messaging/sqs_publisher.hpp"

namespace boxoffice::messaging {

SqsClient::SqsClient(SqsSettings settings, CredentialsCache& credentials)
    : settings_(std::move(settings)),
      credentials_(credentials),
      url_(settings_.endpoint.empty() ? originOf(settings_.queueUrl) : settings_.endpoint),
      sigv4_("aws:amz:" + settings_.region + ":sqs") {
    while (!url_.empty() && url_.back() == '/') url_.pop_back();
    url_ += "/";
}

SqsClient::Answer SqsClient::call(const std::string& action, const std::string& jsonBody) {
    Answer a;
    auto creds = credentials_.get();
    if (!creds) {
        a.credentialsError = creds.error().internal;
        return a;
    }
    HttpRequest req;
    req.method = "POST";
    req.url = url_;
    req.headers = {"Content-Type: application/x-amz-json-1.0", "X-Amz-Target: AmazonSQS." + action};
    if (!creds->sessionToken.empty()) req.headers.push_back("X-Amz-Security-Token: " + creds->sessionToken);
    req.body = jsonBody;
    req.connectTimeout = settings_.connectTimeout;
    req.timeout = settings_.timeout;
    req.sigv4 = sigv4_;
    req.accessKeyId = creds->accessKeyId;
    req.secretAccessKey = creds->secretAccessKey;
    a.response = perform(req);
    // Refused credentials may have been rotated under us: fetch them again next time.
    if (a.response.status == 403) credentials_.invalidate();
    return a;
}

std::vector<ReceivedMessage> drainQueue(SqsClient& client, std::size_t expected, std::chrono::milliseconds quiet) {
    std::vector<ReceivedMessage> out;
    const std::string queueUrl = client.settings().queueUrl;
    auto check = [&](const char* action, const SqsClient::Answer& a) {
        if (!a.credentialsError.empty()) throw std::runtime_error(std::string(action) + ": " + a.credentialsError);
        if (a.response.status != 200)
            throw std::runtime_error(std::string(action) + ": " +
                                     (a.response.status == 0
                                          ? a.response.transportError
                                          : std::to_string(a.response.status) + " " + a.response.body.substr(0, 300)));
    };
    auto lastNew = std::chrono::steady_clock::now();
    while (out.size() < expected && std::chrono::steady_clock::now() - lastNew < quiet) {
        const nlohmann::json request = {{"QueueUrl", queueUrl},
                                        {"MaxNumberOfMessages", 10},
                                        {"MessageAttributeNames", {"All"}},
                                        {"MessageSystemAttributeNames", {"All"}},
                                        {"VisibilityTimeout", 600}};
        auto a = client.call("ReceiveMessage", request.dump());
        check("ReceiveMessage", a);
        auto j = nlohmann::json::parse(a.response.body, nullptr, false);
        if (j.is_discarded() || !j.contains("Messages") || j["Messages"].empty()) {
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
        check("DeleteMessageBatch",
              client.call("DeleteMessageBatch", nlohmann::json{{"QueueUrl", queueUrl}, {"Entries", entries}}.dump()));
    }
    return out;
}

}  // namespace boxoffice::messaging
