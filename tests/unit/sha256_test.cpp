#include "util/sha256.hpp"

#include <gtest/gtest.h>

#include <string>

namespace boxoffice::util {
namespace {

TEST(Sha256, KnownVectors) {
    EXPECT_EQ(sha256Hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    EXPECT_EQ(sha256Hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    EXPECT_EQ(sha256Hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"),
              "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
    EXPECT_EQ(sha256Hex(std::string(1000000, 'a')), "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
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
