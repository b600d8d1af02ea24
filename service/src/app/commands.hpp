#pragma once
// The subcommands of the `boxoffice` executable.
#include <string>
#include <vector>

namespace boxoffice::app {

int runServe(const std::vector<std::string>& args);
int runRelay(const std::vector<std::string>& args);
int runMigrate(const std::vector<std::string>& args);
int runSeed(const std::vector<std::string>& args);
int runToken(const std::vector<std::string>& args);
void printUsage();

}  // namespace boxoffice::app
