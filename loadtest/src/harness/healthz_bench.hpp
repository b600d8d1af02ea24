#pragma once
// The harness's own ceiling: every connection sends GET /healthz back to back (closed loop, like
// wrk) for a while. Shows whether the harness or the service limits a sale's figures.

#include "harness/report.hpp"
#include "harness/scenario.hpp"

namespace boxoffice::load {

/// Runs the benchmark and fills a summary (the `healthz` endpoint and the timeline).
RunSummary runHealthzBench(const Scenario& s);

}  // namespace boxoffice::load
