#pragma once
// The harness's base URLs (`--base`, `--metrics`): http:// or https://, a host name or IPv4 address,
// an optional port and path. Pure: resolving the name is the event loop's job.

#include <optional>
#include <string>
#include <string_view>

namespace boxoffice::load {

struct BaseUrl {
    bool tls = false;        // https://
    std::string host;        // as written (a name or an IPv4 address): SNI and the certificate check use it
    std::string port;        // as written, or 80 / 443
    std::string hostHeader;  // host[:port] exactly as in the URL (the Host header)
    std::string path;        // "" or "/..." (a --metrics URL's path)
};

/// How https:// URLs are verified: by the crowd's OpenSSL sessions (tls.hpp) and by the set-up
/// client's and the verifier's libcurl requests (http_session.hpp, verifier/http_batch.hpp) alike.
struct TlsOptions {
    std::string caFile;     // PEM bundle to trust instead of the system store ("" = the system store)
    bool insecure = false;  // no certificate or host name verification
};

/// Nullopt with `error` set when the URL is not http(s)://HOST[:PORT][/PATH].
std::optional<BaseUrl> parseBaseUrl(std::string_view url, std::string& error);

}  // namespace boxoffice::load
