#pragma once
// Reads a show's final state through the public API: the seat map, and every virtual user's orders
// and tickets with that user's own token (orders are scoped to their owner).

#include <string>

#include "verifier/http_batch.hpp"
#include "verifier/ledger.hpp"
#include "verifier/server_state.hpp"

namespace boxoffice::load {

class ApiReader {
public:
    ApiReader(std::string baseUrl, int connections, TlsOptions tls = {});

    /// Layout (read once) and availability; throws std::runtime_error when the service cannot be read.
    SeatMap seatMap(const std::string& showId);
    /// Only the availability letters and counts, on the layout read before (for polling).
    SeatMap availability(const std::string& showId);

    /// GET /v1/me/orders and /v1/me/tickets (every page) for every user of `ledger.tokenOf` (or,
    /// unless `everyone`, only the owners of ledger orders), keeping this show's, then
    /// GET /v1/orders/{id} for any ledger order the listings did not show.
    ServerState readUsers(const Ledger& ledger, bool everyone);

    /// GET /v1/orders/{id}/payments for each of `orderIds`, as the admins of `adminTokens` in turn.
    PaymentRecords readPayments(const std::vector<std::string>& orderIds, const std::vector<std::string>& adminTokens);

    /// GET of an absolute URL (a metrics scrape); throws when it is not a 200.
    std::string fetch(const std::string& url);

private:
    std::string base_;
    HttpBatch http_;
    SeatMap layout_;
    bool haveLayout_ = false;
};

}  // namespace boxoffice::load
