#pragma once
// One flash sale end to end: set up the show, open connections, unleash the crowd, report, then
// hand what the clients were told to the verifier.

#include "harness/scenario.hpp"

namespace boxoffice::load {

/// Returns the process exit code: 0 verified clean, 1 a violation, 2 set-up failure.
int runFlashSale(const Scenario& s);

}  // namespace boxoffice::load
