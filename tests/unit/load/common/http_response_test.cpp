#include "common/http_response.hpp"

#include <gtest/gtest.h>

namespace boxoffice::load {
namespace {

TEST(HttpResponse, HeadWithContentLength) {
    ResponseHead h;
    const std::string r =
        "HTTP/1.1 201 Created\r\nContent-Type: application/json\r\ncontent-length: 7\r\n\r\n{\"a\":1}";
    ASSERT_EQ(parseResponseHead(r, h), HeadParse::Done);
    EXPECT_EQ(h.status, 201);
    EXPECT_EQ(h.contentLength, 7u);
    EXPECT_EQ(h.headerBytes, r.size() - 7);
    EXPECT_FALSE(h.close);
}

TEST(HttpResponse, IncompleteUntilTheBlankLine) {
    ResponseHead h;
    EXPECT_EQ(parseResponseHead("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n", h), HeadParse::Incomplete);
}

TEST(HttpResponse, ConnectionCloseAndBodylessStatuses) {
    ResponseHead h;
    ASSERT_EQ(parseResponseHead("HTTP/1.1 200 OK\r\nConnection: Close\r\nContent-Length: 0\r\n\r\n", h),
              HeadParse::Done);
    EXPECT_TRUE(h.close);
    ASSERT_EQ(parseResponseHead("HTTP/1.1 304 Not Modified\r\nETag: \"x\"\r\n\r\n", h), HeadParse::Done);
    EXPECT_EQ(h.contentLength, 0u);
}

TEST(HttpResponse, RefusesWhatItCannotFrame) {
    ResponseHead h;
    EXPECT_EQ(parseResponseHead("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n", h), HeadParse::Invalid);
    EXPECT_EQ(parseResponseHead("HTTP/1.1 200 OK\r\n\r\n", h), HeadParse::Invalid);
    EXPECT_EQ(parseResponseHead("SSH-2.0-OpenSSH\r\n\r\n", h), HeadParse::Invalid);
    EXPECT_EQ(parseResponseHead("HTTP/1.1 2x0 OK\r\nContent-Length: 1\r\n\r\n", h), HeadParse::Invalid);
}

TEST(HttpResponse, FlatJsonFields) {
    const std::string body = R"({"holdId":"h-1","counts":{"AVAILABLE":12,"HELD":3},"code":"SEATS_UNAVAILABLE"})";
    EXPECT_EQ(jsonStringField(body, "holdId"), "h-1");
    EXPECT_EQ(jsonStringField(body, "code"), "SEATS_UNAVAILABLE");
    EXPECT_EQ(jsonStringField(body, "missing"), "");
    EXPECT_EQ(jsonIntField(body, "AVAILABLE"), 12);
    EXPECT_EQ(jsonIntField(body, "HELD"), 3);
    EXPECT_FALSE(jsonIntField(body, "SOLD"));
}

TEST(HttpResponse, HeaderValueIsCaseInsensitiveAndTrimmed) {
    const std::string head =
        "HTTP/1.1 503 Service Unavailable\r\nContent-Type: application/problem+json\r\nretry-after:  1 \r\n"
        "Content-Length: 2\r\n\r\n";
    EXPECT_EQ(headerValue(head, "Retry-After"), "1");
    EXPECT_EQ(headerValue(head, "content-type"), "application/problem+json");
    EXPECT_EQ(headerValue(head, "Idempotent-Replayed"), "");
    // The status line is not a header, even when it contains a colon.
    EXPECT_EQ(headerValue("HTTP/1.1 200 a:b\r\n\r\n", "HTTP/1.1 200 a"), "");
}

}  // namespace
}  // namespace boxoffice::load
