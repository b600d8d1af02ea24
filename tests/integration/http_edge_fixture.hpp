#pragma once
// The fixture of the HTTP edge's tests over raw sockets (http_edge_framing_test.cpp,
// http_edge_fields_test.cpp): one raw TCP connection that sends bytes as they are, the check of a
// problem answer, and the service on SQLite or PostgreSQL with a fake clock and the demo show.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cctype>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "app/demo_seed.hpp"
#include "storage/sql/sql_catalog_repository.hpp"
#include "support/fake_clock.hpp"
#include "support/test_app.hpp"
#include "support/problem_assertions.hpp"
#include "util/random_id.hpp"

namespace boxoffice::testing {

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

}  // namespace boxoffice::testing
