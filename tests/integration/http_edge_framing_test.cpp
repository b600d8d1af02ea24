// The HTTP edge over raw sockets, as an attacker or a sloppy client would talk to it: framing that
// could smuggle a request, absurd lengths, limits, pipelining, large bodies between small answers,
// Connection: close, HTTP/1.0, Expect and Host, and clients too slow to finish a request.
#include <chrono>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "integration/http_edge_fixture.hpp"

namespace boxoffice::testing {
namespace {

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

}  // namespace
}  // namespace boxoffice::testing
