#include "app/outbox_publishing.hpp"

#include <unistd.h>

#include "app/application.hpp"
#include "messaging/curl_http.hpp"
#include "util/log.hpp"
#include "util/random_id.hpp"

namespace boxoffice::app {

OutboxPublishing::OutboxPublishing(const Config& config, metrics::Metrics& metrics, const Clock& clock,
                                   std::function<void()> sample) {
    messaging::initHttpClient();
    DatabaseConfig dbc = config.database;
    dbc.poolSize = config.outbox.poolSize;
    db_ = openDatabase(dbc);
    store_ = std::make_unique<sql::SqlOutboxStore>(*db_);
    credentials_ = std::make_unique<messaging::CredentialsCache>(messaging::makeFetcher(config.outbox.aws), clock);
    messaging::SqsSettings sqs{config.outbox.queueUrl, config.outbox.endpoint, config.outbox.region,
                               config.outbox.connectTimeout, config.outbox.requestTimeout};
    publisher_ = std::make_unique<messaging::SqsPublisher>(std::move(sqs), *credentials_);
    char host[256] = {};
    ::gethostname(host, sizeof host - 1);
    util::RandomIdGenerator ids;
    // Claim tokens name the relay (host, pid) for an operator reading the table, plus a random part.
    const std::string relayId = std::string(host) + ":" + std::to_string(::getpid()) + ":" + ids.next().substr(0, 8);
    relay_ = std::make_unique<messaging::OutboxRelay>(*store_, *publisher_, clock, metrics.relay(), config.outbox.relay,
                                                      relayId, std::move(sample));
    log::info("outbox relay configured",
              {{"queue", config.outbox.queueUrl},
               {"fifo", publisher_->fifo()},
               {"region", config.outbox.region},
               {"credentials", messaging::sourceName(messaging::pickSource(config.outbox.aws))},
               {"relayId", relayId}});
}

OutboxPublishing::~OutboxPublishing() {
    stop();
}

void OutboxPublishing::start() {
    relay_->start();
}

void OutboxPublishing::stop() {
    if (relay_) relay_->stop();
}

}  // namespace boxoffice::app
