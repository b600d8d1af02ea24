// The client address behind trusted proxies: X-Forwarded-For is read only from them, from the right.
#include <gtest/gtest.h>

#include "admission/client_ip.hpp"

namespace boxoffice::admission {
namespace {

std::vector<Cidr> trusted(const std::string& list) {
    std::string error;
    auto l = parseCidrList(list, error);
    EXPECT_TRUE(l.has_value()) << error;
    return l ? *l : std::vector<Cidr>{};
}

TEST(ClientIp, WithoutTrustedProxiesTheForwardedForHeaderIsIgnored) {
    EXPECT_EQ(clientIp("203.0.113.7", std::string_view("198.51.100.1"), {}), "203.0.113.7");
    EXPECT_EQ(clientIp("203.0.113.7", std::nullopt, {}), "203.0.113.7");
}

TEST(ClientIp, ASpoofedHeaderFromAnUntrustedPeerIsIgnored) {
    const auto alb = trusted("10.0.0.0/16, 10.1.0.0/16");
    // The peer is on the internet, not one of our proxies: whatever it says about itself is a claim.
    EXPECT_EQ(clientIp("198.51.100.9", std::string_view("1.2.3.4, 10.0.0.5"), alb), "198.51.100.9");
}

TEST(ClientIp, BehindTheProxiesTheRightMostUntrustedAddressIsTheClient) {
    const auto alb = trusted("10.0.0.0/16");
    EXPECT_EQ(clientIp("10.0.3.4", std::string_view("198.51.100.23"), alb), "198.51.100.23");
    // The client forged an entry on the left; the ALB appended what it really saw.
    EXPECT_EQ(clientIp("10.0.3.4", std::string_view("6.6.6.6, 198.51.100.23"), alb), "198.51.100.23");
    // Two of our proxies in a row: both skipped.
    EXPECT_EQ(clientIp("10.0.3.4", std::string_view("6.6.6.6,198.51.100.23 , 10.0.9.9"), alb), "198.51.100.23");
    // Only our proxies: the furthest of them is all that is known.
    EXPECT_EQ(clientIp("10.0.3.4", std::string_view("10.0.0.8, 10.0.9.9"), alb), "10.0.0.8");
    // No header at all: the proxy itself.
    EXPECT_EQ(clientIp("10.0.3.4", std::nullopt, alb), "10.0.3.4");
    // Garbage where an address should be: the nearest hop we trust, never the garbage.
    EXPECT_EQ(clientIp("10.0.3.4", std::string_view("1.1.1.1, not-an-ip, 10.0.9.9"), alb), "10.0.9.9");
}

TEST(ClientIp, IPv6AndMappedAddresses) {
    const auto nets = trusted("2001:db8:10::/48,10.0.0.0/8");
    EXPECT_EQ(clientIp("2001:db8:10::1", std::string_view("2001:DB8:ffff::0:7"), nets), "2001:db8:ffff::7");
    EXPECT_EQ(clientIp("2001:db8:11::1", std::string_view("192.0.2.1"), nets), "2001:db8:11::1");
    // An IPv4 peer seen on an IPv6 socket is still the IPv4 proxy.
    EXPECT_EQ(clientIp("::ffff:10.2.3.4", std::string_view("192.0.2.1"), nets), "192.0.2.1");
    EXPECT_EQ(clientIp("10.2.3.4", std::string_view("[2001:db8:ffff::7]:443"), nets), "2001:db8:ffff::7");
    EXPECT_EQ(clientIp("10.2.3.4", std::string_view("192.0.2.1:5555"), nets), "192.0.2.1");
}

TEST(ClientIp, NetworksParseStrictly) {
    std::string error;
    EXPECT_TRUE(parseCidr("0.0.0.0/0").has_value());
    EXPECT_TRUE(parseCidr("::/0").has_value());
    EXPECT_TRUE(parseCidr("192.0.2.1").has_value());
    EXPECT_FALSE(parseCidr("10.0.0.1/16").has_value()) << "host bits set";
    EXPECT_FALSE(parseCidr("10.0.0.0/33").has_value());
    EXPECT_FALSE(parseCidr("10.0.0/8").has_value());
    EXPECT_FALSE(parseCidr("10.0.0.0:80/8").has_value());
    EXPECT_FALSE(parseCidr("2001:db8::/129").has_value());
    EXPECT_FALSE(parseCidr("10.0.0.0/x").has_value());
    EXPECT_FALSE(parseCidrList("10.0.0.0/16, bogus", error).has_value());
    EXPECT_NE(error.find("bogus"), std::string::npos);
    auto ok = parseCidrList("10.0.0.0/16,,2001:db8::/32 ", error);
    ASSERT_TRUE(ok.has_value());
    EXPECT_EQ(ok->size(), 2u);
    const auto v4 = (*ok)[0];
    EXPECT_TRUE(v4.contains(*parseIp("10.0.255.255")));
    EXPECT_FALSE(v4.contains(*parseIp("10.1.0.0")));
    EXPECT_FALSE(v4.contains(*parseIp("::a00:1"))) << "an IPv4 range holds no plain IPv6 address";
}

}  // namespace
}  // namespace boxoffice::admission
