#include "domain/ticket_service.hpp"

#include "util/rfc3339.hpp"

namespace boxoffice {
namespace {

Error unknownCode() {
    // One answer for a forged, damaged or foreign code and for a ticket we never issued: a scanner
    // learns nothing from the difference.
    return Error::of(ErrorCode::NotFound, "this code is not a valid ticket");
}

}  // namespace

TicketService::TicketService(TicketStore& store, const TicketCodeSigner& signer, const Clock& clock)
    : store_(store), signer_(signer), clock_(clock) {}

Result<std::string> TicketService::signedCodeOf(const UserId& owner, const std::string& ticketCode) {
    auto t = store_.findTicket(ticketCode);
    if (!t) return std::move(t).error();
    if (!*t || (*t)->ticket.userId != owner) return Error::notFound("ticket");
    if ((*t)->voided) return Error::of(ErrorCode::TicketVoid, "this ticket was voided");
    const Ticket& ticket = (*t)->ticket;
    return signer_.sign({ticket.code, ticket.showId, ticket.seatId});
}

Result<Admission> TicketService::checkIn(const UserId& staff, std::string_view code, const std::string& gate) {
    const auto claims = signer_.verify(code);
    if (!claims) return unknownCode();
    auto t = store_.findTicket(claims->ticketCode);
    if (!t) return std::move(t).error();
    // A verified code always matches its ticket; a mismatch would mean a reused ticket code.
    if (!*t || (*t)->ticket.showId != claims->showId || (*t)->ticket.seatId != claims->seatId) return unknownCode();
    if ((*t)->voided) return Error::of(ErrorCode::TicketVoid, "this ticket was voided; do not admit");
    auto attempt = store_.checkIn({claims->ticketCode, claims->showId, gate, staff, clock_.nowMs()});
    if (!attempt) return std::move(attempt).error();
    if (!attempt->first) {
        const CheckinRecord& first = attempt->record;
        Error e =
            Error::of(ErrorCode::AlreadyCheckedIn, "this ticket was checked in at " + formatRfc3339(first.at) +
                                                       (first.gate.empty() ? std::string{} : " at gate " + first.gate));
        e.extensions.emplace_back("checkedInAt", formatRfc3339(first.at));
        if (!first.gate.empty()) e.extensions.emplace_back("gate", first.gate);
        return e;
    }
    return Admission{std::move(**t), attempt->record};
}

Result<ShowCheckins> TicketService::checkins(const ShowId& show) {
    return store_.checkins(show);
}

}  // namespace boxoffice
