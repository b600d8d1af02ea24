#include "app/refund_retrier.hpp"

#include <prometheus/family.h>

#include "util/log.hpp"
#include "util/redact.hpp"

namespace boxoffice::app {
namespace {

prometheus::Family<prometheus::Counter>& retries(prometheus::Registry& registry) {
    return prometheus::BuildCounter()
        .Name("boxoffice_refund_retries_total")
        .Help("Pending refunds the refund retrier asked the provider for again, by outcome")
        .Register(registry);
}

}  // namespace

RefundRetrier::RefundRetrier(RefundService& refunds, prometheus::Registry& registry, const Clock& clock,
                             std::chrono::milliseconds interval, std::chrono::milliseconds age)
    : refunds_(refunds),
      completed_(retries(registry).Add({{"outcome", "completed"}})),
      failed_(retries(registry).Add({{"outcome", "failed"}})),
      clock_(clock),
      age_(age),
      task_(interval, [this] { runOnce(); }) {}

void RefundRetrier::runOnce() {
    constexpr int kBatch = 100;
    const EpochMs before = clock_.nowMs() - age_.count();
    // Full batches mean a backlog: keep going while the provider answers.
    for (int round = 0; round < 20; ++round) {
        auto run = refunds_.completePending(before, kBatch);
        if (!run) {
            log::warn("pending refund sweep failed",
                      {{"error", run.error().detail}, {"internal", util::redactSecrets(run.error().internal)}});
            failed_.Increment();
            return;
        }
        completed_.Increment(run->completed);
        failed_.Increment(run->failed);
        if (run->failed > 0 || run->completed < kBatch) return;
    }
}

}  // namespace boxoffice::app
