#pragma once
// What the crowd was told by the service: the verifier's evidence. The scenario runner of
// boxoffice-load fills it while the sale runs; the verifier reads it afterwards. Plain data, no I/O.

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace boxoffice::load {

struct SeenTicket {
    std::string ticketCode;
    std::string seatId;
};

/// One order a client created (201 on POST /v1/orders), as that client last saw it.
struct SeenOrder {
    std::string orderId;
    std::string userId;                // the JWT `sub` of its owner
    std::vector<std::string> seatIds;  // as returned at creation
    std::string lastStatus;            // last status a client was told: PAYMENT_PENDING, CONFIRMED, CANCELLED...
    std::vector<SeenTicket> tickets;   // as returned once CONFIRMED (confirm-payment, or GET after the callback)
    bool abandoned = false;            // the user walked away without paying or cancelling
    // Paid through the provider: what the signed callback's answer said it did ("confirmed",
    // "failed", "late_refunded", ...); empty when it was not sent or not answered.
    std::string paymentOutcome{};
    bool refundRequested = false;                // POST /v1/orders/{id}/refund was sent
    std::vector<std::string> refundedSeatIds{};  // the seats its 200 said were refunded
};

/// One queued user's place in the waiting room, as that user was told it. The microsecond times
/// are the harness's monotonic clock, the milliseconds the service's.
struct SeenQueuePlace {
    std::string userId;
    long long position = 0;        // 1-based, as told once the room had opened (0: never told)
    bool positionChanged = false;  // told another position later (a place never changes after the opening)
    long long otherPosition = 0;   // the first other position told, when it changed
    // The end of the user's shopping window the service told (its admission time + the room's
    // window: the same offset for everyone, so the order of these is the order of admissions); 0:
    // never admitted.
    long long windowEndsAtMs = 0;
    std::int64_t admittedSeenMicros = -1;     // the first answer ADMITTED was received (-1: never)
    std::int64_t lastWaitingSentMicros = -1;  // the last request answered WAITING was sent (-1: none)
};

/// What a queued crowd sent and was told about admissions (empty when the show had no room on).
struct QueueLedger {
    bool gated = false;  // the show's waiting room was on: every hold needed an admission
    std::vector<SeenQueuePlace> places;
    long long holdsSent = 0, holdsSentWithoutAdmission = 0;
    long long plantedWithoutAdmission = 0;  // of those, sent so on purpose (--queue-plant-tokenless)
    long long holdsGranted = 0, holdsGrantedWithoutAdmission = 0;
    // 403s of holds, by the reason the service gave.
    long long refusedMissing = 0, refusedExpired = 0, refusedOther = 0;
};

struct Ledger {
    std::string showId;
    long long seatsOnSale = 0;                   // seats of the show at the start of the sale
    long long seatsWanted = 0;                   // sum of every user's group size
    bool anyoneAbandons = false;                 // the scenario abandons or cancels holds/orders
    bool faultsInjected = false;                 // 5xx and transport errors are then expected and only listed
    std::map<std::string, std::string> tokenOf;  // user id -> bearer token, for every virtual user
    std::vector<SeenOrder> orders;               // every order a client created
    // The crowd paid through the provider (POST /payment + the signed callback): every CONFIRMED or
    // REFUNDED order then has a succeeded payment record. False with confirm-payment, which records none.
    bool paidThroughProvider = false;
    // The latest `expiresAt` the service told any client, of a hold or an order (epoch ms, the
    // service's clock; 0: none was told): capacity cannot be asked back before it.
    long long lastExpiresAtMs = 0;
    long long http5xx = 0;
    long long transportErrors = 0;
    // Responses by endpoint and status, e.g. "POST /v1/holds 201" -> 4711 (route templates as the
    // service registers them: "POST /v1/orders/{id}/confirm-payment 200").
    std::map<std::string, long long> responses;
    QueueLedger queue;
};

}  // namespace boxoffice::load
