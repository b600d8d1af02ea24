#pragma once
// Reads a show's final state directly in PostgreSQL, in one read-only REPEATABLE READ transaction
// (one consistent snapshot; the verifier never writes).

#include <string>

#include "server_state.hpp"

namespace boxoffice::load {

/// Every order (with its order_seats rows and `active` flags) and valid ticket of the show, the
/// venue's seat count and the database's clock. Throws std::runtime_error when it cannot be read.
ServerState readDatabase(const std::string& postgresUrl, const std::string& showId);

/// Orders of the show still PAYMENT_PENDING (for polling while abandoned orders expire).
long long countPendingOrders(const std::string& postgresUrl, const std::string& showId);

}  // namespace boxoffice::load
