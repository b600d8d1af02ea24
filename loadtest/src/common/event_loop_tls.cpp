// The TLS side of the event loop: the handshake, and writes and reads through OpenSSL with
// its WANT_READ / WANT_WRITE turns mapped onto the loop's epoll interest.
#include <openssl/err.h>

#include <algorithm>
#include <cerrno>

#include "common/event_loop.hpp"
#include "common/event_loop_conn.hpp"
#include "common/tls.hpp"

namespace boxoffice::load {

void EventLoop::flushTls(Conn& c) {
    const std::string& w = c.call.wire;
    c.writeWantsRead = false;
    while (c.outOff < w.size()) {
        ERR_clear_error();
        // After WANT_*, the retry passes the same bytes again, as OpenSSL requires.
        const int n = SSL_write(c.ssl, w.data() + c.outOff,
                                static_cast<int>(std::min<std::size_t>(w.size() - c.outOff, 1 << 30)));
        if (n > 0) {
            c.outOff += static_cast<std::size_t>(n);
            continue;
        }
        switch (SSL_get_error(c.ssl, n)) {
            case SSL_ERROR_WANT_WRITE:
                setWriteInterest(c, true);
                return;
            case SSL_ERROR_WANT_READ:  // a TLS 1.3 key update or the like: wait for the peer
                c.writeWantsRead = true;
                setWriteInterest(c, false);
                return;
            default:
                lastTlsError_ = TlsClient::describeFailure(c.ssl, n);
                fail(c, "send failed");
                return;
        }
    }
    setWriteInterest(c, false);
}

// recv()'s contract over TLS: > 0 bytes, 0 at the end of the stream, -1 with errno EAGAIN when
// nothing can be read now (WANT_READ, or WANT_WRITE with write interest armed) or ECONNRESET.
long EventLoop::readTls(Conn& c, char* into, std::size_t room) {
    ERR_clear_error();
    const int n = SSL_read(c.ssl, into, static_cast<int>(std::min<std::size_t>(room, 1 << 30)));
    if (n > 0) {
        if (c.readWantsWrite) {
            c.readWantsWrite = false;
            if (c.state != Conn::State::Busy || c.outOff >= c.call.wire.size()) setWriteInterest(c, false);
        }
        return n;
    }
    switch (SSL_get_error(c.ssl, n)) {
        case SSL_ERROR_WANT_READ:
            errno = EAGAIN;
            return -1;
        case SSL_ERROR_WANT_WRITE:
            c.readWantsWrite = true;
            setWriteInterest(c, true);
            errno = EAGAIN;
            return -1;
        case SSL_ERROR_ZERO_RETURN:
            return 0;
        default:
            lastTlsError_ = TlsClient::describeFailure(c.ssl, n);
            errno = ECONNRESET;
            return -1;
    }
}

void EventLoop::handshake(Conn& c) {
    ERR_clear_error();
    const int rc = SSL_connect(c.ssl);
    if (rc == 1) {
        setWriteInterest(c, false);
        c.connectFailures = 0;
        becomeIdle(c);
        return;
    }
    switch (SSL_get_error(c.ssl, rc)) {
        case SSL_ERROR_WANT_READ:
            setWriteInterest(c, false);
            return;
        case SSL_ERROR_WANT_WRITE:
            setWriteInterest(c, true);
            return;
        default:
            lastTlsError_ = TlsClient::describeFailure(c.ssl, rc);
            fail(c, "TLS handshake failed");
            return;
    }
}

}  // namespace boxoffice::load
