#pragma once
// Payment records (migrations/000014_payments, 000016_refunds): payments, their providers' events and refunds, in
// statements valid on both PostgreSQL and SQLite (the upserts need PostgreSQL >= 9.5, SQLite >= 3.24).
#include "domain/payment_ports.hpp"
#include "storage/sql/database.hpp"

namespace boxoffice::sql {

/// Also the reconciler's RefundedSeatSource: the refunds are its rows.
class SqlPaymentStore final : public PaymentStore, public RefundedSeatSource {
public:
    explicit SqlPaymentStore(Database& db) : db_(db) {}

    Result<void> savePayment(const Payment& payment) override;
    Result<std::optional<Payment>> findPayment(const std::string& provider,
                                               const std::string& providerPaymentId) override;
    Result<bool> seenEvent(const std::string& provider, const std::string& eventId) override;
    Result<bool> recordEvent(const PaymentEventRecord& event, const std::optional<Payment>& payment,
                             const std::optional<OutboxMessage>& message) override;
    Result<void> saveRefund(const Refund& refund) override;
    Result<std::optional<Refund>> findRefund(const std::string& provider, const std::string& requestKey) override;
    Result<void> reserveRefund(const Refund& refund, const std::vector<SeatId>& seats,
                               const OutboxMessage& message) override;
    Result<void> completeRefund(const std::string& provider, const std::string& requestKey,
                                const std::string& providerRefundId, const std::string& status) override;
    Result<std::vector<Refund>> pendingRefunds(const std::string& provider, EpochMs reservedBefore, int limit) override;
    Result<OrderPayments> ofOrder(const OrderId& order) override;
    Result<std::vector<SeatClaim>> refundedSeats(const ShowId& show) override;

private:
    Database& db_;
};

}  // namespace boxoffice::sql
