#pragma once
// Before and after the crowd: a blocking one-request-per-connection client for the few set-up
// calls (create the show, read its layout), and the show the sale runs on. Speaks TLS to an
// https:// endpoint (blocking SSL_connect/SSL_write/SSL_read, the same TlsClient as the crowd).

#include <string>

#include "common/event_loop.hpp"

namespace boxoffice::load {

struct SetupResponse {
    int status = 0;  // 0: transport or TLS failure (see body)
    std::string body;
};

class SetupClient {
public:
    /// `tls` is required for an https:// origin; it must outlive the client.
    SetupClient(Origin server, const TlsClient* tls = nullptr);
    SetupResponse request(const std::string& method, const std::string& path, const std::string& body = "",
                          const std::string& token = "") const;

private:
    Origin server_;
    const TlsClient* tls_;
};

/// Creates a venue of `seats` seats (rows of 50, 20 rows a section; the first rows are the best), an
/// event and a show on sale from a minute ago; returns the show id or throws std::runtime_error
/// naming the call that failed.
std::string createShow(const SetupClient& client, const std::string& adminToken, long long seats);

}  // namespace boxoffice::load
