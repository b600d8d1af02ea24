#pragma once
// The named scenarios a run starts from (`--preset`), before its config file and flags.

#include <optional>
#include <string>
#include <vector>

#include "harness/scenario.hpp"

namespace boxoffice::load {

/// Known presets: demo, ci, stress, race.
std::vector<std::string> presetNames();
std::optional<Scenario> preset(const std::string& name);

}  // namespace boxoffice::load
