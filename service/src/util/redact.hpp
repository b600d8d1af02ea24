#pragma once
// What may go into a log line. Logs leave the service (shippers, vendors, people), so secrets and
// personal data are scrubbed from free text, and a client's trace context is checked before use.
#include <optional>
#include <string>
#include <string_view>

namespace boxoffice::util {

/// `text` with e-mail addresses, bearer tokens, JWTs, URL passwords, key=secret pairs and database
/// row dumps ("Failing row contains (...)", which would quote a customer) replaced by placeholders.
std::string redactSecrets(std::string_view text);

/// The trace id of a valid W3C `traceparent` (version-traceid-parentid-flags, lower-case hex,
/// ids not all zero); nullopt for anything else, which is then neither logged nor propagated.
std::optional<std::string> traceIdOf(const std::optional<std::string>& traceparent);

}  // namespace boxoffice::util
