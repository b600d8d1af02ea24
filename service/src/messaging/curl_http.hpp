#pragma once
// The service's one outbound HTTP client (libcurl easy handles): SQS, STS and the ECS credentials
// endpoint go through it. Every call has a connect deadline and a whole-call deadline.
#include <chrono>
#include <optional>
#include <string>
#include <vector>

namespace boxoffice::messaging {

struct HttpRequest {
    std::string method = "GET";  // GET or POST
    std::string url;
    std::vector<std::string> headers;  // "Name: value"
    std::string body;
    std::chrono::milliseconds connectTimeout{2'000};
    std::chrono::milliseconds timeout{5'000};
    /// SigV4 signing by libcurl (CURLOPT_AWS_SIGV4), e.g. "aws:amz:eu-west-1:sqs", with these keys.
    std::optional<std::string> sigv4;
    std::string accessKeyId;
    std::string secretAccessKey;
};

struct HttpResponse {
    /// 0 when no response arrived (connect failure, deadline, reset): see `transportError`.
    long status = 0;
    std::string body;
    std::string transportError;  // curl's message when status == 0
    bool timedOut = false;
};

/// Performs one request. Never throws for network failures; they come back as status 0.
HttpResponse perform(const HttpRequest& request);

/// Call once before any thread starts (curl_global_init is not thread-safe).
void initHttpClient();

/// application/x-www-form-urlencoded / RFC 3986 percent-encoding of one value.
std::string formEncode(const std::string& value);

}  // namespace boxoffice::messaging
