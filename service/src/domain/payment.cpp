#include "domain/payment.hpp"

namespace boxoffice {

std::string_view paymentStatusName(PaymentStatus s) {
    switch (s) {
        case PaymentStatus::Pending:
            return "PENDING";
        case PaymentStatus::Succeeded:
            return "SUCCEEDED";
        case PaymentStatus::Failed:
            return "FAILED";
    }
    return "PENDING";
}

std::optional<PaymentStatus> parsePaymentStatus(std::string_view s) {
    for (auto st : {PaymentStatus::Pending, PaymentStatus::Succeeded, PaymentStatus::Failed})
        if (paymentStatusName(st) == s) return st;
    return std::nullopt;
}

}  // namespace boxoffice
