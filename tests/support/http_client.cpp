#include "support/http_client.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstring>
#include <stdexcept>

namespace boxoffice::testing {

nlohmann::json HttpResult::json() const {
    return nlohmann::json::parse(body);
}

std::string HttpResult::header(const std::string& lowerName) const {
    auto it = headers.find(lowerName);
    return it == headers.end() ? std::string() : it->second;
}

HttpClient::HttpClient(int port, std::string host) : port_(port), host_(std::move(host)) {}
HttpClient::~HttpClient() {
    close();
}

void HttpClient::close() {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
    buffer_.clear();
}

std::vector<std::string> HttpClient::withJson(const std::string& token) {
    std::vector<std::string> h{"Content-Type: application/json"};
    if (!token.empty()) h.push_back("Authorization: Bearer " + token);
    return h;
}

void HttpClient::connect() {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    if (fd_ < 0) throw std::runtime_error("socket failed");
    timeval tv{30, 0};
    ::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    int one = 1;
    ::setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(static_cast<std::uint16_t>(port_));
    ::inet_pton(AF_INET, host_.c_str(), &addr.sin_addr);
    if (::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
        close();
        throw std::runtime_error("connect failed: " + std::string(std::strerror(errno)));
    }
    ++connections_;
}

HttpResult HttpClient::request(const std::string& method, const std::string& target, const std::string& body,
                               const std::vector<std::string>& headers) {
    std::string req = method + " " + target + " HTTP/1.1\r\nHost: " + host_ + "\r\n";
    for (const auto& h : headers) req += h + "\r\n";
    if (!body.empty() || method == "POST" || method == "PATCH" || method == "PUT")
        req += "Content-Length: " + std::to_string(body.size()) + "\r\n";
    req += "\r\n" + body;
    return raw(req);
}

HttpResult HttpClient::raw(const std::string& bytes) {
    for (int attempt = 0; attempt < 2; ++attempt) {
        if (fd_ < 0) connect();
        std::size_t sent = 0;
        bool broken = false;
        while (sent < bytes.size()) {
            ssize_t n = ::send(fd_, bytes.data() + sent, bytes.size() - sent, MSG_NOSIGNAL);
            if (n <= 0) {
                broken = true;
                break;
            }
            sent += static_cast<std::size_t>(n);
        }
        if (!broken) {
            try {
                return readResponse();
            } catch (const std::runtime_error&) {
                if (attempt == 1) throw;
            }
        }
        // The server closed an idle keep-alive connection: retry once on a new one.
        close();
    }
    throw std::runtime_error("request failed");
}

HttpResult HttpClient::readResponse() {
    auto fill = [&] {
        char buf[65536];
        ssize_t n = ::recv(fd_, buf, sizeof buf, 0);
        if (n <= 0) throw std::runtime_error("connection closed while reading the response");
        buffer_.append(buf, static_cast<std::size_t>(n));
    };
    std::size_t end;
    while ((end = buffer_.find("\r\n\r\n")) == std::string::npos) fill();
    HttpResult r;
    std::string head = buffer_.substr(0, end);
    buffer_.erase(0, end + 4);
    std::size_t lineEnd = head.find("\r\n");
    std::string status = head.substr(0, lineEnd);
    r.status = std::stoi(status.substr(9, 3));
    std::size_t pos = lineEnd == std::string::npos ? head.size() : lineEnd + 2;
    while (pos < head.size()) {
        std::size_t e = head.find("\r\n", pos);
        if (e == std::string::npos) e = head.size();
        std::string line = head.substr(pos, e - pos);
        auto colon = line.find(':');
        if (colon != std::string::npos) {
            std::string name = line.substr(0, colon);
            for (auto& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
            std::string value = line.substr(colon + 1);
            while (!value.empty() && value.front() == ' ') value.erase(0, 1);
            r.headers[name] = value;
        }
        pos = e + 2;
    }
    std::size_t length = 0;
    if (auto cl = r.header("content-length"); !cl.empty()) length = std::stoul(cl);
    while (buffer_.size() < length) fill();
    r.body = buffer_.substr(0, length);
    buffer_.erase(0, length);
    return r;
}

}  // namespace boxoffice::testing
