#pragma once
// The outbox relay with everything it owns: its own small database pool (so a dead or slow
// queue never takes a connection from the request path), the SQL outbox store, the AWS
// credentials cache and the SQS publisher. `boxoffice serve` runs one when
// BOXOFFICE_SQS_QUEUE_URL is set; `boxoffice relay` runs one alone.
#include <functional>
#include <memory>

#include "app/config.hpp"
#include "messaging/aws_credentials.hpp"
#include "messaging/outbox_relay.hpp"
#include "messaging/sqs_publisher.hpp"
#include "metrics/metrics.hpp"
#include "storage/sql/database.hpp"
#include "storage/sql/sql_outbox_store.hpp"

namespace boxoffice::app {

class OutboxPublishing {
public:
    /// Throws std::runtime_error when the database cannot be opened.
    OutboxPublishing(const Config& config, metrics::Metrics& metrics, const Clock& clock,
                     std::function<void()> sample = {});
    ~OutboxPublishing();
    void start();
    void stop();
    messaging::OutboxRelay& relay() { return *relay_; }
    sql::Database& database() { return *db_; }

private:
    std::unique_ptr<sql::Database> db_;
    std::unique_ptr<sql::SqlOutboxStore> store_;
    std::unique_ptr<messaging::CredentialsCache> credentials_;
    std::unique_ptr<messaging::SqsPublisher> publisher_;
    std::unique_ptr<messaging::OutboxRelay> relay_;
};

}  // namespace boxoffice::app
