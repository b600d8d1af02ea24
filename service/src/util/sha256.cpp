#include "util/sha256.hpp"

#include "util/hex.hpp"

#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>

#include <array>
#include <cstdint>
#include <memory>
#include <stdexcept>

namespace boxoffice::util {

namespace {

constexpr char kUrlAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

constexpr std::array<std::int8_t, 256> makeDecodeTable() {
    std::array<std::int8_t, 256> table{};
    for (auto& v : table) v = -1;
    for (int i = 0; i < 64; ++i) table[static_cast<unsigned char>(kUrlAlphabet[i])] = static_cast<std::int8_t>(i);
    return table;
}
constexpr auto kDecodeTable = makeDecodeTable();

struct MdCtxDeleter {
    void operator()(EVP_MD_CTX* ctx) const { EVP_MD_CTX_free(ctx); }
};

std::string digestHex(const EVP_MD* md, std::string_view data) {
    std::unique_ptr<EVP_MD_CTX, MdCtxDeleter> ctx(EVP_MD_CTX_new());
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    // These only fail on allocation failure or a broken OpenSSL build: a bug, not an expected outcome.
    if (!ctx || EVP_DigestInit_ex(ctx.get(), md, nullptr) != 1 ||
        EVP_DigestUpdate(ctx.get(), data.data(), data.size()) != 1 ||
        EVP_DigestFinal_ex(ctx.get(), digest, &len) != 1) {
        throw std::runtime_error("OpenSSL EVP digest failed");
    }
    return hexLower(digest, len);
}

}  // namespace

std::array<unsigned char, 32> hmacSha256(std::string_view key, std::string_view data) {
    std::array<unsigned char, 32> mac{};
    unsigned int len = 0;
    const auto* out = HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
                           reinterpret_cast<const unsigned char*>(data.data()), data.size(), mac.data(), &len);
    // Only an allocation failure or a broken OpenSSL gets here: a bug, not a bad token.
    if (out == nullptr || len != mac.size()) throw std::runtime_error("HMAC-SHA256 failed");
    return mac;
}

std::string randomBytes(std::size_t n) {
    std::string out(n, '\0');
    if (n > 0 && RAND_bytes(reinterpret_cast<unsigned char*>(out.data()), static_cast<int>(n)) != 1)
        throw std::runtime_error("RAND_bytes failed");
    return out;
}

std::string sha256Hex(std::string_view data) {
    return digestHex(EVP_sha256(), data);
}

std::string sha1Hex(std::string_view data) {
    return digestHex(EVP_sha1(), data);
}

std::string base64UrlEncode(std::string_view data) {
    std::string out;
    out.reserve((data.size() + 2) / 3 * 4);
    std::size_t i = 0;
    for (; i + 3 <= data.size(); i += 3) {
        const std::uint32_t n = (static_cast<std::uint32_t>(static_cast<unsigned char>(data[i])) << 16) |
                                (static_cast<std::uint32_t>(static_cast<unsigned char>(data[i + 1])) << 8) |
                                static_cast<std::uint32_t>(static_cast<unsigned char>(data[i + 2]));
        out.push_back(kUrlAlphabet[(n >> 18) & 0x3F]);
        out.push_back(kUrlAlphabet[(n >> 12) & 0x3F]);
        out.push_back(kUrlAlphabet[(n >> 6) & 0x3F]);
        out.push_back(kUrlAlphabet[n & 0x3F]);
    }
    const std::size_t rest = data.size() - i;
    if (rest == 1) {
        const std::uint32_t n = static_cast<std::uint32_t>(static_cast<unsigned char>(data[i])) << 16;
        out.push_back(kUrlAlphabet[(n >> 18) & 0x3F]);
        out.push_back(kUrlAlphabet[(n >> 12) & 0x3F]);
    } else if (rest == 2) {
        const std::uint32_t n = (static_cast<std::uint32_t>(static_cast<unsigned char>(data[i])) << 16) |
                                (static_cast<std::uint32_t>(static_cast<unsigned char>(data[i + 1])) << 8);
        out.push_back(kUrlAlphabet[(n >> 18) & 0x3F]);
        out.push_back(kUrlAlphabet[(n >> 12) & 0x3F]);
        out.push_back(kUrlAlphabet[(n >> 6) & 0x3F]);
    }
    return out;
}

bool base64UrlDecode(std::string_view in, std::string& out) {
    // A single leftover character carries only 6 bits: no byte can end there.
    if (in.size() % 4 == 1) return false;
    std::string result;
    result.reserve(in.size() / 4 * 3 + 2);
    std::uint32_t acc = 0;
    int bits = 0;
    for (const char c : in) {
        const std::int8_t v = kDecodeTable[static_cast<unsigned char>(c)];
        if (v < 0) return false;  // includes '=', '+', '/', whitespace
        acc = (acc << 6) | static_cast<std::uint32_t>(v);
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            result.push_back(static_cast<char>((acc >> bits) & 0xFF));
        }
    }
    // Non-zero unused trailing bits would let several encodings decode to the same bytes; a JWT
    // signature must have exactly one spelling, so reject them (RFC 4648 section 3.5).
    if (bits > 0 && (acc & ((1u << bits) - 1)) != 0) return false;
    out = std::move(result);
    return true;
}

}  // namespace boxoffice::util
