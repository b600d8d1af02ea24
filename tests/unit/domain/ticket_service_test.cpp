// The door's rules on a fake store: which scans admit, which are refused and how, and who may see a
// ticket's code. The database's guard against concurrent scans is tested in ticket_api_test.
#include "domain/ticket_service.hpp"

#include <gtest/gtest.h>

#include <map>

#include "support/fake_clock.hpp"
#include "tickets/ed25519_ticket_signer.hpp"
#include "util/rfc3339.hpp"

namespace boxoffice {
namespace {

class FakeTicketStore final : public TicketStore {
public:
    Result<std::optional<TicketRecord>> findTicket(const std::string& code) override {
        auto it = tickets.find(code);
        if (it == tickets.end()) return std::optional<TicketRecord>{};
        return std::optional<TicketRecord>{it->second};
    }
    Result<CheckinAttempt> checkIn(const CheckinRecord& scan) override {
        auto [it, inserted] = scans.emplace(scan.ticketCode, scan);
        return CheckinAttempt{inserted, it->second};
    }
    Result<ShowCheckins> checkins(const ShowId&) override { return ShowCheckins{}; }

    std::map<std::string, TicketRecord> tickets;
    std::map<std::string, CheckinRecord> scans;
};

class DoorRules : public ::testing::Test {
protected:
    void SetUp() override {
        store_.tickets["T-1"] = {Ticket{"T-1", SeatId{"A-1"}, OrderId{"o-1"}, ShowId{"s-1"}, UserId{"ann"}, 1, {}},
                                 false, "Ann"};
        store_.tickets["T-2"] = {Ticket{"T-2", SeatId{"A-2"}, OrderId{"o-1"}, ShowId{"s-1"}, UserId{"ann"}, 1, {}},
                                 true, "Ann"};
    }
    std::string codeOf(const std::string& ticket) {
        const Ticket& t = store_.tickets[ticket].ticket;
        return signer_->sign({t.code, t.showId, t.seatId});
    }

    testing::FakeClock clock_;
    FakeTicketStore store_;
    std::unique_ptr<tickets::Ed25519TicketSigner> signer_ = tickets::Ed25519TicketSigner::generate();
    TicketService service_{store_, *signer_, clock_};
};

TEST_F(DoorRules, TheFirstScanAdmitsAndLaterOnesNameItsTimeAndGate) {
    auto first = service_.checkIn(UserId{"door-1"}, codeOf("T-1"), "north");
    ASSERT_TRUE(first.ok()) << first.error().detail;
    EXPECT_EQ(first->ticket.holderName, "Ann");
    EXPECT_EQ(first->ticket.ticket.seatId, SeatId{"A-1"});
    EXPECT_EQ(first->checkin.at, clock_.nowMs());
    const EpochMs firstAt = clock_.nowMs();

    clock_.advance(std::chrono::minutes(3));
    auto again = service_.checkIn(UserId{"door-2"}, codeOf("T-1"), "south");
    ASSERT_FALSE(again.ok());
    EXPECT_EQ(again.error().code, ErrorCode::AlreadyCheckedIn);
    const auto& ext = again.error().extensions;
    ASSERT_EQ(ext.size(), 2u);
    EXPECT_EQ(ext[0].first, "checkedInAt");
    EXPECT_EQ(ext[0].second, formatRfc3339(firstAt));
    EXPECT_EQ(ext[1], (std::pair<std::string, std::string>{"gate", "north"}));
}

TEST_F(DoorRules, VoidedForgedAndUnknownTicketsAreRefused) {
    auto voided = service_.checkIn(UserId{"door-1"}, codeOf("T-2"), "");
    ASSERT_FALSE(voided.ok());
    EXPECT_EQ(voided.error().code, ErrorCode::TicketVoid);
    EXPECT_TRUE(store_.scans.empty()) << "a refused scan records nothing";

    auto stranger = tickets::Ed25519TicketSigner::generate();
    auto forged = service_.checkIn(UserId{"door-1"}, stranger->sign({"T-1", ShowId{"s-1"}, SeatId{"A-1"}}), "");
    ASSERT_FALSE(forged.ok());
    EXPECT_EQ(forged.error().code, ErrorCode::NotFound);

    // Genuinely signed, but for a ticket the store does not know, or for another seat than its own.
    for (const TicketClaims& claims :
         {TicketClaims{"T-9", ShowId{"s-1"}, SeatId{"A-9"}}, TicketClaims{"T-1", ShowId{"s-1"}, SeatId{"A-7"}}}) {
        auto r = service_.checkIn(UserId{"door-1"}, signer_->sign(claims), "");
        ASSERT_FALSE(r.ok());
        EXPECT_EQ(r.error().code, ErrorCode::NotFound) << claims.ticketCode << " " << claims.seatId.str();
    }
    EXPECT_TRUE(store_.scans.empty());
}

TEST_F(DoorRules, OnlyTheOwnerGetsTheSignedCode) {
    auto mine = service_.signedCodeOf(UserId{"ann"}, "T-1");
    ASSERT_TRUE(mine.ok());
    EXPECT_EQ(*mine, codeOf("T-1"));
    ASSERT_TRUE(signer_->verify(*mine));
    auto other = service_.signedCodeOf(UserId{"ben"}, "T-1");
    ASSERT_FALSE(other.ok());
    EXPECT_EQ(other.error().code, ErrorCode::NotFound);
    EXPECT_EQ(service_.signedCodeOf(UserId{"ann"}, "T-404").error().code, ErrorCode::NotFound);
    EXPECT_EQ(service_.signedCodeOf(UserId{"ann"}, "T-2").error().code, ErrorCode::TicketVoid);
}

}  // namespace
}  // namespace boxoffice
