#pragma once
// JSON Web Key Sets (RFC 7517) of an identity provider, reduced to the public keys this service can
// verify with: RSA (`n`, `e`, at least 2048 bits) for RS256, EC P-256 (`x`, `y`) for ES256.
// Symmetric (`oct`) keys are never taken from a key set: an HS256 token verifies only against the
// configured shared secret, so a public key can never be used as an HMAC secret.
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "domain/result.hpp"

typedef struct evp_pkey_st EVP_PKEY;

namespace boxoffice::auth {

enum class JwsAlg { RS256, ES256 };

std::string_view jwsAlgName(JwsAlg alg);

struct Jwk {
    std::string kid;                // may be empty (then only a kid-less token can pick it)
    JwsAlg alg = JwsAlg::RS256;     // from `kty` (and `crv`); a declared `alg` must agree
    std::shared_ptr<EVP_PKEY> key;  // public key, immutable once built
};

class JwkSet {
public:
    /// Parses a JWKS document. Keys this service cannot use (other `kty`/`crv`, `use` other than
    /// "sig", `key_ops` without "verify", `alg` other than RS256/ES256 or not matching the key type,
    /// RSA under 2048 bits, a point off the curve) are skipped and counted in skipped(); a document
    /// that is not a JWKS, or that leaves no usable key, is an error.
    static Result<std::shared_ptr<const JwkSet>> parse(std::string_view json);

    /// The key for a token's `kid` and `alg`: nullptr when no key has that kid. A kid-less token
    /// picks the only key of its algorithm (nullptr when there are none or several).
    const Jwk* find(std::string_view kid, bool hasKid, JwsAlg alg) const;
    bool hasKid(std::string_view kid) const;
    const std::vector<Jwk>& keys() const { return keys_; }
    int skipped() const { return skipped_; }

private:
    std::vector<Jwk> keys_;
    int skipped_ = 0;
};

/// Checks a JWS signature over `signingInput` with `key` (SHA-256). For ES256 `signature` is the
/// JWS form (R || S, 64 bytes), converted to DER for OpenSSL here. False for any mismatch, a
/// signature of the wrong length, or a key of the wrong type.
bool verifySignature(const Jwk& key, JwsAlg alg, std::string_view signingInput, std::string_view signature);

}  // namespace boxoffice::auth
