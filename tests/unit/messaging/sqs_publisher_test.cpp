// SendMessageBatch's request and answer, read without a network: FIFO ids, partial failures, whole-call
// errors, and the region and origin of a queue URL.
#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <nlohmann/json.hpp>

#include "messaging/aws_credentials.hpp"
#include "messaging/envelope.hpp"
#include "messaging/sqs_publisher.hpp"
#include "unit/messaging/messaging_support.hpp"

namespace boxoffice::messaging {
namespace {

class NoCredentials final : public CredentialsFetcher {
public:
    Result<AwsCredentials> fetch() override { return AwsCredentials{"AKID", "secret", "", 0}; }
};

TEST(SqsPublisher, FifoRequestHasGroupAndDedupIds) {
    SystemClock clock;
    CredentialsCache creds(std::make_unique<NoCredentials>(), clock);
    SqsPublisher fifo({"http://127.0.0.1:1/123456789012/orders.fifo", "", "us-east-1"}, creds);
    SqsPublisher standard({"http://127.0.0.1:1/123456789012/orders", "", "us-east-1"}, creds);
    EXPECT_TRUE(fifo.fifo());
    EXPECT_FALSE(standard.fifo());
    auto m = messageOf(sampleRow());
    ASSERT_TRUE(m.ok());
    auto f = nlohmann::json::parse(fifo.requestBody({*m, *m}));
    EXPECT_EQ(f["QueueUrl"], "http://127.0.0.1:1/123456789012/orders.fifo");
    ASSERT_EQ(f["Entries"].size(), 2u);
    EXPECT_EQ(f["Entries"][1]["Id"], "m1");
    EXPECT_EQ(f["Entries"][0]["MessageGroupId"], m->groupId);
    EXPECT_EQ(f["Entries"][0]["MessageDeduplicationId"], m->id);
    EXPECT_EQ(f["Entries"][0]["MessageAttributes"]["outboxId"]["StringValue"], m->id);
    EXPECT_EQ(f["Entries"][0]["MessageAttributes"]["outboxId"]["DataType"], "String");
    auto s = nlohmann::json::parse(standard.requestBody({*m}));
    EXPECT_FALSE(s["Entries"][0].contains("MessageGroupId"));
    EXPECT_FALSE(s["Entries"][0].contains("MessageDeduplicationId"));
}

TEST(SqsPublisher, ReadsPartialFailuresEntryByEntry) {
    const std::string body =
        R"({"Successful":[{"Id":"m0","MessageId":"x"},{"Id":"m2","MessageId":"y"}],)"
        R"("Failed":[{"Id":"m1","SenderFault":true,"Code":"InvalidParameterValue","Message":"bad"},)"
        R"({"Id":"m3","SenderFault":false,"Code":"InternalError","Message":"oops"}]})";
    auto out = SqsPublisher::readResponse(200, body, 5);
    ASSERT_TRUE(out.answered);
    ASSERT_EQ(out.entries.size(), 5u);
    EXPECT_TRUE(out.entries[0].ok);
    EXPECT_FALSE(out.entries[1].ok);
    EXPECT_EQ(out.entries[1].reason, FailureReason::Rejected);
    EXPECT_TRUE(out.entries[2].ok);
    EXPECT_EQ(out.entries[3].reason, FailureReason::ServerError);
    EXPECT_FALSE(out.entries[4].ok);  // no verdict: not acknowledged
}

TEST(SqsPublisher, ClassifiesWholeCallErrors) {
    EXPECT_EQ(SqsPublisher::readResponse(400, R"({"__type":"com.amazonaws.sqs#ThrottlingException"})", 1).reason,
              FailureReason::Throttled);
    EXPECT_EQ(SqsPublisher::readResponse(400, R"({"__type":"com.amazonaws.sqs#QueueDoesNotExist"})", 1).reason,
              FailureReason::QueueMissing);
    EXPECT_EQ(SqsPublisher::readResponse(403, "<Error><Code>SignatureDoesNotMatch</Code></Error>", 1).reason,
              FailureReason::Auth);
    EXPECT_EQ(SqsPublisher::readResponse(503, "", 1).reason, FailureReason::ServerError);
    EXPECT_EQ(SqsPublisher::readResponse(400, R"({"__type":"com.amazonaws.sqs#BatchRequestTooLong"})", 1).reason,
              FailureReason::TooLarge);
    EXPECT_FALSE(SqsPublisher::readResponse(200, "not json", 1).answered);
}

TEST(SqsPublisher, RegionAndOriginFromQueueUrl) {
    EXPECT_EQ(regionFromQueueUrl("https://sqs.eu-west-1.amazonaws.com/123456789012/q"), "eu-west-1");
    EXPECT_EQ(regionFromQueueUrl("https://eu-central-1.queue.amazonaws.com/123456789012/q"), "eu-central-1");
    EXPECT_EQ(regionFromQueueUrl("http://127.0.0.1:4566/123456789012/q"), "");
    EXPECT_EQ(originOf("http://127.0.0.1:4566/123456789012/q"), "http://127.0.0.1:4566");
    EXPECT_EQ(originOf("ftp://x/y"), "");
}

}  // namespace
}  // namespace boxoffice::messaging
