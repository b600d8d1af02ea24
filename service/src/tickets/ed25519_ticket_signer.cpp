#include "tickets/ed25519_ticket_signer.hpp"

#include <openssl/evp.h>
#include <openssl/pem.h>

#include <stdexcept>

#include "util/hex.hpp"
#include "util/sha256.hpp"

namespace boxoffice::tickets {
namespace {

constexpr std::string_view kPrefix = "bxt1.";
constexpr std::size_t kSeedBytes = 32;
constexpr std::size_t kSignatureBytes = 64;
// A real code is under 200 characters; anything far longer is refused before any decoding.
constexpr std::size_t kMaxCodeLength = 1024;

struct MdCtx {
    EVP_MD_CTX* ctx = EVP_MD_CTX_new();
    ~MdCtx() { EVP_MD_CTX_free(ctx); }
    MdCtx() = default;
    MdCtx(const MdCtx&) = delete;
    MdCtx& operator=(const MdCtx&) = delete;
};

// Base64 (standard or url alphabet, padding optional) of the raw seed, as `openssl rand -base64 32` prints it.
std::optional<std::string> decodeSeed(std::string text) {
    while (!text.empty() && (text.back() == '\n' || text.back() == '\r' || text.back() == ' ')) text.pop_back();
    while (!text.empty() && text.back() == '=') text.pop_back();
    for (char& c : text) {
        if (c == '+') c = '-';
        if (c == '/') c = '_';
    }
    std::string raw;
    if (!util::base64UrlDecode(text, raw) || raw.size() != kSeedBytes) return std::nullopt;
    return raw;
}

std::string rawPublicKey(EVP_PKEY* key) {
    unsigned char pub[32];
    std::size_t len = sizeof pub;
    if (EVP_PKEY_get_raw_public_key(key, pub, &len) != 1 || len != sizeof pub)
        throw std::runtime_error("ticket signing key: cannot read the public key");
    return std::string(reinterpret_cast<const char*>(pub), len);
}

std::string bytesOfHex(const std::string& hex) {
    std::string out;
    for (std::size_t i = 0; i + 1 < hex.size(); i += 2)
        out.push_back(static_cast<char>(util::hexDigit(hex[i]) * 16 + util::hexDigit(hex[i + 1])));
    return out;
}

}  // namespace

std::unique_ptr<Ed25519TicketSigner> Ed25519TicketSigner::fromKeyText(const std::string& keyText) {
    EVP_PKEY* key = nullptr;
    if (keyText.find("-----BEGIN") != std::string::npos) {
        BIO* bio = BIO_new_mem_buf(keyText.data(), static_cast<int>(keyText.size()));
        if (bio) key = PEM_read_bio_PrivateKey(bio, nullptr, nullptr, nullptr);
        BIO_free(bio);
        if (!key) throw std::invalid_argument("is not a readable PEM private key");
        if (EVP_PKEY_get_id(key) != EVP_PKEY_ED25519) {
            EVP_PKEY_free(key);
            throw std::invalid_argument("is a PEM key, but not an Ed25519 one");
        }
    } else {
        auto seed = decodeSeed(keyText);
        if (!seed) throw std::invalid_argument("must be a PEM Ed25519 private key or the base64 of a 32-byte seed");
        key = EVP_PKEY_new_raw_private_key(EVP_PKEY_ED25519, nullptr,
                                           reinterpret_cast<const unsigned char*>(seed->data()), seed->size());
        if (!key) throw std::invalid_argument("is not a usable Ed25519 seed");
    }
    return std::unique_ptr<Ed25519TicketSigner>(new Ed25519TicketSigner(key));
}

std::unique_ptr<Ed25519TicketSigner> Ed25519TicketSigner::generate() {
    EVP_PKEY* key = nullptr;
    EVP_PKEY_CTX* ctx = EVP_PKEY_CTX_new_id(EVP_PKEY_ED25519, nullptr);
    const bool ok = ctx && EVP_PKEY_keygen_init(ctx) == 1 && EVP_PKEY_keygen(ctx, &key) == 1;
    EVP_PKEY_CTX_free(ctx);
    if (!ok) throw std::runtime_error("cannot generate an Ed25519 ticket signing key");
    return std::unique_ptr<Ed25519TicketSigner>(new Ed25519TicketSigner(key));
}

Ed25519TicketSigner::Ed25519TicketSigner(EVP_PKEY* key) : key_(key) {
    const std::string x = util::base64UrlEncode(rawPublicKey(key_));
    // RFC 7638: the required members in lexicographic order, no whitespace.
    kid_ = util::base64UrlEncode(bytesOfHex(util::sha256Hex(R"({"crv":"Ed25519","kty":"OKP","x":")" + x + "\"}")));
    jwk_ = {{"kty", "OKP"}, {"crv", "Ed25519"}, {"x", x}, {"kid", kid_}, {"use", "sig"}, {"alg", "EdDSA"}};
}

Ed25519TicketSigner::~Ed25519TicketSigner() {
    EVP_PKEY_free(key_);
}

std::string Ed25519TicketSigner::sign(const TicketClaims& claims) const {
    const std::string signedPart =
        std::string(kPrefix) +
        util::base64UrlEncode(claims.ticketCode + "|" + claims.showId.str() + "|" + claims.seatId.str());
    unsigned char sig[kSignatureBytes];
    std::size_t len = sizeof sig;
    MdCtx md;
    // Ed25519 hashes internally: no digest (NULL) and one-shot EVP_DigestSign only.
    if (!md.ctx || EVP_DigestSignInit(md.ctx, nullptr, nullptr, nullptr, key_) != 1 ||
        EVP_DigestSign(md.ctx, sig, &len, reinterpret_cast<const unsigned char*>(signedPart.data()),
                       signedPart.size()) != 1)
        throw std::runtime_error("Ed25519 signing failed");
    return signedPart + "." + util::base64UrlEncode(std::string_view(reinterpret_cast<const char*>(sig), len));
}

std::optional<TicketClaims> Ed25519TicketSigner::verify(std::string_view code) const {
    if (code.size() > kMaxCodeLength || code.substr(0, kPrefix.size()) != kPrefix) return std::nullopt;
    const auto dot = code.find('.', kPrefix.size());
    if (dot == std::string_view::npos) return std::nullopt;
    std::string payload, sig;
    if (!util::base64UrlDecode(code.substr(kPrefix.size(), dot - kPrefix.size()), payload) ||
        !util::base64UrlDecode(code.substr(dot + 1), sig) || sig.size() != kSignatureBytes)
        return std::nullopt;
    const std::string_view signedPart = code.substr(0, dot);
    MdCtx md;
    if (!md.ctx || EVP_DigestVerifyInit(md.ctx, nullptr, nullptr, nullptr, key_) != 1 ||
        EVP_DigestVerify(md.ctx, reinterpret_cast<const unsigned char*>(sig.data()), sig.size(),
                         reinterpret_cast<const unsigned char*>(signedPart.data()), signedPart.size()) != 1)
        return std::nullopt;
    const auto a = payload.find('|');
    const auto b = a == std::string::npos ? a : payload.find('|', a + 1);
    if (b == std::string::npos || payload.find('|', b + 1) != std::string::npos || a == 0 || b == a + 1 ||
        b + 1 == payload.size())
        return std::nullopt;
    return TicketClaims{payload.substr(0, a), ShowId{payload.substr(a + 1, b - a - 1)}, SeatId{payload.substr(b + 1)}};
}

}  // namespace boxoffice::tickets
