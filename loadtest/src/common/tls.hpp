#pragma once
// TLS for the crowd's event loop: OpenSSL, TLS 1.2 or newer, SNI, the certificate chain verified
// against the system CA store (or `--ca-file`), the host name verified against the certificate.
// `--insecure` skips both checks. The set-up client's and the verifier's requests go through
// libcurl, which is given the same options (common/http_session.cpp, verifier/http_batch.cpp).

#include <string>

#include "common/base_url.hpp"

struct ssl_ctx_st;
struct ssl_st;

namespace boxoffice::load {

/// The SSL_CTX of a run, shared by every connection and thread (OpenSSL's contexts are thread-safe
/// once configured; each connection has its own SSL).
class TlsClient {
public:
    /// Throws std::runtime_error when the CA bundle (or the system store) cannot be loaded.
    explicit TlsClient(const TlsOptions& options);
    ~TlsClient();
    TlsClient(const TlsClient&) = delete;
    TlsClient& operator=(const TlsClient&) = delete;

    /// A client session on the connected socket `fd`, with SNI (for a host name, not an IP address)
    /// and the host name or address to verify. Null (with `error`) when OpenSSL cannot make one.
    ssl_st* newSession(int fd, const std::string& host, std::string& error) const;

    bool verifies() const { return !insecure_; }

    /// Why the SSL call that returned `rc` failed: the certificate verification result when that is
    /// what failed, else OpenSSL's error queue (consumed) or errno.
    static std::string describeFailure(ssl_st* ssl, int rc);

private:
    ssl_ctx_st* ctx_ = nullptr;
    bool insecure_ = false;
};

/// The warning `--insecure` prints once.
inline constexpr const char* kInsecureWarning =
    "boxoffice-load: warning: --insecure: TLS certificates and host names are NOT verified\n";

}  // namespace boxoffice::load
