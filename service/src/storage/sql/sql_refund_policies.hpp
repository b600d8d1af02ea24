#pragma once
// The shows' refund policies in the refund_policies table (migrations/000016).
#include "domain/payment_ports.hpp"
#include "storage/sql/database.hpp"

namespace boxoffice::sql {

class SqlRefundPolicies final : public RefundPolicyStore {
public:
    explicit SqlRefundPolicies(Database& db) : db_(db) {}

    Result<std::optional<RefundPolicy>> find(const ShowId& show) override;
    Result<void> save(const ShowId& show, const RefundPolicy& policy, const std::string& by, EpochMs at) override;

private:
    Database& db_;
};

}  // namespace boxoffice::sql
