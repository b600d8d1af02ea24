// The relay's credential sources beyond static keys, against moto_server: the ECS container
// endpoint with its authorization token, and a web identity (IRSA) exchanged at moto's STS.
#include "integration/sqs/sqs_relay_support.hpp"

namespace boxoffice::testing {
namespace {

using nlohmann::json;
using namespace std::chrono_literals;

TEST(SqsCredentials, EcsContainerEndpointWithItsToken) {
    SqsTestClient sqs;
    const std::string queue = sqs.createQueue("ecs", false);
    const TestEnv& env = TestEnv::get();
    std::atomic<int> calls{0};
    std::atomic<bool> tokenOk{true};
    TinyHttpServer ecs([&](const TinyRequest& r) {
        ++calls;
        if (r.target != "/v2/credentials/abc" || r.headers.count("authorization") == 0 ||
            r.headers.at("authorization") != "ecs-token-123") {
            tokenOk = false;
            return TinyResponse{401, "application/json", R"({"message":"no"})"};
        }
        // The agent hands out the task role's temporary credentials: here real temporary
        // credentials of the test role from moto's STS, so moto's SQS checks their session token.
        // (moto's AssumeRole enforces a trust policy the test role does not have for users.)
        messaging::HttpRequest f;
        f.method = "POST";
        f.url = env.motoUrl + "/";
        f.headers = {"Content-Type: application/x-www-form-urlencoded"};
        f.body =
            "Action=AssumeRoleWithWebIdentity&Version=2011-06-15&RoleSessionName=ecs-task&WebIdentityToken=t&"
            "RoleArn=" +
            messaging::formEncode(env.motoRoleArn);
        f.sigv4 = "aws:amz:us-east-1:sts";
        f.accessKeyId = env.motoAccessKeyId;
        f.secretAccessKey = env.motoSecretAccessKey;
        auto res = messaging::perform(f);
        auto creds = messaging::parseAssumeRoleResponse(res.body);
        if (!creds) return TinyResponse{500, "application/json", R"({"message":"sts failed"})"};
        return TinyResponse{200, "application/json",
                            json{{"AccessKeyId", creds->accessKeyId},
                                 {"SecretAccessKey", creds->secretAccessKey},
                                 {"Token", creds->sessionToken},
                                 {"Expiration", formatRfc3339(creds->expiresAt)}}
                                .dump()};
    });
    TestApp app(Backend::Sqlite, [&](app::Config& c) {
        useQueue(c, queue);
        c.outbox.aws.accessKeyId.clear();
        c.outbox.aws.secretAccessKey.clear();
        c.outbox.aws.containerFullUri = ecs.url() + "/v2/credentials/abc";
        c.outbox.aws.containerAuthToken = "ecs-token-123";
    });
    Booker booker(app);
    booker.bookMany(3);
    const auto rows = outboxRows(app.app().database());
    auto messages = sqs.drain(queue, rows.size());
    EXPECT_EQ(countById(messages).size(), rows.size());
    EXPECT_EQ(rows.size(), 6u);
    EXPECT_GE(calls.load(), 1);
    EXPECT_TRUE(tokenOk.load()) << "the endpoint was called with its path and authorization token";
}

TEST(SqsCredentials, WebIdentityExchangedAtMotoSts) {
    SqsTestClient sqs;
    const std::string queue = sqs.createQueue("irsa", false);
    const TestEnv& env = TestEnv::get();
    const std::string tokenFile = std::filesystem::temp_directory_path() / ("irsa-token-" + std::to_string(::getpid()));
    std::ofstream(tokenFile) << "eyJhbGciOiJSUzI1NiJ9.projected-token.sig\n";
    // moto insists on a signature even for AssumeRoleWithWebIdentity, which real STS accepts
    // unsigned; this front checks what the relay sends, then forwards it to moto signed with the
    // test user's keys. The credentials moto's STS issues are then checked by moto's SQS.
    std::atomic<int> exchanges{0};
    std::string issuedKey;
    std::mutex mu;
    TinyHttpServer sts([&](const TinyRequest& r) {
        if (r.body.find("Action=AssumeRoleWithWebIdentity") == std::string::npos ||
            r.body.find("WebIdentityToken=eyJhbGciOiJSUzI1NiJ9.projected-token.sig") == std::string::npos ||
            r.body.find("RoleArn=" + messaging::formEncode(env.motoRoleArn)) == std::string::npos)
            return TinyResponse{400, "text/xml", "<Error><Code>Unexpected</Code></Error>"};
        messaging::HttpRequest f;
        f.method = "POST";
        f.url = env.motoUrl + "/";
        f.headers = {"Content-Type: application/x-www-form-urlencoded"};
        f.body = r.body;
        f.sigv4 = "aws:amz:us-east-1:sts";
        f.accessKeyId = env.motoAccessKeyId;
        f.secretAccessKey = env.motoSecretAccessKey;
        auto res = messaging::perform(f);
        ++exchanges;
        if (auto creds = messaging::parseAssumeRoleResponse(res.body)) {
            std::lock_guard lock(mu);
            issuedKey = creds->accessKeyId;
        }
        return TinyResponse{static_cast<int>(res.status), "text/xml", res.body};
    });
    TestApp app(Backend::Sqlite, [&](app::Config& c) {
        useQueue(c, queue);
        c.outbox.aws.accessKeyId.clear();
        c.outbox.aws.secretAccessKey.clear();
        c.outbox.aws.webIdentityTokenFile = tokenFile;
        c.outbox.aws.roleArn = env.motoRoleArn;
        c.outbox.aws.stsEndpoint = sts.url() + "/";
    });
    Booker booker(app);
    booker.bookMany(3);
    const auto rows = outboxRows(app.app().database());
    auto messages = sqs.drain(queue, rows.size());
    EXPECT_EQ(countById(messages).size(), rows.size());
    EXPECT_EQ(rows.size(), 6u);
    EXPECT_GE(exchanges.load(), 1);
    std::lock_guard lock(mu);
    EXPECT_EQ(issuedKey.rfind("ASIA", 0), 0u) << "temporary credentials of the assumed role: " << issuedKey;
    EXPECT_NE(issuedKey, env.motoAccessKeyId);
    std::filesystem::remove(tokenFile);
}

}  // namespace
}  // namespace boxoffice::testing
