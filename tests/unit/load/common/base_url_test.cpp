#include "common/base_url.hpp"

#include <gtest/gtest.h>

namespace boxoffice::load {
namespace {

TEST(BaseUrl, HttpAndHttpsWithTheirDefaultPorts) {
    std::string error;
    auto plain = parseBaseUrl("http://127.0.0.1:8080", error);
    ASSERT_TRUE(plain) << error;
    EXPECT_FALSE(plain->tls);
    EXPECT_EQ(plain->host, "127.0.0.1");
    EXPECT_EQ(plain->port, "8080");
    EXPECT_EQ(plain->hostHeader, "127.0.0.1:8080");
    EXPECT_EQ(plain->path, "");

    auto secure = parseBaseUrl("https://tickets.example.com", error);
    ASSERT_TRUE(secure) << error;
    EXPECT_TRUE(secure->tls);
    EXPECT_EQ(secure->host, "tickets.example.com");
    EXPECT_EQ(secure->port, "443");
    EXPECT_EQ(secure->hostHeader, "tickets.example.com");  // no port added to the Host header

    auto bare = parseBaseUrl("http://svc.ns.svc.cluster.local", error);
    ASSERT_TRUE(bare) << error;
    EXPECT_EQ(bare->port, "80");
}

TEST(BaseUrl, ThePathIsKeptApartFromTheAuthority) {
    std::string error;
    auto m = parseBaseUrl("https://metrics.internal:9464/metrics", error);
    ASSERT_TRUE(m) << error;
    EXPECT_EQ(m->host, "metrics.internal");
    EXPECT_EQ(m->port, "9464");
    EXPECT_EQ(m->hostHeader, "metrics.internal:9464");
    EXPECT_EQ(m->path, "/metrics");
}

TEST(BaseUrl, RefusesWhatItCannotConnectTo) {
    for (const char* bad : {"ftp://x", "tickets.example.com", "https://", "http://:80", "http://x:0", "http://x:65536",
                            "http://x:80a", "http://user@x", "http://[::1]:8080", "https://x?y=1"}) {
        std::string error;
        EXPECT_FALSE(parseBaseUrl(bad, error)) << bad;
        EXPECT_FALSE(error.empty()) << bad;
    }
}

}  // namespace
}  // namespace boxoffice::load
