#include "common/tls.hpp"

#include <cerrno>
#include <cstring>
#include <stdexcept>

#include <arpa/inet.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

namespace boxoffice::load {
namespace {

std::string errorQueue() {
    std::string out;
    while (const unsigned long e = ERR_get_error()) {
        char buf[256];
        ERR_error_string_n(e, buf, sizeof buf);
        if (!out.empty()) out += "; ";
        out += buf;
    }
    return out;
}

bool isIpAddress(const std::string& host) {
    in_addr a4{};
    in6_addr a6{};
    return inet_pton(AF_INET, host.c_str(), &a4) == 1 || inet_pton(AF_INET6, host.c_str(), &a6) == 1;
}

}  // namespace

TlsClient::TlsClient(const TlsOptions& options) : insecure_(options.insecure) {
    ctx_ = SSL_CTX_new(TLS_client_method());
    if (ctx_ == nullptr) throw std::runtime_error("TLS: SSL_CTX_new failed: " + errorQueue());
    SSL_CTX_set_min_proto_version(ctx_, TLS1_2_VERSION);
    // Non-blocking writes resume where they stopped: the event loop retries SSL_write with the rest
    // of the request after WANT_WRITE. A peer closing without close_notify reads as an EOF, like TCP.
    SSL_CTX_set_mode(ctx_, SSL_MODE_ENABLE_PARTIAL_WRITE | SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER);
    SSL_CTX_set_options(ctx_, SSL_OP_IGNORE_UNEXPECTED_EOF);
    if (insecure_) {
        SSL_CTX_set_verify(ctx_, SSL_VERIFY_NONE, nullptr);
        return;
    }
    SSL_CTX_set_verify(ctx_, SSL_VERIFY_PEER, nullptr);
    const bool loaded = options.caFile.empty()
                            ? SSL_CTX_set_default_verify_paths(ctx_) == 1
                            : SSL_CTX_load_verify_locations(ctx_, options.caFile.c_str(), nullptr) == 1;
    if (!loaded) {
        const std::string why = errorQueue();
        SSL_CTX_free(ctx_);
        throw std::runtime_error("TLS: cannot load " +
                                 (options.caFile.empty() ? std::string("the system CA store") : options.caFile) + ": " +
                                 why);
    }
}

TlsClient::~TlsClient() {
    SSL_CTX_free(ctx_);
}

SSL* TlsClient::newSession(int fd, const std::string& host, std::string& error) const {
    SSL* ssl = SSL_new(ctx_);
    if (ssl == nullptr || SSL_set_fd(ssl, fd) != 1) {
        error = "TLS: SSL_new failed: " + errorQueue();
        SSL_free(ssl);
        return nullptr;
    }
    const bool ip = isIpAddress(host);
    // SNI carries host names only (RFC 6066); the ALB picks its certificate by it.
    // (SSL_set_tlsext_host_name is a macro with a C cast: its expansion, spelled out.)
    bool ok = ip || SSL_ctrl(ssl, SSL_CTRL_SET_TLSEXT_HOSTNAME, TLSEXT_NAMETYPE_host_name,
                             const_cast<char*>(host.c_str())) == 1;
    if (ok && !insecure_) {
        X509_VERIFY_PARAM* param = SSL_get0_param(ssl);
        X509_VERIFY_PARAM_set_hostflags(param, X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
        ok = ip ? X509_VERIFY_PARAM_set1_ip_asc(param, host.c_str()) == 1 : SSL_set1_host(ssl, host.c_str()) == 1;
    }
    if (!ok) {
        error = "TLS: cannot set the host name " + host + ": " + errorQueue();
        SSL_free(ssl);
        return nullptr;
    }
    return ssl;
}

std::string TlsClient::describeFailure(SSL* ssl, int rc) {
    const int err = SSL_get_error(ssl, rc);
    const long verify = SSL_get_verify_result(ssl);
    if (verify != X509_V_OK) {
        ERR_clear_error();
        return std::string("certificate verify failed: ") + X509_verify_cert_error_string(verify);
    }
    std::string queue = errorQueue();
    if (!queue.empty()) return queue;
    if (err == SSL_ERROR_SYSCALL) return errno != 0 ? std::strerror(errno) : "connection closed during the handshake";
    if (err == SSL_ERROR_ZERO_RETURN) return "connection closed by the server";
    return "SSL error " + std::to_string(err);
}

}  // namespace boxoffice::load
