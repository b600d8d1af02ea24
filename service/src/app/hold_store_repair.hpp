#pragma once
// The hold store's repair, a component of the composition root: the store's generation is asked
// for every tick (one cheap call), so a Redis that restarted, with or without old data, is caught
// within a tick; a full reconciliation pass (domain/reconciler.hpp) runs then and every interval.
// A failing pass is logged once per outage, not once per pass.
#include <chrono>

#include "domain/reconciler.hpp"
#include "util/periodic_task.hpp"

namespace boxoffice::app {

class HoldStoreRepair {
public:
    HoldStoreRepair(Reconciler& reconciler, std::chrono::milliseconds interval);

    /// One tick at once (a store that refuses holds until checked opens them before the first
    /// request), then one every tick period.
    void start() {
        tick();
        task_.start();
    }
    void stop() { task_.stop(); }
    /// One tick, as the thread makes it.
    void tick();

private:
    Reconciler& reconciler_;
    std::chrono::milliseconds interval_;
    std::chrono::steady_clock::time_point nextPass_;
    bool failing_ = false;
    bool opened_ = false;  // holds were opened once: opening them again means the store restarted
    util::PeriodicTask task_;
};

}  // namespace boxoffice::app
