#pragma once
// A connection's bytes out through Pistache's transport of the peer's reactor, in slices.
//
// Pistache copies what it is given on every write attempt and again on every EAGAIN, so a
// multi-megabyte body handed over whole costs a copy of its remainder each time the socket fills:
// quadratic in the size (a 100,000-seat map took 1 GiB of RSS at 64 connections). Here a response
// goes out at most kSliceBytes at a time, the next slice once the last one is written, and a shared
// cached body is read in place, never copied whole. Responses leave in the order they were written.
#include <cstddef>
#include <memory>

#include "http/connection.hpp"

namespace Pistache::Tcp {
class Peer;
}

namespace boxoffice::http {

class PeerWire final : public Wire {
public:
    static constexpr std::size_t kSliceBytes = 64 * 1024;

    explicit PeerWire(const std::shared_ptr<Pistache::Tcp::Peer>& peer);
    ~PeerWire() override;

    void write(WireBytes bytes, bool thenClose) override;
    void abort() override;
    std::size_t queuedBytes() const override;

private:
    struct State;
    std::shared_ptr<State> state_;  // shared with the writes in flight, which may outlive this
};

}  // namespace boxoffice::http
