#include "http/peer_wire.hpp"

#include <pistache/async.h>
#include <pistache/os.h>
#include <pistache/peer.h>
#include <sys/socket.h>

#include <algorithm>
#include <deque>
#include <mutex>
#include <optional>
#include <string>
#include <utility>

namespace boxoffice::http {

namespace {

struct Pending {
    WireBytes bytes;
    std::size_t sent = 0;  // bytes of head + body already handed over
    bool thenClose = false;
};

}  // namespace

struct PeerWire::State : std::enable_shared_from_this<State> {
    explicit State(const std::shared_ptr<Pistache::Tcp::Peer>& p) : peer(p) {}

    std::weak_ptr<Pistache::Tcp::Peer> peer;
    std::mutex mu;
    std::deque<Pending> queue;
    bool sending = false;    // a slice is with the transport; its completion sends the next
    std::size_t queued = 0;  // bytes written here and not yet handed to the transport

    void push(WireBytes bytes, bool thenClose) {
        {
            std::lock_guard lock(mu);
            queued += bytes.size();
            queue.push_back({std::move(bytes), 0, thenClose});
            if (sending) return;
            sending = true;
        }
        sendNext();
    }

    // The next slice of the response at the front, copied out of it (at most kSliceBytes).
    struct Slice {
        std::string bytes;
        bool last = false;
        bool thenClose = false;
    };
    std::optional<Slice> takeSlice() {
        std::lock_guard lock(mu);
        if (queue.empty()) {
            sending = false;
            return std::nullopt;
        }
        Pending& p = queue.front();
        Slice s;
        s.thenClose = p.thenClose;
        if (!p.bytes.body && p.bytes.tail.empty() && p.sent == 0 && p.bytes.head.size() <= kSliceBytes) {
            // The common answer: small and whole, handed over as it is (no copy).
            queued -= p.bytes.head.size();
            s.bytes = std::move(p.bytes.head);
            s.last = true;
            queue.pop_front();
            return s;
        }
        const std::string& head = p.bytes.head;
        const std::string empty;
        const std::string& body = p.bytes.body ? *p.bytes.body : empty;
        const std::string& tail = p.bytes.tail;
        const std::size_t total = head.size() + body.size() + tail.size();
        const std::size_t n = std::min(kSliceBytes, total - p.sent);
        s.bytes.reserve(n);
        // Copies [p.sent, p.sent + n) of head + body + tail, each part from where the slice is in it.
        std::size_t offset = 0;
        for (const std::string* part : {&head, &body, &tail}) {
            const std::size_t at = p.sent + s.bytes.size();
            if (s.bytes.size() < n && at < offset + part->size())
                s.bytes.append(*part, at - offset, std::min(n - s.bytes.size(), offset + part->size() - at));
            offset += part->size();
        }
        p.sent += n;
        queued -= n;
        s.last = p.sent == total;
        if (s.last) queue.pop_front();
        return s;
    }

    void sendNext() {
        auto slice = takeSlice();
        if (!slice) return;
        auto p = peer.lock();
        if (!p) return dropAll();
        const auto size = slice->bytes.size();
        std::weak_ptr<State> self = weak_from_this();
        const bool closeAfter = slice->last && slice->thenClose;
        // The continuation runs on the reactor once the slice is out.
        p->send(Pistache::RawBuffer(std::move(slice->bytes), size))
            .then(
                [self, closeAfter](ssize_t) {
                    auto state = self.lock();
                    if (!state) return;
                    if (closeAfter) {
                        // The client reads the answer, then the end of the stream; the reactor
                        // drops the peer when it closes.
                        if (auto live = state->peer.lock()) ::shutdown(live->fd(), SHUT_WR);
                    }
                    state->sendNext();
                },
                [self](std::exception_ptr) {
                    if (auto state = self.lock()) state->dropAll();
                });
    }

    // The peer is gone or its write failed: nothing more can go out.
    void dropAll() {
        std::lock_guard lock(mu);
        queue.clear();
        queued = 0;
        sending = false;
    }
};

PeerWire::PeerWire(const std::shared_ptr<Pistache::Tcp::Peer>& peer) : state_(std::make_shared<State>(peer)) {}

PeerWire::~PeerWire() = default;

void PeerWire::write(WireBytes bytes, bool thenClose) {
    state_->push(std::move(bytes), thenClose);
}

std::size_t PeerWire::queuedBytes() const {
    std::lock_guard lock(state_->mu);
    return state_->queued;
}

void PeerWire::abort() {
    // The reactor sees the end of the stream and removes the peer (and closes its fd); the
    // connection calls this under its lock before onDisconnect, so the fd is still this peer's.
    if (auto peer = state_->peer.lock()) ::shutdown(peer->fd(), SHUT_RDWR);
}

}  // namespace boxoffice::http
