#include "util/sha256.hpp"

#include <gtest/gtest.h>

#include <set>
#include <string>

#include "util/hex.hpp"
#include "util/random_id.hpp"

namespace boxoffice::util {
namespace {

TEST(Sha256, KnownVectors) {
    EXPECT_EQ(sha256Hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    EXPECT_EQ(sha256Hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    EXPECT_EQ(sha256Hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"),
              "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
    EXPECT_EQ(sha256Hex(std::string(1000000, 'a')), "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

// FIPS 180 / RFC 3174 vectors: the Redis scripts' names are SHA-1s (EVALSHA).
TEST(Sha1, KnownVectors) {
    EXPECT_EQ(sha1Hex(""), "da39a3ee5e6b4b0d3255bfef95601890afd80709");
    EXPECT_EQ(sha1Hex("abc"), "a9993e364706816aba3e25717850c26c9cd0d89d");
    EXPECT_EQ(sha1Hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"),
              "84983e441c3bd26ebaae4aa1f95129e5e54670f1");
}

TEST(Hex, LowerCaseTwoDigitsPerByte) {
    const unsigned char bytes[] = {0x00, 0x0f, 0xa0, 0xff};
    EXPECT_EQ(hexLower(bytes, sizeof bytes), "000fa0ff");
    EXPECT_EQ(hexLower(std::string_view("\x01\xfe", 2)), "01fe");
    EXPECT_EQ(hexLower(nullptr, 0), "");
}

// RFC 3986 section 2.3: only the unreserved characters stay as they are.
TEST(PercentEncode, KeepsUnreservedAndEncodesTheRestInUpperCase) {
    EXPECT_EQ(percentEncode("AZaz09-_.~"), "AZaz09-_.~");
    EXPECT_EQ(percentEncode("a b&c=d/e?"), "a%20b%26c%3Dd%2Fe%3F");
    EXPECT_EQ(percentEncode(std::string("\0\xff", 2)), "%00%FF");
    EXPECT_EQ(percentEncode("-c statement_timeout=5000"), "-c%20statement_timeout%3D5000");
}

TEST(RandomHex, GivesExactlyTheDigitsAskedForAndDiffersEachTime) {
    std::set<std::string> seen;
    for (std::size_t digits : {1u, 8u, 15u, 16u, 17u, 32u, 100u}) {
        const std::string h = randomHex(digits);
        EXPECT_EQ(h.size(), digits);
        EXPECT_EQ(h.find_first_not_of("0123456789abcdef"), std::string::npos) << h;
    }
    for (int i = 0; i < 1000; ++i) seen.insert(randomHex(32));
    EXPECT_EQ(seen.size(), 1000u);
}

TEST(Sha256, EmbeddedNulIsHashed) {
    EXPECT_NE(sha256Hex(std::string("a\0b", 3)), sha256Hex("a"));
}

// RFC 4648 section 10, without the padding that section 5 base64url drops.
TEST(Base64Url, Rfc4648Vectors) {
    const std::pair<const char*, const char*> vectors[] = {
        {"", ""},           {"f", "Zg"},          {"fo", "Zm8"},          {"foo", "Zm9v"},
        {"foob", "Zm9vYg"}, {"fooba", "Zm9vYmE"}, {"foobar", "Zm9vYmFy"},
    };
    for (const auto& [plain, encoded] : vectors) {
        EXPECT_EQ(base64UrlEncode(plain), encoded) << plain;
        std::string decoded;
        ASSERT_TRUE(base64UrlDecode(encoded, decoded)) << encoded;
        EXPECT_EQ(decoded, plain);
    }
}

TEST(Base64Url, UsesUrlAlphabet) {
    // Standard base64 would give "+/8=".
    EXPECT_EQ(base64UrlEncode("\xfb\xff"), "-_8");
    std::string out;
    ASSERT_TRUE(base64UrlDecode("-_8", out));
    EXPECT_EQ(out, "\xfb\xff");
}

TEST(Base64Url, RoundTripsEveryByteValue) {
    std::string all;
    for (int i = 0; i < 256; ++i) all.push_back(static_cast<char>(i));
    for (std::size_t len = 0; len <= all.size(); len += 37) {
        const std::string plain = all.substr(0, len);
        std::string decoded;
        ASSERT_TRUE(base64UrlDecode(base64UrlEncode(plain), decoded));
        EXPECT_EQ(decoded, plain);
    }
}

TEST(Base64Url, RejectsPadding) {
    std::string out;
    EXPECT_FALSE(base64UrlDecode("Zg==", out));
    EXPECT_FALSE(base64UrlDecode("Zm8=", out));
    EXPECT_FALSE(base64UrlDecode("Zm9v=", out));
}

TEST(Base64Url, RejectsCharactersOutsideUrlAlphabet) {
    std::string out;
    EXPECT_FALSE(base64UrlDecode("Zm9v+w", out));
    EXPECT_FALSE(base64UrlDecode("Zm9v/w", out));
    EXPECT_FALSE(base64UrlDecode("Zm 9v", out));
    EXPECT_FALSE(base64UrlDecode("Zm9v\n", out));
    EXPECT_FALSE(base64UrlDecode("Zm9v.", out));
    EXPECT_FALSE(base64UrlDecode(std::string("Zm\09v", 5), out));
    EXPECT_FALSE(base64UrlDecode("Zm9v\xc3\xa9", out));
}

TEST(Base64Url, RejectsImpossibleLength) {
    std::string out;
    EXPECT_FALSE(base64UrlDecode("Z", out));
    EXPECT_FALSE(base64UrlDecode("Zm9vY", out));
}

TEST(Base64Url, RejectsNonZeroTrailingBits) {
    // "Zh" and "Zm9" both decode to "f"/"fo" plus stray bits: a second spelling of the same bytes.
    std::string out;
    EXPECT_FALSE(base64UrlDecode("Zh", out));
    EXPECT_FALSE(base64UrlDecode("Zm9", out));
    EXPECT_TRUE(base64UrlDecode("Zm8", out));
}

TEST(Base64Url, LeavesOutputUntouchedOnFailure) {
    std::string out = "keep";
    EXPECT_FALSE(base64UrlDecode("Zm9v!", out));
    EXPECT_EQ(out, "keep");
}

}  // namespace
}  // namespace boxoffice::util
