#pragma once
// Catalog JSON <-> domain (camelCase). Parsing reports every wrong field; rules beyond types are
// the domain's.
#include "domain/catalog_service.hpp"
#include "http/json_body.hpp"

namespace boxoffice::http {

Result<VenueDraft> parseVenueDraft(const Json& body);
Result<EventDraft> parseEventDraft(const Json& body);
Result<EventPatch> parseEventPatch(const Json& body);
Result<ShowDraft> parseShowDraft(const Json& body);
Result<ShowPatch> parseShowPatch(const Json& body);

Json toJson(const Venue& venue);
Json toJson(const Event& event);
Json toJson(const Show& show);

}  // namespace boxoffice::http
