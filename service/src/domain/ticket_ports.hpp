#pragma once
// Ports of tickets at the door: the signer of ticket codes (Ed25519), and where tickets and their
// check-ins are read and recorded (SQL).
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "domain/booking.hpp"
#include "domain/result.hpp"

namespace boxoffice {

/// What a signed ticket code carries: enough for a scanner to show the seat offline.
struct TicketClaims {
    std::string ticketCode;  // the ticket's id (tickets.code, "T-...")
    ShowId showId;
    SeatId seatId;
};

/// Signs and verifies the codes printed in the QR. Verification is offline: a code that verifies was
/// issued by a holder of the private key; whether the ticket is still valid is the store's to say.
class TicketCodeSigner {
public:
    virtual ~TicketCodeSigner() = default;
    virtual std::string sign(const TicketClaims& claims) const = 0;
    /// nullopt for anything that is not a well-formed code with a valid signature under our key.
    virtual std::optional<TicketClaims> verify(std::string_view code) const = 0;
};

/// A ticket as the door needs it: with its state and the name of the order's customer.
struct TicketRecord {
    Ticket ticket;
    bool voided = false;
    std::string holderName;
};

struct CheckinRecord {
    std::string ticketCode;
    ShowId showId;
    std::string gate;  // empty when the scanner named none
    UserId staffId;
    EpochMs at = 0;
};

/// The outcome of recording a scan: `first` when this scan is the ticket's check-in, otherwise
/// `record` is the earlier scan that was.
struct CheckinAttempt {
    bool first = false;
    CheckinRecord record;
};

struct GateCount {
    std::string gate;
    long long checkedIn = 0;
};

struct ShowCheckins {
    long long validTickets = 0;
    long long checkedIn = 0;
    std::vector<GateCount> byGate;  // ordered by gate
};

class TicketStore {
public:
    virtual ~TicketStore() = default;
    /// nullopt when no ticket has this code.
    virtual Result<std::optional<TicketRecord>> findTicket(const std::string& code) = 0;
    /// Records `scan` unless the ticket was checked in before, in one statement guarded by the
    /// database (a primary key on the ticket): of concurrent scans of one ticket exactly one is first.
    virtual Result<CheckinAttempt> checkIn(const CheckinRecord& scan) = 0;
    /// NotFound for an unknown show.
    virtual Result<ShowCheckins> checkins(const ShowId& show) = 0;
};

}  // namespace boxoffice
