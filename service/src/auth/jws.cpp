#include "auth/jws.hpp"

#include <limits>
#include <utility>

#include "util/sha256.hpp"

namespace boxoffice::auth::jws {

Error unauthenticated(std::string detail) {
    return Error::of(ErrorCode::Unauthenticated, std::move(detail));
}

std::optional<Parts> split(std::string_view token) {
    if (token.size() > kMaxTokenBytes) return std::nullopt;
    const auto dot1 = token.find('.');
    if (dot1 == std::string_view::npos) return std::nullopt;
    const auto dot2 = token.find('.', dot1 + 1);
    if (dot2 == std::string_view::npos || token.find('.', dot2 + 1) != std::string_view::npos) return std::nullopt;
    return Parts{token.substr(0, dot1), token.substr(dot1 + 1, dot2 - dot1 - 1), token.substr(dot2 + 1),
                 token.substr(0, dot2)};
}

std::optional<nlohmann::json> decodeObject(std::string_view segment) {
    std::string text;
    if (!util::base64UrlDecode(segment, text)) return std::nullopt;
    auto doc = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
    if (doc.is_discarded() || !doc.is_object()) return std::nullopt;
    return doc;
}

std::optional<Error> checkTimes(const nlohmann::json& claims, EpochMs nowMs, std::chrono::seconds leeway,
                                EpochMs& expiresAtMs) {
    // Compare in milliseconds as doubles: NumericDate may be fractional, and a double holds any
    // realistic epoch-ms exactly, while absurd values (1e300) still compare sanely.
    const double now = static_cast<double>(nowMs);
    const double leewayMs = static_cast<double>(leeway.count()) * 1000.0;

    const auto exp = claims.find("exp");
    if (exp == claims.end()) return unauthenticated("missing expiry");
    if (!exp->is_number()) return unauthenticated("invalid expiry");
    if (now >= exp->get<double>() * 1000.0 + leewayMs) return unauthenticated("token expired");
    // Clamped: converting a double beyond int64 (exp 1e300 in a validly signed token) is undefined.
    const double untilMs = exp->get<double>() * 1000.0 + leewayMs;
    expiresAtMs = untilMs >= 9.0e18 ? std::numeric_limits<EpochMs>::max() : static_cast<EpochMs>(untilMs);

    const auto nbf = claims.find("nbf");
    if (nbf != claims.end()) {
        if (!nbf->is_number()) return unauthenticated("invalid not-before");
        if (nbf->get<double>() * 1000.0 > now + leewayMs) return unauthenticated("token not yet valid");
    }
    return std::nullopt;
}

Result<std::string> subjectOf(const nlohmann::json& claims) {
    const auto sub = claims.find("sub");
    if (sub == claims.end() || !sub->is_string() || sub->get_ref<const std::string&>().empty()) {
        return unauthenticated("missing subject");
    }
    const auto& subject = sub->get_ref<const std::string&>();
    if (subject.size() > kMaxSubjectChars) return unauthenticated("invalid subject");
    return subject;
}

}  // namespace boxoffice::auth::jws
