// GET /openapi.json, and the document kept true: every registered route is documented with its
// access rule and problem responses, and nothing documented is missing from the route table.
// A new route without documentation in service/openapi.json fails here.
#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <memory>
#include <set>
#include <string>

#include "http/router.hpp"
#include "support/test_app.hpp"
#include "util/sha256.hpp"

namespace boxoffice::testing {
namespace {

using nlohmann::json;

const std::set<std::string> kOperationKeys = {"get", "put", "post", "delete", "options", "head", "patch", "trace"};

std::string lowerMethod(http::Method m) {
    std::string s(http::methodName(m));
    std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return s;
}

// Follows one local "$ref" ("#/components/responses/NotFound") inside the document.
const json& resolve(const json& doc, const json& node) {
    if (!node.is_object() || !node.contains("$ref")) return node;
    const std::string ref = node["$ref"].get<std::string>();
    if (ref.rfind("#/", 0) != 0) return node;
    return doc.at(json::json_pointer(ref.substr(1)));
}

class OpenApi : public ::testing::Test {
protected:
    static void SetUpTestSuite() {
        app_ = std::make_unique<TestApp>(Backend::Sqlite);
        auto r = app_->client().get("/openapi.json");
        status_ = r.status;
        contentType_ = r.header("content-type");
        etag_ = r.header("etag");
        body_ = r.body;
        doc_ = json::parse(r.body, nullptr, /*allow_exceptions=*/false);
    }
    static void TearDownTestSuite() { app_.reset(); }

    void SetUp() override {
        ASSERT_EQ(status_, 200) << body_;
        ASSERT_FALSE(doc_.is_discarded()) << "GET /openapi.json is not JSON";
        ASSERT_TRUE(doc_.contains("paths") && doc_["paths"].is_object());
    }

    static const std::vector<http::Route>& routes() { return app_->app().router().routes(); }

    /// The documented operation for a route, or nullptr.
    static const json* operation(const std::string& pattern, const std::string& method) {
        const json& paths = doc_["paths"];
        auto p = paths.find(pattern);
        if (p == paths.end() || !p->is_object()) return nullptr;
        auto o = p->find(method);
        return o == p->end() ? nullptr : &*o;
    }

    static inline std::unique_ptr<TestApp> app_;
    static inline int status_ = 0;
    static inline std::string contentType_;
    static inline std::string etag_;
    static inline std::string body_;
    static inline json doc_;
};

TEST_F(OpenApi, ServedAsOpenApi3Json) {
    EXPECT_EQ(contentType_, "application/json");
    ASSERT_TRUE(doc_.contains("openapi") && doc_["openapi"].is_string());
    EXPECT_EQ(doc_["openapi"].get<std::string>().rfind("3.", 0), 0u) << doc_["openapi"];
    EXPECT_TRUE(doc_.contains("info") && doc_["info"].contains("version"));
    ASSERT_TRUE(doc_["components"]["securitySchemes"].contains("bearerAuth"));
    EXPECT_EQ(doc_["components"]["securitySchemes"]["bearerAuth"]["scheme"], "bearer");
    EXPECT_TRUE(doc_["components"]["schemas"].contains("Problem"));
}

TEST_F(OpenApi, ETagRevalidationAnswers304) {
    EXPECT_EQ(etag_, "\"" + util::sha256Hex(body_) + "\"");
    auto c = app_->client();
    auto again = c.get("/openapi.json", {"If-None-Match: " + etag_});
    EXPECT_EQ(again.status, 304);
    EXPECT_TRUE(again.body.empty());
    EXPECT_EQ(again.header("etag"), etag_);
    EXPECT_EQ(c.get("/openapi.json", {"If-None-Match: \"stale\""}).status, 200);
}

TEST_F(OpenApi, EveryRegisteredRouteIsDocumented) {
    ASSERT_FALSE(routes().empty());
    for (const auto& route : routes()) {
        const std::string method = lowerMethod(route.method);
        EXPECT_NE(operation(route.pattern, method), nullptr)
            << method << " " << route.pattern << " is registered but not documented in service/openapi.json";
    }
}

TEST_F(OpenApi, EveryDocumentedOperationIsRegistered) {
    std::set<std::pair<std::string, std::string>> registered;
    for (const auto& route : routes()) registered.emplace(route.pattern, lowerMethod(route.method));
    for (const auto& [path, item] : doc_["paths"].items()) {
        for (const auto& [key, op] : item.items()) {
            if (!kOperationKeys.count(key)) continue;
            EXPECT_TRUE(registered.count({path, key}))
                << key << " " << path << " is documented in service/openapi.json but the service does not register it";
        }
    }
}

TEST_F(OpenApi, EveryOperationDocumentsProblemResponses) {
    const std::set<std::string> exempt = {"/healthz", "/openapi.json"};
    for (const auto& [path, item] : doc_["paths"].items()) {
        for (const auto& [key, op] : item.items()) {
            if (!kOperationKeys.count(key)) continue;
            ASSERT_TRUE(op.contains("responses") && op["responses"].is_object()) << key << " " << path;
            if (exempt.count(path)) continue;
            bool problem4xx = false;
            for (const auto& [status, resp] : op["responses"].items()) {
                if (status.size() != 3 || status[0] != '4') continue;
                const json& r = resolve(doc_, resp);
                const auto content = r.find("content");
                if (content == r.end()) continue;
                const auto media = content->find("application/problem+json");
                if (media == content->end() || !media->contains("schema")) continue;
                const json& schema = (*media)["schema"];
                if (schema.value("$ref", "") == "#/components/schemas/Problem") problem4xx = true;
            }
            EXPECT_TRUE(problem4xx) << key << " " << path << " documents no 4xx response with the Problem schema";
        }
    }
}

TEST_F(OpenApi, SecurityMatchesEachRoutesAccessRule) {
    for (const auto& route : routes()) {
        const std::string method = lowerMethod(route.method);
        const json* op = operation(route.pattern, method);
        if (!op) continue;  // reported by EveryRegisteredRouteIsDocumented
        ASSERT_TRUE(op->contains("security")) << method << " " << route.pattern << " has no `security`";
        const json& security = (*op)["security"];
        ASSERT_TRUE(security.is_array()) << method << " " << route.pattern;
        if (route.access == http::Access::Public) {
            EXPECT_TRUE(security.empty()) << method << " " << route.pattern << " is public: expected `security: []`";
        } else {
            const bool bearer = std::any_of(security.begin(), security.end(), [](const json& req) {
                return req.is_object() && req.contains("bearerAuth");
            });
            EXPECT_TRUE(bearer) << method << " " << route.pattern << " needs a token: expected bearerAuth";
            // Every protected route can answer 401; admin routes also 403.
            EXPECT_TRUE((*op)["responses"].contains("401")) << method << " " << route.pattern;
            if (route.access == http::Access::Admin) {
                EXPECT_TRUE((*op)["responses"].contains("403")) << method << " " << route.pattern;
            }
        }
    }
}

TEST_F(OpenApi, PathParametersAreDeclared) {
    // Each {param} of a documented path is declared as a path parameter (operation or path level).
    for (const auto& [path, item] : doc_["paths"].items()) {
        std::set<std::string> inPath;
        for (std::size_t open = path.find('{'); open != std::string::npos; open = path.find('{', open + 1))
            inPath.insert(path.substr(open + 1, path.find('}', open) - open - 1));
        for (const auto& [key, op] : item.items()) {
            if (!kOperationKeys.count(key)) continue;
            std::set<std::string> declared;
            for (const json* params : {item.contains("parameters") ? &item["parameters"] : nullptr,
                                       op.contains("parameters") ? &op["parameters"] : nullptr}) {
                if (!params) continue;
                for (const auto& p : *params) {
                    const json& param = resolve(doc_, p);
                    if (param.value("in", "") == "path") declared.insert(param.value("name", ""));
                }
            }
            EXPECT_EQ(declared, inPath) << key << " " << path;
        }
    }
}

}  // namespace
}  // namespace boxoffice::testing
