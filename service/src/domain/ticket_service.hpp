#pragma once
// Tickets after the sale: the owner's signed code (for the QR), and check-in at the door.
#include <string>
#include <string_view>

#include "domain/clock.hpp"
#include "domain/ticket_ports.hpp"

namespace boxoffice {

struct Admission {
    TicketRecord ticket;
    CheckinRecord checkin;
};

class TicketService {
public:
    TicketService(TicketStore& store, const TicketCodeSigner& signer, const Clock& clock);

    /// The signed code of `owner`'s ticket `ticketCode`; NotFound for an unknown ticket and for
    /// someone else's (indistinguishable), TicketVoid for a voided one.
    Result<std::string> signedCodeOf(const UserId& owner, const std::string& ticketCode);
    /// Admits the ticket a scanned code names, once: NotFound when the code does not verify or names
    /// no ticket, TicketVoid for a voided ticket, AlreadyCheckedIn (with the first scan's
    /// `checkedInAt` and `gate` as extensions) for every scan after the first.
    Result<Admission> checkIn(const UserId& staff, std::string_view code, const std::string& gate);
    /// Counts for the door staff: valid tickets, checked in, by gate. NotFound for an unknown show.
    Result<ShowCheckins> checkins(const ShowId& show);

private:
    TicketStore& store_;
    const TicketCodeSigner& signer_;
    const Clock& clock_;
};

}  // namespace boxoffice
