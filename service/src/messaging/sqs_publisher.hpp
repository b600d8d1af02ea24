#pragma once
// Amazon SQS SendMessageBatch over the JSON protocol (POST /, X-Amz-Target), signed with SigV4 by
// libcurl. Standard and FIFO queues (a queue URL ending in ".fifo").
#include <chrono>
#include <string>

#include "messaging/aws_credentials.hpp"
#include "messaging/publisher.hpp"
#include "messaging/sqs_client.hpp"

namespace boxoffice::messaging {

/// The region in an SQS queue URL's host (sqs.REGION.amazonaws.com, REGION.queue.amazonaws.com),
/// or empty.
std::string regionFromQueueUrl(const std::string& queueUrl);
/// scheme://host[:port] of a URL, or empty when it is not http(s).
std::string originOf(const std::string& url);
bool isFifoQueue(const std::string& queueUrl);

class SqsPublisher final : public MessagePublisher {
public:
    SqsPublisher(SqsSettings settings, CredentialsCache& credentials);
    BatchOutcome sendBatch(const std::vector<OutgoingMessage>& messages) override;
    bool fifo() const { return fifo_; }

    /// The JSON body of SendMessageBatch for `messages` (entry ids are their indexes).
    std::string requestBody(const std::vector<OutgoingMessage>& messages) const;
    /// Reads SendMessageBatch's answer (status and body) into per-entry outcomes.
    static BatchOutcome readResponse(long status, const std::string& body, std::size_t entries);

private:
    SqsClient client_;
    bool fifo_;
};

}  // namespace boxoffice::messaging
