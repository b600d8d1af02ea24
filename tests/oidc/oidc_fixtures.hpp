#pragma once
// The fixtures of the OIDC tests (oidc_verifier_test.cpp, oidc_jwks_url_test.cpp,
// oidc_service_test.cpp): the keys, key sets and tokens npm `jose` made (tests/oidc/make-tokens.mjs,
// run by the ctest fixture oidc.fixtures), the claim rules they were made for, and the verifier's
// test fixture with its HS256 codec.
#include <gtest/gtest.h>

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <map>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <sstream>
#include <stdexcept>
#include <string>

#include "auth/jwks_source.hpp"
#include "auth/jwt.hpp"
#include "auth/jwt_verifier.hpp"
#include "support/test_app.hpp"

namespace boxoffice::testing {

using namespace std::chrono_literals;

inline std::string fixturesDir() {
    const char* dir = std::getenv("BOXOFFICE_OIDC_FIXTURES");
    if (!dir || !*dir)
        throw std::runtime_error("BOXOFFICE_OIDC_FIXTURES is not set (ctest's oidc.fixtures makes them)");
    return dir;
}

inline std::string readFile(const std::string& path) {
    std::ifstream in(path);
    if (!in) throw std::runtime_error("cannot read " + path);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

inline const nlohmann::json& fixture(const std::string& name) {
    static std::map<std::string, nlohmann::json> cache;
    static std::mutex mu;
    std::lock_guard lock(mu);
    auto it = cache.find(name);
    if (it == cache.end()) it = cache.emplace(name, nlohmann::json::parse(readFile(fixturesDir() + "/" + name))).first;
    return it->second;
}

inline std::string token(const std::string& name) {
    const auto& tokens = fixture("tokens.json");
    if (!tokens.contains(name)) throw std::runtime_error("no fixture token " + name);
    return tokens.at(name).get<std::string>();
}

inline std::string jwksPath(const std::string& name = "jwks.json") {
    return fixturesDir() + "/" + name;
}

inline auth::ClaimRules providerRules() {
    auth::ClaimRules r;
    r.issuer = fixture("meta.json").at("issuer").get<std::string>();
    r.audiences = {fixture("meta.json").at("audience").get<std::string>()};
    return r;
}

class OidcVerifier : public ::testing::Test {
protected:
    std::unique_ptr<auth::JwksSource> fileSource(const std::string& name = "jwks.json") {
        return std::make_unique<auth::JwksSource>(name, auth::jwksFromFile(jwksPath(name)),
                                                  auth::JwksSourceSettings{1h, 1h});
    }
    void expectRejected(const auth::JwtVerifier& v, const std::string& name, const std::string& detail) {
        auto r = v.verify(token(name));
        ASSERT_FALSE(r.ok()) << name << " verified as " << r.value().userId;
        EXPECT_EQ(r.error().code, ErrorCode::Unauthenticated) << name;
        EXPECT_EQ(r.error().detail, detail) << name;
    }
    SystemClock clock_;
    auth::JwtCodec hs256_{TestApp::secret(), clock_};
};

}  // namespace boxoffice::testing
