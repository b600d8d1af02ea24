#pragma once
// The relay's port to a queue: one batch out, one verdict per entry back. SQS implements it
// (sqs_publisher.*); unit tests of the relay use a fake.
#include <string>
#include <utility>
#include <vector>

namespace boxoffice::messaging {

struct OutgoingMessage {
    std::string id;       // the outbox id: the dedup id on FIFO queues, and an attribute on all
    std::string body;     // the envelope (JSON)
    std::string groupId;  // the order id: MessageGroupId on FIFO queues
    std::vector<std::pair<std::string, std::string>> attributes;  // String message attributes
};

/// Why a message or a batch did not go out; each is a label value of
/// boxoffice_outbox_publish_failures_total{reason}.
enum class FailureReason {
    Throttled,     // the queue asked us to slow down: retried with backoff
    ServerError,   // 5xx or an entry failed through no fault of ours: retried
    Rejected,      // the queue refused this entry (SenderFault): counts towards parking
    TooLarge,      // over the queue's size limit: parked at once, it can never succeed
    Auth,          // credentials refused or unavailable: the whole batch waits
    QueueMissing,  // the queue does not exist (yet): the whole batch waits
    Transport,     // no answer (connect refused, reset, DNS)
    Timeout,       // no answer within the deadline
    BadResponse,   // an answer we could not read
};
inline constexpr std::size_t kFailureReasons = 9;
const char* failureReasonName(FailureReason r);

struct EntryOutcome {
    bool ok = false;
    FailureReason reason = FailureReason::ServerError;
    std::string error;  // the queue's code and message, kept in outbox.last_error
};

struct BatchOutcome {
    /// True when the queue answered the batch: `entries` (same order as the request) say which
    /// went out. False when the call as a whole failed: nothing is known to have been sent.
    bool answered = false;
    FailureReason reason = FailureReason::Transport;  // when !answered
    std::string error;                                // when !answered
    std::vector<EntryOutcome> entries;
};

class MessagePublisher {
public:
    virtual ~MessagePublisher() = default;
    /// At most maxBatchEntries() messages whose bodies and attributes fit maxBatchBytes().
    virtual BatchOutcome sendBatch(const std::vector<OutgoingMessage>& messages) = 0;
    virtual std::size_t maxBatchEntries() const { return 10; }
    virtual std::size_t maxBatchBytes() const { return 256 * 1024; }
    /// Size the queue counts for one message (body + attribute names, types and values).
    static std::size_t messageBytes(const OutgoingMessage& m);
};

}  // namespace boxoffice::messaging
