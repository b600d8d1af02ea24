#pragma once
// Before and after the crowd: a blocking keep-alive client for the few set-up calls (create the
// show, read its layout), and the show the sale runs on. libcurl (common/http_session), on the
// address the crowd connects to; https:// verified as the crowd's TLS is (SNI, the chain against the
// system store or --ca-file, the host name), or not at all with --insecure.

#include <string>

#include "common/event_loop.hpp"
#include "common/http_session.hpp"

namespace boxoffice::load {

struct SetupResponse {
    int status = 0;  // 0: transport or TLS failure (see body)
    std::string body;
};

class SetupClient {
public:
    /// `tls` applies to an https:// origin.
    explicit SetupClient(const Origin& server, const TlsOptions& tls = {});
    SetupResponse request(const std::string& method, const std::string& path, const std::string& body = "",
                          const std::string& token = "");

private:
    HttpSession session_;
};

/// Creates a venue of `seats` seats (rows of 50, 20 rows a section; the first rows are the best), an
/// event and a show on sale from a minute ago; returns the show id or throws std::runtime_error
/// naming the call that failed.
std::string createShow(SetupClient& client, const std::string& adminToken, long long seats);

}  // namespace boxoffice::load
