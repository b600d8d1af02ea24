#include "support/tiny_http_server.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <mutex>
#include <stdexcept>
#include <vector>

namespace boxoffice::testing {
namespace {

int listenOn(int port, int& boundPort) {
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    int one = 1;
    ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    a.sin_port = htons(static_cast<uint16_t>(port));
    if (::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0 || ::listen(fd, 64) != 0) {
        ::close(fd);
        throw std::runtime_error("cannot listen on 127.0.0.1:" + std::to_string(port));
    }
    socklen_t len = sizeof a;
    ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
    boundPort = ntohs(a.sin_port);
    return fd;
}

std::string lower(std::string s) {
    std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return s;
}

void writeAll(int fd, const std::string& data) {
    std::size_t off = 0;
    while (off < data.size()) {
        const ssize_t n = ::send(fd, data.data() + off, data.size() - off, MSG_NOSIGNAL);
        if (n <= 0) return;
        off += static_cast<std::size_t>(n);
    }
}

// Every connection of every forwarder, so down() can cut them.
struct Pumps {
    std::mutex mu;
    std::vector<int> fds;
    std::vector<std::thread> threads;
};

}  // namespace

TinyHttpServer::TinyHttpServer(std::function<TinyResponse(const TinyRequest&)> handler) : handler_(std::move(handler)) {
    fd_ = listenOn(0, port_);
    thread_ = std::thread([this] { loop(); });
}

TinyHttpServer::~TinyHttpServer() {
    stop_ = true;
    ::shutdown(fd_, SHUT_RDWR);  // wakes accept()
    thread_.join();
    ::close(fd_);
}

void TinyHttpServer::loop() {
    while (!stop_) {
        const int c = ::accept(fd_, nullptr, nullptr);
        if (c < 0) {
            if (stop_) return;
            continue;
        }
        timeval tv{5, 0};
        ::setsockopt(c, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
        std::string data;
        char buf[4096];
        std::size_t headerEnd = std::string::npos;
        while (headerEnd == std::string::npos) {
            const ssize_t n = ::recv(c, buf, sizeof buf, 0);
            if (n <= 0) break;
            data.append(buf, static_cast<std::size_t>(n));
            headerEnd = data.find("\r\n\r\n");
        }
        if (headerEnd == std::string::npos) {
            ::close(c);
            continue;
        }
        TinyRequest req;
        std::size_t lineEnd = data.find("\r\n");
        const std::string requestLine = data.substr(0, lineEnd);
        const auto sp1 = requestLine.find(' '), sp2 = requestLine.rfind(' ');
        req.method = requestLine.substr(0, sp1);
        req.target = requestLine.substr(sp1 + 1, sp2 - sp1 - 1);
        std::size_t pos = lineEnd + 2;
        while (pos < headerEnd) {
            const auto e = data.find("\r\n", pos);
            const std::string line = data.substr(pos, e - pos);
            const auto colon = line.find(':');
            if (colon != std::string::npos) {
                std::string v = line.substr(colon + 1);
                v.erase(0, v.find_first_not_of(' '));
                req.headers[lower(line.substr(0, colon))] = v;
            }
            pos = e + 2;
        }
        std::size_t length = req.headers.count("content-length") ? std::stoul(req.headers["content-length"]) : 0;
        req.body = data.substr(headerEnd + 4);
        while (req.body.size() < length) {
            const ssize_t n = ::recv(c, buf, sizeof buf, 0);
            if (n <= 0) break;
            req.body.append(buf, static_cast<std::size_t>(n));
        }
        const TinyResponse res = handler_(req);
        writeAll(c, "HTTP/1.1 " + std::to_string(res.status) + " X\r\nContent-Type: " + res.contentType +
                        "\r\nContent-Length: " + std::to_string(res.body.size()) + "\r\nConnection: close\r\n\r\n" +
                        res.body);
        ::close(c);
    }
}

namespace {
Pumps& pumps() {
    static Pumps p;
    return p;
}
}  // namespace

TcpForwarder::TcpForwarder(int targetPort) : targetPort_(targetPort) {
    int bound = 0;
    listenFd_ = listenOn(0, bound);
    port_ = bound;
    acceptor_ = std::thread([this, fd = listenFd_.load()] { acceptLoop(fd); });
}

TcpForwarder::~TcpForwarder() {
    down();
    std::vector<std::thread> threads;
    {
        std::lock_guard lock(pumps().mu);
        threads.swap(pumps().threads);
    }
    for (auto& t : threads) t.join();
}

void TcpForwarder::down() {
    const int fd = listenFd_.exchange(-1);
    if (fd >= 0) {
        ::shutdown(fd, SHUT_RDWR);
        if (acceptor_.joinable()) acceptor_.join();
        ::close(fd);
    }
    std::lock_guard lock(pumps().mu);
    for (int c : pumps().fds) ::shutdown(c, SHUT_RDWR);
}

void TcpForwarder::up() {
    if (listenFd_ >= 0) return;
    int bound = 0;
    const int fd = listenOn(port_, bound);
    listenFd_ = fd;
    acceptor_ = std::thread([this, fd] { acceptLoop(fd); });
}

void TcpForwarder::acceptLoop(int fd) {
    for (;;) {
        const int client = ::accept(fd, nullptr, nullptr);
        if (client < 0) return;  // shut down
        const int upstream = ::socket(AF_INET, SOCK_STREAM, 0);
        sockaddr_in a{};
        a.sin_family = AF_INET;
        a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        a.sin_port = htons(static_cast<uint16_t>(targetPort_));
        if (::connect(upstream, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) {
            ::close(client);
            ::close(upstream);
            continue;
        }
        std::lock_guard lock(pumps().mu);
        pumps().fds.push_back(client);
        pumps().fds.push_back(upstream);
        pumps().threads.emplace_back([client, upstream] {
            pollfd p[2] = {{client, POLLIN, 0}, {upstream, POLLIN, 0}};
            char buf[16384];
            for (;;) {
                if (::poll(p, 2, 1000) < 0) break;
                bool done = false;
                for (int i = 0; i < 2 && !done; ++i) {
                    if (!(p[i].revents & (POLLIN | POLLHUP | POLLERR))) continue;
                    const ssize_t n = ::recv(p[i].fd, buf, sizeof buf, 0);
                    if (n <= 0) {
                        done = true;
                        break;
                    }
                    writeAll(p[1 - i].fd, std::string(buf, static_cast<std::size_t>(n)));
                }
                if (done) break;
            }
            {
                std::lock_guard inner(pumps().mu);
                auto& fds = pumps().fds;
                fds.erase(std::remove_if(fds.begin(), fds.end(), [&](int f) { return f == client || f == upstream; }),
                          fds.end());
            }
            ::close(client);
            ::close(upstream);
        });
    }
}

}  // namespace boxoffice::testing
