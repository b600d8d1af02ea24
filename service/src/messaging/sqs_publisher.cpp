#include "messaging/sqs_publisher.hpp"

#include <nlohmann/json.hpp>

namespace boxoffice::messaging {
namespace {

bool contains(const std::string& s, const char* what) {
    return s.find(what) != std::string::npos;
}

// SQS names its errors in "__type" (JSON protocol, e.g. "com.amazonaws.sqs#QueueDoesNotExist")
// and, for compatibility with the query protocol, in x-amzn-query-error; the body is enough here.
FailureReason classifyCallError(long status, const std::string& type) {
    if (contains(type, "Throttl") || contains(type, "RequestThrottled") || contains(type, "OverLimit") || status == 429)
        return FailureReason::Throttled;
    if (contains(type, "QueueDoesNotExist") || contains(type, "NonExistentQueue")) return FailureReason::QueueMissing;
    if (status == 401 || status == 403 || contains(type, "Signature") || contains(type, "ClientTokenId") ||
        contains(type, "ExpiredToken") || contains(type, "UnrecognizedClient") || contains(type, "AccessDenied") ||
        contains(type, "InvalidSecurity") || contains(type, "MissingAuthentication") ||
        contains(type, "IncompleteSignature"))
        return FailureReason::Auth;
    if (contains(type, "TooLong") || contains(type, "TooLarge")) return FailureReason::TooLarge;
    if (status >= 500) return FailureReason::ServerError;
    return FailureReason::Rejected;
}

}  // namespace

const char* failureReasonName(FailureReason r) {
    switch (r) {
        case FailureReason::Throttled:
            return "throttled";
        case FailureReason::ServerError:
            return "server_error";
        case FailureReason::Rejected:
            return "rejected";
        case FailureReason::TooLarge:
            return "too_large";
        case FailureReason::Auth:
            return "auth";
        case FailureReason::QueueMissing:
            return "queue_missing";
        case FailureReason::Transport:
            return "transport";
        case FailureReason::Timeout:
            return "timeout";
        case FailureReason::BadResponse:
            return "bad_response";
    }
    return "unknown";
}

std::size_t MessagePublisher::messageBytes(const OutgoingMessage& m) {
    std::size_t n = m.body.size();
    for (const auto& [name, value] : m.attributes) n += name.size() + value.size() + 6;  // + "String"
    return n;
}

std::string regionFromQueueUrl(const std::string& queueUrl) {
    const std::string origin = originOf(queueUrl);
    const auto hostStart = origin.find("://");
    if (hostStart == std::string::npos) return {};
    std::string host = origin.substr(hostStart + 3);
    if (auto colon = host.find(':'); colon != std::string::npos) host.resize(colon);
    // sqs.eu-west-1.amazonaws.com, sqs.eu-west-1.api.aws, eu-west-1.queue.amazonaws.com (legacy)
    if (host.rfind("sqs.", 0) == 0) {
        const auto dot = host.find('.', 4);
        if (dot != std::string::npos) return host.substr(4, dot - 4);
    }
    if (const auto q = host.find(".queue.amazonaws.com"); q != std::string::npos && q > 0) return host.substr(0, q);
    return {};
}

std::string originOf(const std::string& url) {
    const auto scheme = url.find("://");
    if (scheme == std::string::npos) return {};
    const std::string s = url.substr(0, scheme);
    if (s != "http" && s != "https") return {};
    const auto pathStart = url.find('/', scheme + 3);
    return url.substr(0, pathStart);
}

bool isFifoQueue(const std::string& queueUrl) {
    return queueUrl.size() > 5 && queueUrl.compare(queueUrl.size() - 5, 5, ".fifo") == 0;
}

SqsPublisher::SqsPublisher(SqsSettings settings, CredentialsCache& credentials)
    : client_(std::move(settings), credentials), fifo_(isFifoQueue(client_.settings().queueUrl)) {}

std::string SqsPublisher::requestBody(const std::vector<OutgoingMessage>& messages) const {
    nlohmann::json entries = nlohmann::json::array();
    for (std::size_t i = 0; i < messages.size(); ++i) {
        const auto& m = messages[i];
        nlohmann::json attributes = nlohmann::json::object();
        for (const auto& [name, value] : m.attributes)
            attributes[name] = {{"DataType", "String"}, {"StringValue", value}};
        nlohmann::json e = {{"Id", "m" + std::to_string(i)}, {"MessageBody", m.body}};
        if (!attributes.empty()) e["MessageAttributes"] = std::move(attributes);
        if (fifo_) {
            // Per-order order on FIFO; the outbox id deduplicates a resend within SQS's 5-minute window.
            e["MessageGroupId"] = m.groupId.empty() ? m.id : m.groupId;
            e["MessageDeduplicationId"] = m.id;
        }
        entries.push_back(std::move(e));
    }
    nlohmann::json body = {{"QueueUrl", client_.settings().queueUrl}, {"Entries", std::move(entries)}};
    return body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

BatchOutcome SqsPublisher::readResponse(long status, const std::string& body, std::size_t entries) {
    BatchOutcome out;
    auto j = nlohmann::json::parse(body, nullptr, false);
    if (status != 200) {
        std::string type, message;
        if (!j.is_discarded() && j.is_object()) {
            type = j.value("__type", std::string());
            message = j.value("message", j.value("Message", std::string()));
        } else {
            type = body.substr(0, 200);  // moto and proxies answer some errors in XML or plain text
        }
        out.reason = classifyCallError(status, type);
        out.error = "HTTP " + std::to_string(status) + " " + type + (message.empty() ? "" : ": " + message);
        return out;
    }
    if (j.is_discarded() || !j.is_object()) {
        out.reason = FailureReason::BadResponse;
        out.error = "SendMessageBatch answer is not JSON";
        return out;
    }
    out.answered = true;
    out.entries.assign(entries, EntryOutcome{false, FailureReason::BadResponse, "no verdict for this entry"});
    auto index = [&](const nlohmann::json& e) -> std::optional<std::size_t> {
        if (!e.is_object() || !e.contains("Id") || !e["Id"].is_string()) return std::nullopt;
        const std::string id = e["Id"].get<std::string>();
        if (id.size() < 2 || id[0] != 'm') return std::nullopt;
        std::size_t n = 0;
        for (std::size_t k = 1; k < id.size(); ++k) {
            if (id[k] < '0' || id[k] > '9') return std::nullopt;
            n = n * 10 + static_cast<std::size_t>(id[k] - '0');
        }
        if (n >= entries) return std::nullopt;
        return n;
    };
    if (auto it = j.find("Successful"); it != j.end() && it->is_array())
        for (const auto& e : *it)
            if (auto i = index(e)) out.entries[*i] = EntryOutcome{true, FailureReason::ServerError, {}};
    if (auto it = j.find("Failed"); it != j.end() && it->is_array()) {
        for (const auto& e : *it) {
            auto i = index(e);
            if (!i) continue;
            const std::string code = e.value("Code", std::string());
            const bool senderFault = e.value("SenderFault", false);
            FailureReason reason = senderFault ? FailureReason::Rejected : FailureReason::ServerError;
            if (contains(code, "Throttl")) reason = FailureReason::Throttled;
            if (contains(code, "TooLong") || contains(code, "TooLarge")) reason = FailureReason::TooLarge;
            out.entries[*i] = EntryOutcome{false, reason, code + ": " + e.value("Message", std::string())};
        }
    }
    return out;
}

BatchOutcome SqsPublisher::sendBatch(const std::vector<OutgoingMessage>& messages) {
    const auto answer = client_.call("SendMessageBatch", requestBody(messages));
    BatchOutcome out;
    if (!answer.credentialsError.empty()) {
        out.reason = FailureReason::Auth;
        out.error = answer.credentialsError;
        return out;
    }
    const HttpResponse& r = answer.response;
    if (r.status == 0) {
        out.reason = r.timedOut ? FailureReason::Timeout : FailureReason::Transport;
        out.error = r.transportError;
        return out;
    }
    return readResponse(r.status, r.body, messages.size());
}

}  // namespace boxoffice::messaging
