#include "payments/dev_payment_provider.hpp"

#include "util/sha256.hpp"

namespace boxoffice::payments {

Result<PaymentHandle> DevPaymentProvider::createPayment(const PaymentRequest& request) {
    const std::string id = "devpi_" + util::sha256Hex("dev-payment:" + request.orderId.str()).substr(0, 24);
    return PaymentHandle{id, id + "_secret_dev", "requires_payment_method"};
}

Result<RefundHandle> DevPaymentProvider::refund(const RefundRequest& request) {
    return RefundHandle{"devre_" + util::sha256Hex("dev-refund:" + request.idempotencyKey).substr(0, 24), "succeeded"};
}

}  // namespace boxoffice::payments
