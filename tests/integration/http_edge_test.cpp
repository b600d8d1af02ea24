// The HTTP edge over raw sockets, as an attacker or a sloppy client would talk to it: framing that
// could smuggle a request, absurd lengths, limits, pipelining, timeouts, Expect, Host, control
// characters, and the fields every answer carries (nosniff, no-store, WWW-Authenticate, CORS).
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <thread>

#include "app/demo_seed.hpp"
#include "storage/sql/sql_catalog_repository.hpp"
#include "support/fake_clock.hpp"
#include "support/test_app.hpp"
#include "util/random_id.hpp"

namespace boxoffice::testing {
namespace {

using nlohmann::json;
using namespace std::chrono_literals;

// One raw TCP connection: send bytes as they are, read what comes back, see whether it closed.
class RawConnection {
public:
    explicit RawConnection(int port) {
        fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
        sockaddr_in a{};
        a.sin_family = AF_INET;
        a.sin_port = htons(static_cast<std::uint16_t>(port));
        a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        if (::connect(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) throw std::runtime_error("connect");
    }
    ~RawConnection() { ::close(fd_); }
    RawConnection(const RawConnection&) = delete;
    RawConnection& operator=(const RawConnection&) = delete;

    void send(std::string_view bytes) {
        while (!bytes.empty()) {
            const auto n = ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
            if (n <= 0) return;  // the server may have closed already
            bytes.remove_prefix(static_cast<std::size_t>(n));
        }
    }
    /// Reads until `responses` complete responses are in (1xx not counted) or the peer closes or
    /// `timeout` passes.
    std::string read(int responses, std::chrono::milliseconds timeout = 3s) {
        return readWhile([&] { return complete(buffer_) < responses; }, timeout);
    }
    /// Everything that arrives until `needle` is in, the peer closes or `timeout` passes (no parsing).
    std::string readUntil(std::string_view needle, std::chrono::milliseconds timeout = 2s) {
        return readWhile([&] { return buffer_.find(needle) == std::string::npos; }, timeout);
    }
    /// True when the server ends the connection within `timeout` (reading and dropping any bytes).
    bool closedWithin(std::chrono::milliseconds timeout) {
        read(1 << 20, timeout);
        return closed_;
    }
    std::vector<HttpResult> responses() const { return split(buffer_); }

    static std::vector<HttpResult> split(const std::string& bytes) {
        std::vector<HttpResult> out;
        std::size_t pos = 0;
        while (true) {
            const auto headEnd = bytes.find("\r\n\r\n", pos);
            if (headEnd == std::string::npos) break;
            HttpResult r;
            const std::string head = bytes.substr(pos, headEnd - pos);
            r.status = std::stoi(head.substr(9, 3));
            std::size_t line = head.find("\r\n");
            while (line != std::string::npos) {
                const auto next = head.find("\r\n", line + 2);
                const auto field =
                    head.substr(line + 2, next == std::string::npos ? std::string::npos : next - line - 2);
                const auto colon = field.find(':');
                std::string name = field.substr(0, colon);
                for (auto& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
                r.headers[name] = field.substr(colon + 2);
                line = next;
            }
            std::size_t length = r.headers.count("content-length") ? std::stoul(r.headers["content-length"]) : 0;
            if (headEnd + 4 + length > bytes.size()) break;
            r.body = bytes.substr(headEnd + 4, length);
            pos = headEnd + 4 + length;
            if (r.status >= 200) out.push_back(std::move(r));
        }
        return out;
    }

private:
    // Receives into the buffer while `more()` holds, until the peer closes or `timeout` passes.
    template <typename More>
    std::string readWhile(More more, std::chrono::milliseconds timeout) {
        const auto deadline = std::chrono::steady_clock::now() + timeout;
        while (!closed_ && more()) {
            const auto left =
                std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
            if (left <= 0ms) break;
            pollfd p{fd_, POLLIN, 0};
            if (::poll(&p, 1, static_cast<int>(left.count())) <= 0) break;
            char buf[65536];
            const auto n = ::recv(fd_, buf, sizeof buf, 0);
            if (n <= 0) {
                closed_ = true;
                break;
            }
            buffer_.append(buf, static_cast<std::size_t>(n));
        }
        return buffer_;
    }
    static int complete(const std::string& bytes) { return static_cast<int>(split(bytes).size()); }
    int fd_ = -1;
    std::string buffer_;
    bool closed_ = false;
};

void expectProblem(const HttpResult& r, int status, const std::string& code) {
    EXPECT_EQ(r.status, status) << r.body;
    EXPECT_EQ(r.header("content-type"), "application/problem+json") << r.body;
    auto j = json::parse(r.body, nullptr, false);
    ASSERT_FALSE(j.is_discarded()) << r.body;
    EXPECT_EQ(j.value("code", ""), code) << r.body;
    EXPECT_EQ(j.value("status", 0), status) << r.body;
    EXPECT_EQ(r.header("x-content-type-options"), "nosniff");
}

class HttpEdge : public ::testing::Test {
protected:
    void start(const std::function<void(app::Config&)>& tweak = {}, Backend backend = Backend::Sqlite) {
        app_ = std::make_unique<TestApp>(
            backend,
            [&](app::Config& c) {
                c.seatmapAvailabilityTtl = 1ms;
                c.seatmapShowTtl = 1ms;
                if (tweak) tweak(c);
            },
            &clock_);
        sql::SqlCatalogRepository repo(app_->app().database());
        util::RandomIdGenerator ids;
        auto demo = app::seedDemo(repo, clock_, ids, 200);
        ASSERT_TRUE(demo.ok()) << demo.error().detail;
        show_ = demo->show.id.str();
        token_ = app_->userToken("mallory");
    }
    char seat(char row, int n) {
        clock_.advance(2ms);
        auto c = app_->client();
        std::string st = c.get("/v1/shows/" + show_ + "/seatmap/availability").json()["statuses"];
        return st[static_cast<std::size_t>((row - 'A') * 50 + (n - 1))];
    }
    std::string holdRequest(const std::string& seatId) const {
        const std::string body = json{{"showId", show_}, {"seatIds", {seatId}}}.dump();
        return "POST /v1/holds HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nAuthorization: Bearer " +
               token_ + "\r\nContent-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
    }

    FakeClock clock_;
    std::unique_ptr<TestApp> app_;
    std::string show_, token_;
};

TEST_F(HttpEdge, AmbiguousFramingIsRefusedAndTheSmuggledRequestNeverRuns) {
    start();
    const std::vector<std::string> framings = {
        "Content-Length: 4\r\nTransfer-Encoding: chunked",
        "Transfer-Encoding: chunked\r\nContent-Length: 4",
        "Content-Length: 0\r\nContent-Length: 4",
        "Transfer-Encoding: chunked\r\nTransfer-Encoding: identity",
        "Transfer-Encoding: gzip",
        "Transfer-Encoding: chunked, identity",
    };
    int seatNo = 1;
    for (const auto& framing : framings) {
        const std::string seatId = "FLOOR1-A-" + std::to_string(seatNo);
        RawConnection c(app_->port());
        c.send("POST /v1/orders HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n" + framing +
               "\r\n\r\n0\r\n\r\n");
        std::this_thread::sleep_for(50ms);  // the smuggled request in its own segment
        c.send(holdRequest(seatId));
        EXPECT_TRUE(c.closedWithin(3s)) << framing;
        const auto rs = c.responses();
        ASSERT_EQ(rs.size(), 1u) << framing;  // one answer: the refusal, nothing for the smuggled hold
        expectProblem(rs[0], 400, "MALFORMED_REQUEST");
        EXPECT_EQ(rs[0].header("connection"), "close");
        EXPECT_EQ(seat('A', seatNo), 'A') << framing;
        ++seatNo;
    }
}

TEST_F(HttpEdge, AbsurdContentLengthsAreRefusedAtTheHeadWithoutWaitingOrReserving) {
    start();
    for (const auto& [value, code] :
         std::vector<std::pair<std::string, std::string>>{{"-1", "MALFORMED_REQUEST"},
                                                          {"18446744073709551615", "PAYLOAD_TOO_LARGE"},
                                                          {"99999999999999999999", "PAYLOAD_TOO_LARGE"},
                                                          {"1000000000000", "PAYLOAD_TOO_LARGE"},
                                                          {"65537", "PAYLOAD_TOO_LARGE"}}) {
        RawConnection c(app_->port());
        const auto started = std::chrono::steady_clock::now();
        c.send("POST /v1/holds HTTP/1.1\r\nHost: x\r\nContent-Length: " + value + "\r\n\r\n");
        c.read(1, 2s);
        EXPECT_LT(std::chrono::steady_clock::now() - started, 1s) << value;  // not after a body timeout
        auto rs = c.responses();
        ASSERT_EQ(rs.size(), 1u) << value;
        expectProblem(rs[0], code == "PAYLOAD_TOO_LARGE" ? 413 : 400, code);
        EXPECT_EQ(rs[0].body.find("basic_string"), std::string::npos);
        EXPECT_TRUE(c.closedWithin(2s)) << value;
    }
    // Hundreds of connections that each declare a terabyte: each is refused, the service serves on.
    std::vector<std::unique_ptr<RawConnection>> many;
    for (int i = 0; i < 300; ++i) {
        many.push_back(std::make_unique<RawConnection>(app_->port()));
        many.back()->send("POST /v1/holds HTTP/1.1\r\nHost: x\r\nContent-Length: 1000000000000\r\n\r\n");
    }
    int refused = 0;
    for (auto& c : many) {
        c->read(1, 3s);
        refused += c->responses().size() == 1 && c->responses()[0].status == 413;
    }
    EXPECT_EQ(refused, 300);
    EXPECT_EQ(app_->client().get("/healthz").status, 200);
}

TEST_F(HttpEdge, LimitsAndMalformedRequestsAreAnsweredAsProblems) {
    start();
    struct Case {
        std::string bytes;
        int status;
        std::string code;
    };
    std::string manyHeaders = "GET /healthz HTTP/1.1\r\nHost: x\r\n";
    for (int i = 0; i < 120; ++i) manyHeaders += "X-H" + std::to_string(i) + ": v\r\n";
    const std::vector<Case> cases = {
        {"GET /" + std::string(9000, 'a') + " HTTP/1.1\r\nHost: x\r\n\r\n", 414, "URI_TOO_LONG"},
        {"GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: " + std::string(17000, 'a') + "\r\n\r\n", 431,
         "HEADERS_TOO_LARGE"},
        {manyHeaders + "\r\n", 431, "HEADERS_TOO_LARGE"},
        {"POST /v1/holds HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n", 400, "MALFORMED_REQUEST"},
        {"GET /healthz HTTP/3.0\r\nHost: x\r\n\r\n", 400, "MALFORMED_REQUEST"},
        {"GET /healthz HTTP/1.1\nHost: x\n\n", 400, "MALFORMED_REQUEST"},
        {"GET /healthz HTTP/1.1\r\nHost : x\r\n\r\n", 400, "MALFORMED_REQUEST"},
        {"GET /healthz HTTP/1.1\r\nHost: x\r\nX: a\r\n folded\r\n\r\n", 400, "MALFORMED_REQUEST"},
        {"GET /healthz HTTP/1.1\r\n\r\n", 400, "MALFORMED_REQUEST"},
        {"GET /healthz HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n", 400, "MALFORMED_REQUEST"},
        {"POST /v1/holds HTTP/1.1\r\nHost: x\r\nExpect: teapot\r\nContent-Length: 2\r\n\r\n{}", 417,
         "EXPECTATION_FAILED"},
        {"garbage\r\n\r\n", 400, "MALFORMED_REQUEST"},
    };
    for (const auto& k : cases) {
        RawConnection c(app_->port());
        c.send(k.bytes);
        c.read(1);
        auto rs = c.responses();
        ASSERT_EQ(rs.size(), 1u) << k.bytes.substr(0, 80);
        expectProblem(rs[0], k.status, k.code);
        EXPECT_TRUE(c.closedWithin(2s)) << k.bytes.substr(0, 80);
    }
    // An unknown method is the router's 405 (a 4xx, not a 5xx), with the methods that exist.
    RawConnection c(app_->port());
    c.send("BREW /healthz HTTP/1.1\r\nHost: x\r\n\r\n");
    c.read(1);
    auto rs = c.responses();
    ASSERT_EQ(rs.size(), 1u);
    expectProblem(rs[0], 405, "METHOD_NOT_ALLOWED");
    EXPECT_NE(rs[0].header("allow").find("GET"), std::string::npos);
}

TEST_F(HttpEdge, EveryPipelinedRequestIsAnsweredInOrder) {
    start();
    RawConnection c(app_->port());
    std::string three;
    for (int i = 1; i <= 3; ++i)
        three += "GET /healthz HTTP/1.1\r\nHost: x\r\nX-Request-Id: r" + std::to_string(i) + "\r\n\r\n";
    c.send(three);
    c.read(3);
    auto rs = c.responses();
    ASSERT_EQ(rs.size(), 3u);
    for (int i = 0; i < 3; ++i) {
        EXPECT_EQ(rs[static_cast<std::size_t>(i)].status, 200);
        EXPECT_EQ(rs[static_cast<std::size_t>(i)].header("x-request-id"), "r" + std::to_string(i + 1));
    }
    // A hold (answered from another thread) between two reads: still in order, on one connection.
    RawConnection d(app_->port());
    d.send("GET /healthz HTTP/1.1\r\nHost: x\r\nX-Request-Id: a\r\n\r\n" + holdRequest("FLOOR1-B-1") +
           "GET /v1/shows/" + show_ + " HTTP/1.1\r\nHost: x\r\nX-Request-Id: c\r\n\r\n");
    d.read(3);
    rs = d.responses();
    ASSERT_EQ(rs.size(), 3u);
    EXPECT_EQ(rs[0].header("x-request-id"), "a");
    EXPECT_EQ(rs[1].status, 201) << rs[1].body;
    EXPECT_EQ(rs[2].header("x-request-id"), "c");
    EXPECT_EQ(rs[2].status, 200);
}

// A large cached body (a 20,000-seat map, ~2 MB) goes out in slices, read in place from the cache:
// whole, byte for byte the body a lone request gets, and in order between small answers on the
// same connection, also when the client reads nothing until everything was sent.
TEST_F(HttpEdge, LargeCachedBodiesGoOutWholeAndInOrderBetweenSmallAnswers) {
    start();
    sql::SqlCatalogRepository repo(app_->app().database());
    util::RandomIdGenerator ids;
    auto big = app::seedDemo(repo, clock_, ids, 20000);
    ASSERT_TRUE(big.ok()) << big.error().detail;
    const std::string map = "/v1/shows/" + big->show.id.str() + "/seatmap";
    const auto alone = app_->client().get(map);
    ASSERT_EQ(alone.status, 200);
    ASSERT_GT(alone.body.size(), 1'000'000u);

    RawConnection c(app_->port());
    const auto get = [](const std::string& path, const std::string& id, const char* method = "GET") {
        return std::string(method) + " " + path + " HTTP/1.1\r\nHost: x\r\nX-Request-Id: " + id + "\r\n\r\n";
    };
    c.send(get(map, "m1") + get("/healthz", "h1") + get(map, "m2") + get("/healthz", "h2"));
    c.read(4, 20s);
    const auto rs = c.responses();
    ASSERT_EQ(rs.size(), 4u);
    const std::vector<std::string> order{"m1", "h1", "m2", "h2"};
    for (std::size_t i = 0; i < rs.size(); ++i) {
        EXPECT_EQ(rs[i].status, 200) << order[i];
        EXPECT_EQ(rs[i].header("x-request-id"), order[i]);
    }
    EXPECT_EQ(rs[0].body, alone.body);
    EXPECT_EQ(rs[2].body, alone.body);
    EXPECT_EQ(json::parse(rs[2].body)["seats"].size(), 20000u);

    // HEAD: the fields of the GET, no body (the next answer follows the head directly).
    RawConnection h(app_->port());
    h.send(get(map, "head", "HEAD") + get("/healthz", "after"));
    const std::string bytes = h.readUntil("X-Request-Id: after", 10s);
    const auto headEnd = bytes.find("\r\n\r\n");
    ASSERT_NE(headEnd, std::string::npos) << bytes.substr(0, 300);
    EXPECT_NE(bytes.find("Content-Length: " + std::to_string(alone.body.size())), std::string::npos);
    EXPECT_EQ(bytes.compare(headEnd + 4, 9, "HTTP/1.1 "), 0) << "no body after the HEAD answer's fields";
}

TEST_F(HttpEdge, ConnectionCloseHttp10AndExpectContinueAreHonoured) {
    start();
    {
        RawConnection c(app_->port());
        c.send("GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
        EXPECT_TRUE(c.closedWithin(2s));
        ASSERT_EQ(c.responses().size(), 1u);
        EXPECT_EQ(c.responses()[0].header("connection"), "close");
    }
    {
        RawConnection c(app_->port());
        c.send("GET /healthz HTTP/1.0\r\n\r\n");
        EXPECT_TRUE(c.closedWithin(2s));
        ASSERT_EQ(c.responses().size(), 1u);
    }
    {
        RawConnection c(app_->port());
        c.send("GET /healthz HTTP/1.0\r\nConnection: keep-alive\r\n\r\n");
        c.read(1);
        ASSERT_EQ(c.responses().size(), 1u);
        EXPECT_EQ(c.responses()[0].header("connection"), "keep-alive");
        c.send("GET /healthz HTTP/1.0\r\nConnection: keep-alive\r\n\r\n");
        c.read(2);
        EXPECT_EQ(c.responses().size(), 2u);
    }
    {
        RawConnection c(app_->port());
        const std::string body = json{{"showId", show_}, {"seatIds", {"FLOOR1-C-1"}}}.dump();
        c.send(
            "POST /v1/holds HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Type: application/json\r\n"
            "Authorization: Bearer " +
            token_ + "\r\nContent-Length: " + std::to_string(body.size()) + "\r\n\r\n");
        // The interim answer comes before the body is sent (the client waits for it).
        EXPECT_EQ(c.readUntil("\r\n\r\n").rfind("HTTP/1.1 100 Continue\r\n\r\n", 0), 0u);
        c.send(body);
        c.read(1);
        ASSERT_EQ(c.responses().size(), 1u);
        EXPECT_EQ(c.responses()[0].status, 201) << c.responses()[0].body;
    }
    {
        RawConnection c(app_->port());
        c.send("HEAD /healthz HTTP/1.1\r\nHost: x\r\n\r\nGET /healthz HTTP/1.1\r\nHost: x\r\n\r\n");
        const auto bytes = c.readUntil("{\"status\":\"ok\"}");
        // HEAD: the fields of the GET and no body, so the next answer starts right after them.
        const auto second = bytes.find("HTTP/1.1", 10);
        ASSERT_NE(second, std::string::npos) << bytes;
        EXPECT_EQ(bytes.substr(second - 4, 4), "\r\n\r\n");
        EXPECT_EQ(bytes.rfind("HTTP/1.1 200", 0), 0u) << bytes;
    }
}

TEST_F(HttpEdge, SlowClientsGet408AndTheConnectionCloses) {
    start([](app::Config& c) {
        c.http.headerTimeout = 300ms;
        c.http.bodyTimeout = 300ms;
        c.http.keepaliveTimeout = 1000ms;
    });
    {
        RawConnection c(app_->port());
        c.send("GET /healthz HTTP/1.1\r\nHost: x\r\n");  // the head never ends
        c.read(1, 2s);
        auto rs = c.responses();
        ASSERT_EQ(rs.size(), 1u);
        expectProblem(rs[0], 408, "REQUEST_TIMEOUT");
        EXPECT_TRUE(c.closedWithin(2s));
    }
    {
        RawConnection c(app_->port());
        c.send("POST /v1/holds HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\nabc");  // the body never ends
        c.read(1, 2s);
        auto rs = c.responses();
        ASSERT_EQ(rs.size(), 1u);
        expectProblem(rs[0], 408, "REQUEST_TIMEOUT");
        EXPECT_TRUE(c.closedWithin(2s));
    }
    {
        RawConnection c(app_->port());  // idle keep-alive: closed quietly after its timeout
        c.send("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n");
        c.read(1);
        EXPECT_TRUE(c.closedWithin(3s));
        EXPECT_EQ(c.responses().size(), 1u);
    }
}

TEST_F(HttpEdge, ControlCharactersNeverReachAStore) {
    start({}, Backend::Postgres);
    auto c = app_->client();
    const std::vector<std::string> auth = {"Content-Type: application/json", "Authorization: Bearer " + token_};
    // A show id with a NUL after it must not match the real show and hold its seat.
    auto h = c.request("POST", "/v1/holds",
                       json{{"showId", show_ + std::string(1, '\0')}, {"seatIds", {"FLOOR1-D-1"}}}.dump(), auth);
    expectProblem(h, 422, "VALIDATION_FAILED");
    h = c.request("POST", "/v1/holds", json{{"showId", show_}, {"seatIds", {std::string("FLOOR1-D-1\x01", 11)}}}.dump(),
                  auth);
    expectProblem(h, 422, "VALIDATION_FAILED");
    EXPECT_EQ(seat('D', 1), 'A');
    // A name with a NUL in it is refused whole, not stored cut short.
    auto ok = c.request("POST", "/v1/holds", json{{"showId", show_}, {"seatIds", {"FLOOR1-D-2"}}}.dump(), auth);
    ASSERT_EQ(ok.status, 201) << ok.body;
    auto o = c.request("POST", "/v1/orders",
                       json{{"holdId", ok.json()["holdId"]},
                            {"customer", {{"name", std::string("Nul\0Tail", 8)}, {"email", "n@example.com"}}}}
                           .dump(),
                       auth);
    expectProblem(o, 422, "VALIDATION_FAILED");
    EXPECT_NE(o.body.find("customer.name"), std::string::npos) << o.body;
    // Path segments and query values.
    expectProblem(c.get("/v1/shows/" + show_ + "%00"), 400, "INVALID_PARAMETER");
    expectProblem(c.get("/v1/events?q=title%00zzz"), 400, "INVALID_PARAMETER");
    expectProblem(c.get("/v1/events?q=a%0d%0aX-Injected:%20yes"), 400, "INVALID_PARAMETER");
}

TEST_F(HttpEdge, EveryAnswerCarriesItsSecurityFields) {
    start();
    auto c = app_->client();
    auto health = c.get("/healthz");
    EXPECT_EQ(health.header("x-content-type-options"), "nosniff");
    EXPECT_EQ(health.header("cache-control"), "");
    auto mine = c.get("/v1/me/orders", {"Authorization: Bearer " + token_});
    EXPECT_EQ(mine.status, 200) << mine.body;
    EXPECT_EQ(mine.header("cache-control"), "no-store");
    auto anonymous = c.get("/v1/me/orders");
    expectProblem(anonymous, 401, "UNAUTHENTICATED");
    EXPECT_EQ(anonymous.header("www-authenticate"), "Bearer realm=\"boxoffice\"");
    EXPECT_EQ(anonymous.header("cache-control"), "no-store");
    auto bad = c.get("/v1/me/orders", {"Authorization: Bearer not.a.token"});
    expectProblem(bad, 401, "UNAUTHENTICATED");
    EXPECT_NE(bad.header("www-authenticate").find("invalid_token"), std::string::npos);
    // No CORS unless configured: no Access-Control-* fields.
    auto cross = c.get("/v1/events", {"Origin: https://shop.example"});
    EXPECT_EQ(cross.header("access-control-allow-origin"), "");
    // OPTIONS on a known path answers its methods instead of 405.
    auto options = c.request("OPTIONS", "/v1/holds");
    EXPECT_EQ(options.status, 204);
    EXPECT_NE(options.header("allow").find("POST"), std::string::npos);
}

TEST_F(HttpEdge, CorsServesConfiguredOriginsOnly) {
    start([](app::Config& c) { c.http.corsOrigins = {"https://shop.example"}; });
    auto c = app_->client();
    auto pre = c.request("OPTIONS", "/v1/holds", "",
                         {"Origin: https://shop.example", "Access-Control-Request-Method: POST",
                          "Access-Control-Request-Headers: authorization, idempotency-key, content-type"});
    EXPECT_EQ(pre.status, 204) << pre.body;
    EXPECT_EQ(pre.header("access-control-allow-origin"), "https://shop.example");
    EXPECT_NE(pre.header("access-control-allow-methods").find("POST"), std::string::npos);
    for (const char* h : {"Authorization", "Idempotency-Key", "If-None-Match"})
        EXPECT_NE(pre.header("access-control-allow-headers").find(h), std::string::npos) << h;
    EXPECT_EQ(pre.header("access-control-allow-credentials"), "");
    EXPECT_NE(pre.header("vary").find("Origin"), std::string::npos);

    auto get = c.get("/v1/events", {"Origin: https://shop.example"});
    EXPECT_EQ(get.header("access-control-allow-origin"), "https://shop.example");
    for (const char* h : {"ETag", "Location", "Retry-After", "X-Request-Id"})
        EXPECT_NE(get.header("access-control-expose-headers").find(h), std::string::npos) << h;

    auto other =
        c.request("OPTIONS", "/v1/holds", "", {"Origin: https://evil.example", "Access-Control-Request-Method: POST"});
    expectProblem(other, 403, "FORBIDDEN");
    EXPECT_EQ(other.header("access-control-allow-origin"), "");
    EXPECT_EQ(c.get("/v1/events", {"Origin: https://evil.example"}).header("access-control-allow-origin"), "");
}

TEST(HttpEdgeConfig, CorsOriginsAreValidated) {
    auto env = [](std::map<std::string, std::string> vars) {
        return app::Config::fromEnv([vars](const char* name) -> const char* {
            auto it = vars.find(name);
            return it == vars.end() ? nullptr : it->second.c_str();
        });
    };
    auto ok = env({{"BOXOFFICE_CORS_ORIGINS", "https://a.example, http://localhost:3000"}});
    ASSERT_TRUE(ok.ok());
    EXPECT_EQ(ok->http.corsOrigins, (std::vector<std::string>{"https://a.example", "http://localhost:3000"}));
    EXPECT_FALSE(env({{"BOXOFFICE_CORS_ORIGINS", "https://a.example/path"}}).ok());
    EXPECT_FALSE(env({{"BOXOFFICE_CORS_ORIGINS", "*"}, {"BOXOFFICE_CORS_ALLOW_CREDENTIALS", "true"}}).ok());
}

}  // namespace
}  // namespace boxoffice::testing
