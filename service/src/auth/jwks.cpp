#include "auth/jwks.hpp"

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>

#include <nlohmann/json.hpp>
#include <optional>

#include "util/sha256.hpp"

namespace boxoffice::auth {
namespace {

constexpr int kMinRsaBits = 2048;
constexpr std::size_t kP256CoordinateBytes = 32;
constexpr std::size_t kMaxKeys = 100;  // a real provider publishes a handful

struct BnFree {
    void operator()(BIGNUM* b) const { BN_free(b); }
};
struct ParamBldFree {
    void operator()(OSSL_PARAM_BLD* b) const { OSSL_PARAM_BLD_free(b); }
};
struct ParamFree {
    void operator()(OSSL_PARAM* p) const { OSSL_PARAM_free(p); }
};
struct PkeyCtxFree {
    void operator()(EVP_PKEY_CTX* c) const { EVP_PKEY_CTX_free(c); }
};
struct MdCtxFree {
    void operator()(EVP_MD_CTX* c) const { EVP_MD_CTX_free(c); }
};
struct EcdsaSigFree {
    void operator()(ECDSA_SIG* s) const { ECDSA_SIG_free(s); }
};

Error jwksError(const std::string& message) {
    return Error::of(ErrorCode::Internal, message, message);
}

std::shared_ptr<EVP_PKEY> ownKey(EVP_PKEY* key) {
    return std::shared_ptr<EVP_PKEY>(key, [](EVP_PKEY* k) { EVP_PKEY_free(k); });
}

std::optional<std::string> base64UrlField(const nlohmann::json& jwk, const char* name) {
    const auto it = jwk.find(name);
    if (it == jwk.end() || !it->is_string()) return std::nullopt;
    std::string out;
    if (!util::base64UrlDecode(it->get_ref<const std::string&>(), out) || out.empty()) return std::nullopt;
    return out;
}

std::shared_ptr<EVP_PKEY> fromData(const char* type, OSSL_PARAM_BLD* bld) {
    std::unique_ptr<OSSL_PARAM, ParamFree> params(OSSL_PARAM_BLD_to_param(bld));
    std::unique_ptr<EVP_PKEY_CTX, PkeyCtxFree> ctx(EVP_PKEY_CTX_new_from_name(nullptr, type, nullptr));
    if (!params || !ctx || EVP_PKEY_fromdata_init(ctx.get()) != 1) return nullptr;
    EVP_PKEY* key = nullptr;
    if (EVP_PKEY_fromdata(ctx.get(), &key, EVP_PKEY_PUBLIC_KEY, params.get()) != 1) return nullptr;
    auto owned = ownKey(key);
    // fromdata takes the numbers as given: check the key is one (an EC point on the curve).
    std::unique_ptr<EVP_PKEY_CTX, PkeyCtxFree> check(EVP_PKEY_CTX_new_from_pkey(nullptr, key, nullptr));
    if (!check || EVP_PKEY_public_check(check.get()) != 1) return nullptr;
    return owned;
}

std::shared_ptr<EVP_PKEY> rsaKey(const nlohmann::json& jwk) {
    const auto n = base64UrlField(jwk, "n");
    const auto e = base64UrlField(jwk, "e");
    if (!n || !e) return nullptr;
    std::unique_ptr<BIGNUM, BnFree> bn(
        BN_bin2bn(reinterpret_cast<const unsigned char*>(n->data()), static_cast<int>(n->size()), nullptr));
    std::unique_ptr<BIGNUM, BnFree> be(
        BN_bin2bn(reinterpret_cast<const unsigned char*>(e->data()), static_cast<int>(e->size()), nullptr));
    std::unique_ptr<OSSL_PARAM_BLD, ParamBldFree> bld(OSSL_PARAM_BLD_new());
    if (!bn || !be || !bld || BN_num_bits(bn.get()) < kMinRsaBits) return nullptr;
    if (OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_RSA_N, bn.get()) != 1 ||
        OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_RSA_E, be.get()) != 1)
        return nullptr;
    return fromData("RSA", bld.get());
}

std::shared_ptr<EVP_PKEY> p256Key(const nlohmann::json& jwk) {
    const auto crv = jwk.find("crv");
    if (crv == jwk.end() || !crv->is_string() || crv->get_ref<const std::string&>() != "P-256") return nullptr;
    const auto x = base64UrlField(jwk, "x");
    const auto y = base64UrlField(jwk, "y");
    if (!x || !y || x->size() != kP256CoordinateBytes || y->size() != kP256CoordinateBytes) return nullptr;
    std::string point = "\x04" + *x + *y;  // uncompressed SEC1 point
    std::unique_ptr<OSSL_PARAM_BLD, ParamBldFree> bld(OSSL_PARAM_BLD_new());
    if (!bld) return nullptr;
    static constexpr char kGroup[] = "prime256v1";
    if (OSSL_PARAM_BLD_push_utf8_string(bld.get(), OSSL_PKEY_PARAM_GROUP_NAME, kGroup, 0) != 1 ||
        OSSL_PARAM_BLD_push_octet_string(bld.get(), OSSL_PKEY_PARAM_PUB_KEY, point.data(), point.size()) != 1)
        return nullptr;
    return fromData("EC", bld.get());
}

bool usableForSignatures(const nlohmann::json& jwk) {
    if (const auto use = jwk.find("use"); use != jwk.end() && *use != "sig") return false;
    if (const auto ops = jwk.find("key_ops"); ops != jwk.end()) {
        if (!ops->is_array()) return false;
        bool verify = false;
        for (const auto& op : *ops) verify = verify || op == "verify";
        if (!verify) return false;
    }
    return true;
}

std::optional<Jwk> parseKey(const nlohmann::json& jwk) {
    if (!jwk.is_object() || !usableForSignatures(jwk)) return std::nullopt;
    const auto kty = jwk.find("kty");
    if (kty == jwk.end() || !kty->is_string()) return std::nullopt;
    Jwk out;
    if (*kty == "RSA") {
        out.alg = JwsAlg::RS256;
        out.key = rsaKey(jwk);
    } else if (*kty == "EC") {
        out.alg = JwsAlg::ES256;
        out.key = p256Key(jwk);
    } else {
        return std::nullopt;  // "oct" among them: see the header
    }
    if (!out.key) return std::nullopt;
    // RSA keys published for PS256/RS512 and the like are not ours to use with RS256.
    if (const auto alg = jwk.find("alg"); alg != jwk.end() && *alg != jwsAlgName(out.alg)) return std::nullopt;
    if (const auto kid = jwk.find("kid"); kid != jwk.end()) {
        if (!kid->is_string()) return std::nullopt;
        out.kid = kid->get<std::string>();
    }
    return out;
}

// JWS carries ECDSA signatures as R || S (RFC 7518 3.4); OpenSSL verifies DER SEQUENCE{r, s}.
std::optional<std::string> ecdsaDer(std::string_view raw) {
    if (raw.size() != 2 * kP256CoordinateBytes) return std::nullopt;
    const auto* bytes = reinterpret_cast<const unsigned char*>(raw.data());
    std::unique_ptr<ECDSA_SIG, EcdsaSigFree> sig(ECDSA_SIG_new());
    BIGNUM* r = BN_bin2bn(bytes, kP256CoordinateBytes, nullptr);
    BIGNUM* s = BN_bin2bn(bytes + kP256CoordinateBytes, kP256CoordinateBytes, nullptr);
    if (!sig || !r || !s || ECDSA_SIG_set0(sig.get(), r, s) != 1) {
        BN_free(r);
        BN_free(s);
        return std::nullopt;
    }
    unsigned char* der = nullptr;
    const int len = i2d_ECDSA_SIG(sig.get(), &der);
    if (len <= 0) return std::nullopt;
    std::string out(reinterpret_cast<const char*>(der), static_cast<std::size_t>(len));
    OPENSSL_free(der);
    return out;
}

}  // namespace

std::string_view jwsAlgName(JwsAlg alg) {
    return alg == JwsAlg::ES256 ? "ES256" : "RS256";
}

Result<std::shared_ptr<const JwkSet>> JwkSet::parse(std::string_view json) {
    const auto doc = nlohmann::json::parse(json, nullptr, /*allow_exceptions=*/false);
    if (doc.is_discarded() || !doc.is_object()) return jwksError("JWKS is not a JSON object");
    const auto keys = doc.find("keys");
    if (keys == doc.end() || !keys->is_array()) return jwksError("JWKS has no \"keys\" array");
    if (keys->size() > kMaxKeys) return jwksError("JWKS has more than 100 keys");
    auto set = std::make_shared<JwkSet>();
    try {
        for (const auto& jwk : *keys) {
            if (auto key = parseKey(jwk))
                set->keys_.push_back(std::move(*key));
            else
                ++set->skipped_;
        }
    } catch (const nlohmann::json::exception&) {
        return jwksError("JWKS key is malformed");
    }
    if (set->keys_.empty()) return jwksError("JWKS has no RS256 or ES256 signing key");
    return std::shared_ptr<const JwkSet>(std::move(set));
}

const Jwk* JwkSet::find(std::string_view kid, bool hasKid, JwsAlg alg) const {
    if (hasKid) {
        for (const auto& k : keys_)
            if (k.kid == kid) return &k;
        return nullptr;
    }
    const Jwk* only = nullptr;
    for (const auto& k : keys_) {
        if (k.alg != alg) continue;
        if (only) return nullptr;
        only = &k;
    }
    return only;
}

bool JwkSet::hasKid(std::string_view kid) const {
    for (const auto& k : keys_)
        if (k.kid == kid) return true;
    return false;
}

bool verifySignature(const Jwk& key, JwsAlg alg, std::string_view signingInput, std::string_view signature) {
    if (key.alg != alg || !key.key) return false;
    std::string der;
    if (alg == JwsAlg::ES256) {
        auto converted = ecdsaDer(signature);
        if (!converted) return false;
        der = std::move(*converted);
        signature = der;
    } else if (signature.size() != static_cast<std::size_t>(EVP_PKEY_get_size(key.key.get()))) {
        return false;
    }
    std::unique_ptr<EVP_MD_CTX, MdCtxFree> ctx(EVP_MD_CTX_new());
    if (!ctx || EVP_DigestVerifyInit(ctx.get(), nullptr, EVP_sha256(), nullptr, key.key.get()) != 1) return false;
    return EVP_DigestVerify(ctx.get(), reinterpret_cast<const unsigned char*>(signature.data()), signature.size(),
                            reinterpret_cast<const unsigned char*>(signingInput.data()), signingInput.size()) == 1;
}

}  // namespace boxoffice::auth
