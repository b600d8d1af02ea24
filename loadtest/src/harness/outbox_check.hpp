#pragma once
// The harness's check of publishing (--sqs-queue): after the sale, every order transition the
// database recorded in its outbox for the show was published to the queue exactly once per
// outbox id (duplicates of one id are at-least-once delivery, counted, not a violation), each
// message is the envelope of its row, and the queue held nothing else for this show. It drains
// (deletes) what it reads: give the check a queue of its own.
#include <chrono>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace boxoffice::load {

struct OutboxCheckOptions {
    std::string queueUrl;
    std::string endpoint;  // empty: the queue URL's origin
    std::string region;    // empty: from the queue URL
    std::string postgresUrl;
    std::string showId;
    std::chrono::milliseconds wait{60'000};  // for the relay to publish every row, and for the queue
};

struct OutboxCheck {
    bool ok = false;
    long long rows = 0;        // outbox rows of the show's orders
    long long unsent = 0;      // still unpublished (or parked) when the wait ran out
    long long messages = 0;    // received for this show
    long long distinct = 0;    // distinct outbox ids among them
    long long duplicates = 0;  // messages beyond the first of an id (at-least-once)
    long long missing = 0;     // rows never received
    long long unknown = 0;     // messages of this show with no outbox row
    long long mismatched = 0;  // a message that is not its row's envelope (type, order, attribute)
    long long otherShows = 0;  // messages of other shows (drained too)
    double seconds = 0;
    std::vector<std::string> problems;  // the first few, named
    nlohmann::json toJson() const;
};

/// AWS credentials come from the standard AWS_* variables (static keys, web identity, ECS).
/// Throws std::runtime_error when the database or the queue cannot be read at all.
OutboxCheck checkOutboxPublished(const OutboxCheckOptions& options);

}  // namespace boxoffice::load
