#pragma once
// The command-line conventions every load program shares, on CLI11: `--help` and `--version` on
// stdout with exit 0; a usage error on stderr, "PROGRAM: what was wrong", a blank line and the
// help, with exit 2 (what the scripts calling them test for).

#include <iosfwd>
#include <optional>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

namespace boxoffice::load {

/// Gives app (constructed with the program's name) `--version`, "NAME VERSION" with the project's
/// version, and, as the hand-written parsers had it, a repeated option taking its last value.
void setUpCliApp(CLI::App& app);

/// Parses args (argv without argv[0]). nullopt: the program goes on; otherwise it exits with the
/// value returned, after printing the help or version on `out`, or the usage error on `err`.
std::optional<int> parseArguments(CLI::App& app, const std::vector<std::string>& args, std::ostream& out,
                                  std::ostream& err);

/// A usage error found after the arguments were read (a missing flag, a bad value). Returns 2.
int usageError(const CLI::App& app, const std::string& message, std::ostream& err);

}  // namespace boxoffice::load
