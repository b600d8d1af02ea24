#pragma once
// What one source (the API, read as every virtual user, or the database) says the sale left behind.
// Plain data, filled by api_reader / sql_reader, compared with the Ledger by checks.

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace boxoffice::load {

struct ServerTicket {
    std::string ticketCode;
    std::string orderId;
    std::string seatId;
    std::string userId;
};

struct ServerOrder {
    std::string orderId;
    std::string userId;
    std::string status;
    std::vector<std::string> seatIds;
    std::vector<ServerTicket> tickets;  // as the order itself lists them (only once CONFIRMED)
    long long expiresAtMs = 0;
    // Database only: the order_seats rows whose `active` flag is set, i.e. what the unique guard sees.
    std::optional<std::vector<std::string>> flaggedActiveSeatIds;
};

/// The seat map of a show: ids from /seatmap/layout, letters and counts from /seatmap/availability.
struct SeatMap {
    std::vector<std::string> seatIds;  // layout order
    std::string statuses;              // one letter per seat: A, H, S
    long long countAvailable = 0, countHeld = 0, countSold = 0;
    long long seatCount = 0;
    long long readAtMs = 0;  // our clock when the availability was read
};

struct ServerState {
    std::string source;                         // "api" or "db"
    std::map<std::string, ServerOrder> orders;  // by order id: every order of the show this source sees
    std::vector<ServerTicket> tickets;          // every valid ticket of the show this source sees
    std::optional<long long> showSeatCount;     // from the database's venue, when known
    long long nowMs = 0;                        // when it was read (database clock for db, ours for api)
    long long usersRead = 0;                    // api: whose orders and tickets were listed
    std::vector<std::string> readErrors;        // what could not be read (a user's orders, a page...)
};

/// One order's payment records, as an admin reads them (GET /v1/orders/{id}/payments).
struct OrderPayments {
    std::vector<std::string> paymentStatuses;  // PENDING, SUCCEEDED, FAILED: one per payment
    std::vector<std::string> refundStatuses;   // one per refund (the provider's status: "succeeded")
};

struct PaymentRecords {
    std::map<std::string, OrderPayments> byOrder;  // every order asked for that answered 200
    std::vector<std::string> readErrors;
};

inline bool isActiveStatus(const std::string& status) {
    return status == "PAYMENT_PENDING" || status == "CONFIRMED";
}

}  // namespace boxoffice::load
