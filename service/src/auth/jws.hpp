#pragma once
// The parts of compact JWS handling every verifier shares: splitting, decoding the JSON segments and
// the time and subject claims (RFC 7519 4.1). Internal to auth/.
#include <chrono>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "domain/clock.hpp"
#include "domain/result.hpp"

namespace boxoffice::auth::jws {

// Far above any real token (Cognito's carry groups and are ~1-2 KiB); bounds the work an
// unauthenticated caller can cause.
inline constexpr std::size_t kMaxTokenBytes = 8 * 1024;
inline constexpr std::size_t kMaxSubjectChars = 128;

Error unauthenticated(std::string detail);

struct Parts {
    std::string_view header, payload, signature;
    std::string_view signingInput;  // header '.' payload: what the signature covers
};

/// Exactly three dot-separated segments within kMaxTokenBytes; nullopt otherwise.
std::optional<Parts> split(std::string_view token);

/// One base64url segment decoded into a JSON object; nullopt for bad base64, bad JSON, invalid UTF-8,
/// or a JSON value that is not an object.
std::optional<nlohmann::json> decodeObject(std::string_view segment);

/// `exp` (required, in the future), `nbf` (optional, not in the future), both with `leeway`; on
/// success `expiresAtMs` is exp + leeway. NumericDate may be fractional.
std::optional<Error> checkTimes(const nlohmann::json& claims, EpochMs nowMs, std::chrono::seconds leeway,
                                EpochMs& expiresAtMs);

/// `sub`: a non-empty string of at most kMaxSubjectChars.
Result<std::string> subjectOf(const nlohmann::json& claims);

}  // namespace boxoffice::auth::jws
