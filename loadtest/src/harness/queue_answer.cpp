#include "harness/queue_answer.hpp"

#include <algorithm>
#include <charconv>

#include <nlohmann/json.hpp>

#include "util/rfc3339.hpp"

namespace boxoffice::load {

std::optional<QueueAnswer> parseQueueAnswer(std::string_view body) {
    const auto j = nlohmann::json::parse(body, nullptr, false);
    if (!j.is_object() || !j.contains("status") || !j["status"].is_string()) return std::nullopt;
    QueueAnswer a;
    const auto status = j["status"].get<std::string>();
    if (status == "WAITING")
        a.status = QueueAnswer::Status::Waiting;
    else if (status == "ADMITTED")
        a.status = QueueAnswer::Status::Admitted;
    else if (status == "EXPIRED")
        a.status = QueueAnswer::Status::Expired;
    else
        return std::nullopt;
    auto integer = [&j](const char* key) -> std::optional<long long> {
        const auto it = j.find(key);
        if (it == j.end() || !it->is_number_integer()) return std::nullopt;
        return it->get<long long>();
    };
    a.preQueue = j.value("preQueue", false);
    a.position = integer("position").value_or(0);
    a.peopleAhead = integer("peopleAhead").value_or(0);
    a.estimatedWaitSeconds = integer("estimatedWaitSeconds");
    if (auto it = j.find("admissionToken"); it != j.end() && it->is_string()) a.admissionToken = it->get<std::string>();
    if (auto it = j.find("windowEndsAt"); it != j.end() && it->is_string())
        a.windowEndsAtMs = parseRfc3339(it->get<std::string>()).value_or(0);
    // An admission without a token cannot be used: treated as still waiting, and asked again.
    if (a.status == QueueAnswer::Status::Admitted && a.admissionToken.empty()) a.status = QueueAnswer::Status::Waiting;
    return a;
}

std::int64_t nextPollMicros(const QueueAnswer& a, const QueueSettings& q, std::int64_t untilOpenMicros, double jitter) {
    const std::int64_t lo = q.pollMin.count() * 1000, hi = q.pollMax.count() * 1000;
    const double spread = 0.9 + 0.2 * std::clamp(jitter, 0.0, 1.0);
    if (a.preQueue && untilOpenMicros > 0)
        return untilOpenMicros + static_cast<std::int64_t>(static_cast<double>(lo) * std::clamp(jitter, 0.0, 1.0));
    std::int64_t base = lo;
    if (!a.preQueue && a.estimatedWaitSeconds && *a.estimatedWaitSeconds > 0)
        base = std::clamp<std::int64_t>(*a.estimatedWaitSeconds * 500'000, lo, hi);
    return static_cast<std::int64_t>(static_cast<double>(base) * spread);
}

std::int64_t retryAfterMicros(std::string_view retryAfter, const QueueSettings& q, double jitter) {
    long long seconds = 0;
    const auto* end = retryAfter.data() + retryAfter.size();
    const auto [p, ec] = std::from_chars(retryAfter.data(), end, seconds);
    const std::int64_t asked = ec == std::errc{} && p == end && seconds > 0 ? seconds * 1'000'000 : 0;
    const std::int64_t base = std::max<std::int64_t>(asked, q.pollMin.count() * 1000);
    return static_cast<std::int64_t>(static_cast<double>(base) * (1.0 + 0.2 * std::clamp(jitter, 0.0, 1.0)));
}

AdmissionRefusal classifyRefusal(std::string_view body) {
    // The service's details (admission/admission_token.cpp): "admission token required: ...",
    // "admission token expired: ...", or another reason (malformed, signature, user, show).
    if (body.find("admission token required") != std::string_view::npos) return AdmissionRefusal::Missing;
    if (body.find("admission token expired") != std::string_view::npos) return AdmissionRefusal::Expired;
    return AdmissionRefusal::Other;
}

}  // namespace boxoffice::load
