// The live seat map (GET /v1/shows/{id}/seatmap/events) through the real service over raw sockets:
// the stream's head, the snapshot, a hold showing up as a `changes` event, resuming with
// Last-Event-ID, heartbeats, timeouts that must not close a stream, and unsubscribing on close.
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
#include "support/metrics_text.hpp"
#include "support/test_app.hpp"
#include "util/random_id.hpp"

namespace boxoffice::testing {
namespace {

using nlohmann::json;
using namespace std::chrono_literals;

struct SseEvent {
    std::string type;  // empty for a comment
    std::string id;
    std::string data;
    std::string comment;
};

// An EventSource over one raw socket: sends the request, reads the head, then de-chunks the body
// and splits it into events as they arrive.
class SseClient {
public:
    SseClient(int port, const std::string& target, const std::vector<std::string>& headers = {},
              const std::string& method = "GET") {
        fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
        sockaddr_in a{};
        a.sin_family = AF_INET;
        a.sin_port = htons(static_cast<std::uint16_t>(port));
        a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        if (::connect(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) throw std::runtime_error("connect");
        std::string req = method + " " + target + " HTTP/1.1\r\nHost: test\r\nAccept: text/event-stream\r\n";
        for (const auto& h : headers) req += h + "\r\n";
        req += "\r\n";
        ::send(fd_, req.data(), req.size(), MSG_NOSIGNAL);
    }
    ~SseClient() { close(); }
    SseClient(const SseClient&) = delete;
    SseClient& operator=(const SseClient&) = delete;

    void close() {
        if (fd_ >= 0) ::close(fd_);
        fd_ = -1;
    }
    bool closed() const { return closed_; }

    /// The response head (status line and fields), once in.
    std::string head(std::chrono::milliseconds timeout = 5s) {
        pump([&] { return headEnd_ == std::string::npos; }, timeout);
        return headEnd_ == std::string::npos ? std::string() : raw_.substr(0, headEnd_);
    }
    /// The next event (or comment), waiting at most `timeout`.
    std::optional<SseEvent> next(std::chrono::milliseconds timeout = 5s) {
        pump([&] { return body_.find("\n\n") == std::string::npos; }, timeout);
        const auto end = body_.find("\n\n");
        if (end == std::string::npos) return std::nullopt;
        const std::string block = body_.substr(0, end);
        body_.erase(0, end + 2);
        SseEvent e;
        std::size_t pos = 0;
        while (pos <= block.size()) {
            auto nl = block.find('\n', pos);
            if (nl == std::string::npos) nl = block.size();
            const std::string line = block.substr(pos, nl - pos);
            if (line.rfind(": ", 0) == 0) e.comment = line.substr(2);
            if (line.rfind("event: ", 0) == 0) e.type = line.substr(7);
            if (line.rfind("id: ", 0) == 0) e.id = line.substr(4);
            if (line.rfind("data: ", 0) == 0) e.data = line.substr(6);
            if (line.rfind("retry: ", 0) == 0) e.type = "retry", e.data = line.substr(7);
            pos = nl + 1;
        }
        return e;
    }
    /// The next event of `type`, skipping others, within `timeout`.
    std::optional<SseEvent> nextOf(const std::string& type, std::chrono::milliseconds timeout = 5s) {
        const auto deadline = std::chrono::steady_clock::now() + timeout;
        while (std::chrono::steady_clock::now() < deadline) {
            auto e = next(
                std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now()));
            if (!e) return std::nullopt;
            if (e->type == type) return e;
        }
        return std::nullopt;
    }

private:
    template <typename More>
    void pump(More more, std::chrono::milliseconds timeout) {
        const auto deadline = std::chrono::steady_clock::now() + timeout;
        while (!closed_ && more()) {
            const auto left =
                std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
            if (left <= 0ms) return;
            pollfd p{fd_, POLLIN, 0};
            if (::poll(&p, 1, static_cast<int>(left.count())) <= 0) return;
            char buf[65536];
            const auto n = ::recv(fd_, buf, sizeof buf, 0);
            if (n <= 0) {
                closed_ = true;
                return;
            }
            raw_.append(buf, static_cast<std::size_t>(n));
            dechunk();
        }
    }
    void dechunk() {
        if (headEnd_ == std::string::npos) {
            headEnd_ = raw_.find("\r\n\r\n");
            if (headEnd_ == std::string::npos) return;
            at_ = headEnd_ + 4;
        }
        for (;;) {
            const auto line = raw_.find("\r\n", at_);
            if (line == std::string::npos) return;
            const std::size_t size = std::stoul(raw_.substr(at_, line - at_), nullptr, 16);
            if (raw_.size() < line + 2 + size + 2) return;
            body_.append(raw_, line + 2, size);
            at_ = line + 2 + size + 2;
        }
    }

    int fd_ = -1;
    bool closed_ = false;
    std::string raw_;
    std::size_t headEnd_ = std::string::npos;
    std::size_t at_ = 0;
    std::string body_;
};

class SeatMapEventsApi : public ::testing::TestWithParam<Backend> {
protected:
    void start(const std::function<void(app::Config&)>& tweak = {}) {
        app_ = std::make_unique<TestApp>(GetParam(), [&](app::Config& c) {
            c.seatmapEventsInterval = 50ms;
            if (tweak) tweak(c);
        });
        sql::SqlCatalogRepository repo(app_->app().database());
        SystemClock clock;
        util::RandomIdGenerator ids;
        auto demo = app::seedDemo(repo, clock, ids, 200);  // FLOOR1, rows A-D of 50 seats
        ASSERT_TRUE(demo.ok()) << demo.error().detail << demo.error().internal;
        show_ = demo->show.id.str();
        token_ = app_->userToken("sse-user");
    }
    std::string target() const { return "/v1/shows/" + show_ + "/seatmap/events"; }
    void hold(const std::vector<std::string>& seats) {
        auto c = app_->client();
        auto r = c.request("POST", "/v1/holds", json{{"showId", show_}, {"seatIds", seats}}.dump(),
                           {"Content-Type: application/json", "Authorization: Bearer " + token_});
        ASSERT_EQ(r.status, 201) << r.body;
    }
    // Polls `done` until it holds or a generous deadline passes.
    static bool eventually(const std::function<bool()>& done, std::chrono::milliseconds timeout = 5s) {
        const auto deadline = std::chrono::steady_clock::now() + timeout;
        while (!done()) {
            if (std::chrono::steady_clock::now() > deadline) return false;
            std::this_thread::sleep_for(10ms);
        }
        return true;
    }

    std::unique_ptr<TestApp> app_;
    std::string show_;
    std::string token_;
};

TEST_P(SeatMapEventsApi, AStreamingHeadThenRetryThenASnapshot) {
    start();
    SseClient sse(app_->port(), target());
    const std::string head = sse.head();
    EXPECT_EQ(head.rfind("HTTP/1.1 200", 0), 0u) << head;
    EXPECT_NE(head.find("Content-Type: text/event-stream"), std::string::npos) << head;
    EXPECT_NE(head.find("Cache-Control: no-cache"), std::string::npos) << head;
    EXPECT_NE(head.find("X-Accel-Buffering: no"), std::string::npos) << head;
    EXPECT_NE(head.find("Transfer-Encoding: chunked"), std::string::npos) << head;
    EXPECT_EQ(head.find("Content-Length"), std::string::npos) << head;
    auto retry = sse.next();
    ASSERT_TRUE(retry);
    EXPECT_EQ(retry->type, "retry");
    auto snapshot = sse.next();
    ASSERT_TRUE(snapshot);
    EXPECT_EQ(snapshot->type, "snapshot");
    EXPECT_FALSE(snapshot->id.empty());
    auto body = json::parse(snapshot->data);
    EXPECT_EQ(body["showId"], show_);
    EXPECT_EQ(body["statuses"].get<std::string>(), std::string(200, 'A'));
}

TEST_P(SeatMapEventsApi, AHoldShowsUpAsAChangesEvent) {
    start();
    SseClient sse(app_->port(), target());
    ASSERT_TRUE(sse.nextOf("snapshot"));
    hold({"FLOOR1-A-1", "FLOOR1-A-2"});
    auto changes = sse.nextOf("changes", 5s);
    ASSERT_TRUE(changes) << "no changes event within the deadline";
    auto body = json::parse(changes->data);
    EXPECT_EQ(body["seats"], (json{{"FLOOR1-A-1", "HELD"}, {"FLOOR1-A-2", "HELD"}})) << changes->data;
    EXPECT_EQ(body["counts"]["HELD"], 2);
    EXPECT_EQ(body["version"].get<std::string>(),
              app_->client().get("/v1/shows/" + show_ + "/seatmap/availability").json()["version"]);
}

TEST_P(SeatMapEventsApi, ResumingWithLastEventIdGetsTheMissedChangesAndNoSnapshot) {
    start();
    std::string seen;
    {
        SseClient sse(app_->port(), target());
        ASSERT_TRUE(sse.nextOf("snapshot"));
        hold({"FLOOR1-B-1"});
        auto changes = sse.nextOf("changes");
        ASSERT_TRUE(changes);
        seen = changes->id;
    }
    hold({"FLOOR1-C-7"});
    hold({"FLOOR1-C-8"});
    SseClient again(app_->port(), target(), {"Last-Event-ID: " + seen});
    json seats = json::object();
    // The missed holds arrive as changes (merged, or one of them live if the feed had not read it
    // yet); never a snapshot.
    while (seats.size() < 2) {
        auto e = again.next();
        ASSERT_TRUE(e) << "the missed changes did not arrive; have " << seats.dump();
        ASSERT_NE(e->type, "snapshot");
        if (e->type != "changes") continue;
        EXPECT_NE(e->id, seen);
        const json body = json::parse(e->data);
        for (const auto& [id, status] : body["seats"].items()) seats[id] = status;
    }
    EXPECT_EQ(seats, (json{{"FLOOR1-C-7", "HELD"}, {"FLOOR1-C-8", "HELD"}}));
}

TEST_P(SeatMapEventsApi, AnUnknownIdGetsASnapshot) {
    start();
    SseClient sse(app_->port(), target(), {"Last-Event-ID: deadbeef.12"});
    auto first = sse.next();
    ASSERT_TRUE(first);
    EXPECT_EQ(first->type, "retry");
    auto second = sse.next();
    ASSERT_TRUE(second);
    EXPECT_EQ(second->type, "snapshot");
}

TEST_P(SeatMapEventsApi, HeartbeatsKeepTheStreamPastTheIdleTimeouts) {
    start([](app::Config& c) {
        c.seatmapEventsHeartbeat = 200ms;
        c.http.keepaliveTimeout = 300ms;
        c.http.headerTimeout = 300ms;
    });
    SseClient sse(app_->port(), target());
    ASSERT_TRUE(sse.nextOf("snapshot"));
    int pings = 0;
    const auto until = std::chrono::steady_clock::now() + 1500ms;
    while (std::chrono::steady_clock::now() < until) {
        auto e = sse.next(1s);
        ASSERT_TRUE(e) << "the stream went quiet or closed";
        if (e->comment == "ping") ++pings;
    }
    EXPECT_GE(pings, 2);
    EXPECT_FALSE(sse.closed());
}

TEST_P(SeatMapEventsApi, ClosingTheStreamUnsubscribesAtOnce) {
    start();
    auto& feed = app_->app().seatmapFeed();
    {
        SseClient a(app_->port(), target());
        SseClient b(app_->port(), target());
        ASSERT_TRUE(a.nextOf("snapshot"));
        ASSERT_TRUE(b.nextOf("snapshot"));
        EXPECT_TRUE(eventually([&] { return feed.subscribers() == 2; }));
        a.close();
        EXPECT_TRUE(eventually([&] { return feed.subscribers() == 1; }));
    }
    EXPECT_TRUE(eventually([&] { return feed.subscribers() == 0; }));
    const MetricsText scrape(HttpClient(app_->app().metricsPort()).get("/metrics").body);
    EXPECT_EQ(scrape.sum("boxoffice_seatmap_subscribers"), 0);
    EXPECT_GE(scrape.sum("boxoffice_seatmap_frames_sent_total", {{"type", "snapshot"}}), 2);
}

TEST_P(SeatMapEventsApi, UnknownShowIs404ProblemAndPostIs405) {
    start();
    auto c = app_->client();
    auto r = c.get("/v1/shows/00000000-0000-4000-8000-000000000000/seatmap/events");
    EXPECT_EQ(r.status, 404);
    EXPECT_EQ(r.header("content-type"), "application/problem+json");
    auto post = c.request("POST", target(), "{}", {"Content-Type: application/json"});
    EXPECT_EQ(post.status, 405);
    EXPECT_NE(post.header("allow").find("GET"), std::string::npos);
    EXPECT_EQ(app_->app().seatmapFeed().subscribers(), 0);
}

INSTANTIATE_TEST_SUITE_P(Backends, SeatMapEventsApi, ::testing::Values(Backend::Sqlite, Backend::PostgresRedis),
                         [](const auto& p) { return backendName(p.param); });

}  // namespace
}  // namespace boxoffice::testing
