#pragma once
// Before and after the crowd: a blocking one-request-per-connection client for the few set-up
// calls (create the show, read its layout), and the show the sale runs on.

#include <string>

#include <netinet/in.h>

namespace boxoffice::load {

struct SetupResponse {
    int status = 0;  // 0: transport failure (see body)
    std::string body;
};

class SetupClient {
public:
    SetupClient(const sockaddr_in& server, std::string hostHeader) : server_(server), host_(std::move(hostHeader)) {}
    SetupResponse request(const std::string& method, const std::string& path, const std::string& body = "",
                          const std::string& token = "") const;

private:
    sockaddr_in server_;
    std::string host_;
};

/// Creates a venue of `seats` seats (rows of 50, 20 rows a section; the first rows are the best), an
/// event and a show on sale from a minute ago; returns the show id or throws std::runtime_error
/// naming the call that failed.
std::string createShow(const SetupClient& client, const std::string& adminToken, long long seats);

}  // namespace boxoffice::load
