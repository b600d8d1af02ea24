#pragma once
// boxoffice-load's command line (CLI11): the flags, their help, and the layering of a scenario, a
// preset first, then `--config` files, then the other flags in the order given.

#include <functional>
#include <iosfwd>
#include <optional>
#include <string>
#include <vector>

#include "harness/scenario.hpp"

namespace boxoffice::load {

/// Returns a config file's text (nullopt when it cannot be read).
using FileReader = std::function<std::optional<std::string>(const std::string& path)>;

/// Whole command line (without argv[0]) into s: `--preset` first, then each `--config FILE`, then
/// the other flags in order (each a setting of applySetting). `--flag value` or `--flag=value`;
/// `--quiet` / `--no-progress`, `--insecure` and `--queue` take no value. nullopt: run the scenario;
/// otherwise exit with the value returned, after `--help` / `--version` on `out` (0) or a usage
/// error on `err` (2: "boxoffice-load: --KEY 'VALUE': why", then the help). validate() is not called.
std::optional<int> parseCommandLine(Scenario& s, const std::vector<std::string>& args, const FileReader& readFile,
                                    std::ostream& out, std::ostream& err);

}  // namespace boxoffice::load
