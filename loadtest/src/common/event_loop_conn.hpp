#pragma once
// The event loop's per-connection state, shared by its plain-socket side (event_loop.cpp) and
// its TLS side (event_loop_tls.cpp); nothing outside the loop includes it.
#include <cstddef>
#include <cstdint>
#include <memory>

#include <openssl/ssl.h>

#include "common/event_loop.hpp"
#include "common/http_response.hpp"

namespace boxoffice::load {

struct EventLoop::Conn {
    enum class State { Closed, Connecting, Handshaking, Idle, Busy };
    int fd = -1;
    SSL* ssl = nullptr;           // https:// only
    bool writeWantsRead = false;  // SSL_write said WANT_READ: retry it when readable
    bool readWantsWrite = false;  // SSL_read said WANT_WRITE: retry it when writable
    std::int64_t handshakeStart = 0;
    State state = State::Closed;
    bool inIdleList = false;
    bool inClosedList = false;
    bool writeArmed = false;
    Call call;
    std::size_t outOff = 0;
    std::unique_ptr<char[]> buf;
    std::size_t cap = 0, len = 0;
    ResponseHead head;
    bool haveHead = false;
    int connectFailures = 0;
    std::int64_t reopenAt = 0;
};

}  // namespace boxoffice::load
