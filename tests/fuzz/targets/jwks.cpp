// The JWKS reader (auth/jwks) on documents an identity provider, or whoever answers in its place,
// could serve. A document that parses has at least one usable key, every key has a public key of
// the type its algorithm needs, a key is found by its kid, and no key verifies a signature made of
// the input's own bytes (a forged RS256 or ES256 signature never passes).
#include <string>
#include <string_view>

#include "auth/jwks.hpp"
#include "fuzz_target.hpp"

namespace boxoffice::fuzz {
namespace {

void jwks(std::string_view input) {
    auto set = auth::JwkSet::parse(input);
    if (!set) {
        FUZZ_CHECK(set.error().code == ErrorCode::Unauthenticated || !set.error().detail.empty());
        return;
    }
    const auto& keys = (*set)->keys();
    FUZZ_CHECK(!keys.empty());
    FUZZ_CHECK((*set)->skipped() >= 0);
    for (const auto& k : keys) {
        FUZZ_CHECK(k.key != nullptr);
        if (!k.kid.empty()) {
            FUZZ_CHECK((*set)->hasKid(k.kid));
            const auto* found = (*set)->find(k.kid, true, k.alg);
            FUZZ_CHECK(found != nullptr && found->kid == k.kid);
        }
        const std::string forged(k.alg == auth::JwsAlg::ES256 ? 64 : 256, input.empty() ? 'x' : input.back());
        FUZZ_CHECK(!auth::verifySignature(k, k.alg, input, forged));
        FUZZ_CHECK(!auth::verifySignature(k, k.alg, input, input));
    }
}

}  // namespace
}  // namespace boxoffice::fuzz

BOXOFFICE_FUZZ_TARGET(jwks, boxoffice::fuzz::jwks)
