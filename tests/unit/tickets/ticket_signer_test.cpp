// Ticket codes signed with Ed25519: what verifies, what does not, and that the key text formats
// the configuration accepts give the key they should. No network, no server.
#include <gtest/gtest.h>

#include <openssl/evp.h>
#include <openssl/pem.h>

#include "tickets/ed25519_ticket_signer.hpp"
#include "util/sha256.hpp"

namespace boxoffice::tickets {
namespace {

const TicketClaims kClaims{"T-0123456789ABCDEF", ShowId{"00000000-0000-4000-8000-00000000d003"}, SeatId{"FLOOR1-A-12"}};

// The three dot-separated parts of a code.
std::vector<std::string> partsOf(const std::string& code) {
    std::vector<std::string> out;
    std::size_t start = 0;
    for (std::size_t dot; (dot = code.find('.', start)) != std::string::npos; start = dot + 1)
        out.push_back(code.substr(start, dot - start));
    out.push_back(code.substr(start));
    return out;
}

// Flips one bit of the decoded bytes of part `index` and encodes the code again.
std::string withFlippedBit(const std::string& code, std::size_t index, std::size_t byte) {
    auto parts = partsOf(code);
    std::string raw;
    EXPECT_TRUE(util::base64UrlDecode(parts[index], raw));
    raw[byte % raw.size()] = static_cast<char>(raw[byte % raw.size()] ^ 0x01);
    parts[index] = util::base64UrlEncode(raw);
    return parts[0] + "." + parts[1] + "." + parts[2];
}

class TicketSigner : public ::testing::Test {
protected:
    std::unique_ptr<Ed25519TicketSigner> signer_ = Ed25519TicketSigner::generate();
};

TEST_F(TicketSigner, AValidCodeVerifiesToItsClaimsAndIsCompactAndUrlSafe) {
    const std::string code = signer_->sign(kClaims);
    EXPECT_EQ(code.rfind("bxt1.", 0), 0u);
    EXPECT_LT(code.size(), 200u);
    EXPECT_EQ(code.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_."),
              std::string::npos);
    auto claims = signer_->verify(code);
    ASSERT_TRUE(claims);
    EXPECT_EQ(claims->ticketCode, kClaims.ticketCode);
    EXPECT_EQ(claims->showId, kClaims.showId);
    EXPECT_EQ(claims->seatId, kClaims.seatId);
    EXPECT_EQ(signer_->sign(kClaims), code) << "Ed25519 is deterministic: one ticket, one code";
}

TEST_F(TicketSigner, ATamperedPayloadDoesNotVerify) {
    const std::string code = signer_->sign(kClaims);
    for (std::size_t byte : {0u, 5u, 20u, 40u}) EXPECT_FALSE(signer_->verify(withFlippedBit(code, 1, byte))) << byte;
    // Another seat's payload under this ticket's signature.
    auto parts = partsOf(code);
    const std::string other = util::base64UrlEncode(kClaims.ticketCode + "|" + kClaims.showId.str() + "|FLOOR1-A-13");
    EXPECT_FALSE(signer_->verify(parts[0] + "." + other + "." + parts[2]));
}

TEST_F(TicketSigner, ATamperedSignatureDoesNotVerify) {
    const std::string code = signer_->sign(kClaims);
    for (std::size_t byte : {0u, 31u, 32u, 63u}) EXPECT_FALSE(signer_->verify(withFlippedBit(code, 2, byte))) << byte;
}

TEST_F(TicketSigner, ACodeOfAnotherKeyDoesNotVerify) {
    auto other = Ed25519TicketSigner::generate();
    EXPECT_NE(other->keyId(), signer_->keyId());
    EXPECT_FALSE(signer_->verify(other->sign(kClaims)));
    EXPECT_TRUE(other->verify(other->sign(kClaims)));
}

TEST_F(TicketSigner, TruncatedCodesDoNotVerify) {
    const std::string code = signer_->sign(kClaims);
    for (std::size_t n = 0; n < code.size(); ++n) EXPECT_FALSE(signer_->verify(code.substr(0, n))) << n;
}

TEST_F(TicketSigner, GarbageDoesNotVerify) {
    const std::string code = signer_->sign(kClaims);
    auto parts = partsOf(code);
    for (const std::string& junk :
         {std::string{}, std::string("bxt1."), std::string("bxt1.."), std::string("T-0123456789ABCDEF"),
          std::string("bxt2.") + parts[1] + "." + parts[2], code + ".", code + "A", "bxt1.!!!!." + parts[2],
          parts[0] + "." + parts[1] + "." + parts[2] + "=", std::string(5000, 'A'), std::string("bxt1.\0\0.x", 10)})
        EXPECT_FALSE(signer_->verify(junk)) << junk.substr(0, 60);
    // A correctly signed payload that is not three fields is refused too.
    EXPECT_FALSE(signer_->verify(signer_->sign({"T-1|x", ShowId{"s"}, SeatId{"A-1"}})));
}

TEST(TicketKey, ASeedInBase64OrBase64UrlGivesTheSameKey) {
    std::string seed(32, '\0');
    for (std::size_t i = 0; i < seed.size(); ++i) seed[i] = static_cast<char>(i * 7 + 250);
    const std::string url = util::base64UrlEncode(seed);
    std::string standard = url;
    for (char& c : standard) c = c == '-' ? '+' : c == '_' ? '/' : c;
    auto a = Ed25519TicketSigner::fromKeyText(url);
    auto b = Ed25519TicketSigner::fromKeyText(standard + "=\n");
    EXPECT_EQ(a->keyId(), b->keyId());
    EXPECT_TRUE(b->verify(a->sign(kClaims))) << "a key from config verifies across restarts";
    EXPECT_EQ(a->publicJwk()["kty"], "OKP");
    EXPECT_EQ(a->publicJwk()["crv"], "Ed25519");
    EXPECT_EQ(a->publicJwk()["alg"], "EdDSA");
    EXPECT_EQ(a->publicJwk()["use"], "sig");
    std::string x;
    ASSERT_TRUE(util::base64UrlDecode(a->publicJwk()["x"].get<std::string>(), x));
    EXPECT_EQ(x.size(), 32u);
}

TEST(TicketKey, APemKeyIsReadAndMatchesItsRawPublicKey) {
    EVP_PKEY* key = nullptr;
    EVP_PKEY_CTX* ctx = EVP_PKEY_CTX_new_id(EVP_PKEY_ED25519, nullptr);
    ASSERT_TRUE(ctx && EVP_PKEY_keygen_init(ctx) == 1 && EVP_PKEY_keygen(ctx, &key) == 1);
    EVP_PKEY_CTX_free(ctx);
    BIO* bio = BIO_new(BIO_s_mem());
    ASSERT_EQ(PEM_write_bio_PrivateKey(bio, key, nullptr, nullptr, 0, nullptr, nullptr), 1);
    char* data = nullptr;
    const long len = BIO_get_mem_data(bio, &data);
    const std::string pem(data, static_cast<std::size_t>(len));
    BIO_free(bio);
    unsigned char pub[32];
    std::size_t publen = sizeof pub;
    ASSERT_EQ(EVP_PKEY_get_raw_public_key(key, pub, &publen), 1);
    EVP_PKEY_free(key);

    auto signer = Ed25519TicketSigner::fromKeyText(pem);
    EXPECT_EQ(signer->publicJwk()["x"],
              util::base64UrlEncode(std::string_view(reinterpret_cast<const char*>(pub), publen)));
}

TEST(TicketKey, AnythingElseIsRefusedWithoutEchoingIt) {
    for (const std::string& bad : {std::string("c2hvcnQ"), std::string(44, '!'),
                                   std::string("-----BEGIN PRIVATE KEY-----\nnope\n-----END PRIVATE KEY-----\n")}) {
        try {
            (void)Ed25519TicketSigner::fromKeyText(bad);
            ADD_FAILURE() << "accepted " << bad;
        } catch (const std::invalid_argument& e) {
            EXPECT_EQ(std::string(e.what()).find(bad), std::string::npos);
        }
    }
}

}  // namespace
}  // namespace boxoffice::tickets
