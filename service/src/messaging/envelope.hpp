#pragma once
// The one envelope every published event travels in (documented in service/asyncapi.yaml):
//   {id, type, occurredAt, showId, orderId, traceparent?, data: {...}}
// `id` is the outbox id: consumers drop duplicates by it (delivery is at-least-once).
#include <string>
#include <vector>

#include "domain/result.hpp"
#include "messaging/outbox_store.hpp"
#include "messaging/publisher.hpp"

namespace boxoffice::messaging {

/// Every event type the service writes to the outbox. A test checks that each is documented.
const std::vector<std::string>& knownEventTypes();

/// The envelope of one outbox row. Error (Internal) when the stored payload is not a JSON
/// object: such a row can never be published and is parked.
Result<std::string> envelopeOf(const OutboxRow& row);

/// The queue message of one outbox row: the envelope plus the attributes consumers filter and
/// deduplicate on (outboxId, eventType).
Result<OutgoingMessage> messageOf(const OutboxRow& row);

}  // namespace boxoffice::messaging
