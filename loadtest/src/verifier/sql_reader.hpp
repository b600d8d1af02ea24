#pragma once
// Reads a show's final state directly in PostgreSQL, in one read-only REPEATABLE READ transaction
// (one consistent snapshot; the verifier never writes).

#include <set>
#include <string>
#include <utility>
#include <vector>

#include "verifier/server_state.hpp"

namespace boxoffice::load {

/// Every order (with its order_seats rows and `active` flags) and valid ticket of the show, the
/// venue's seat count and the database's clock. Throws std::runtime_error when it cannot be read.
ServerState readDatabase(const std::string& postgresUrl, const std::string& showId);

/// Orders of the show still PAYMENT_PENDING (for polling while abandoned orders expire).
long long countPendingOrders(const std::string& postgresUrl, const std::string& showId);

/// Seat ids of the show's CONFIRMED orders (for polling the seat map against the database).
std::set<std::string> confirmedSeats(const std::string& postgresUrl, const std::string& showId);

/// (user_id, idem_key) of idempotency_keys rows still in progress (status_code NULL) whose user id
/// starts with `userPrefix`.
std::vector<std::pair<std::string, std::string>> idempotencyKeysInProgress(const std::string& postgresUrl,
                                                                           const std::string& userPrefix);

}  // namespace boxoffice::load
