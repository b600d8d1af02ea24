#include "app/hold_store_repair.hpp"

#include <algorithm>

#include "util/log.hpp"
#include "util/redact.hpp"

namespace boxoffice::app {

HoldStoreRepair::HoldStoreRepair(Reconciler& reconciler, std::chrono::milliseconds interval)
    : reconciler_(reconciler),
      interval_(interval),
      nextPass_(std::chrono::steady_clock::now()),
      task_(std::min(interval, std::chrono::milliseconds(100)), [this] { tick(); }) {}

void HoldStoreRepair::tick() {
    auto changed = reconciler_.generationChanged();
    const bool due = std::chrono::steady_clock::now() >= nextPass_ || (changed && *changed);
    if (!due) return;
    nextPass_ = std::chrono::steady_clock::now() + interval_;
    auto pass = reconciler_.runOnce();
    if (!pass) {
        if (!failing_)
            log::warn("hold store reconciliation failed",
                      {{"error", pass.error().detail}, {"internal", util::redactSecrets(pass.error().internal)}});
        failing_ = true;
        return;
    }
    if (failing_) log::info("hold store reconciliation recovered");
    failing_ = false;
    if (pass->restored > 0 || pass->generationChanged || (pass->holdsReopened && opened_))
        log::warn("hold store repaired from the database", {{"shows", pass->restored},
                                                            {"checked", pass->checked},
                                                            {"storeRestarted", pass->generationChanged},
                                                            {"holdsReopened", pass->holdsReopened}});
    if (pass->holdsReopened) opened_ = true;
}

}  // namespace boxoffice::app
