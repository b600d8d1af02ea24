#pragma once
// Runs a program as a user at a shell would, with an emptied environment, for the command-line
// tests (tests/unit/app, tests/unit/load): its exit code, stdout and stderr. Header only, so those
// tests need no library.
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>

namespace boxoffice::testing {

struct ProgramRun {
    int exitCode = -1;
    std::string out;
    std::string err;
};

/// `env -i ENV BINARY ARGS`: `env` is "NAME=value ..." (may be empty).
inline ProgramRun runProgram(const std::string& binary, const std::string& args, const std::string& env = "") {
    const auto errFile = std::filesystem::temp_directory_path() / ("boxoffice-run-" + std::to_string(::getpid()));
    const std::string command = "env -i " + env + " " + binary + " " + args + " 2>" + errFile.string();
    ProgramRun r;
    FILE* p = ::popen(command.c_str(), "r");
    if (!p) return r;
    std::array<char, 4096> buf{};
    while (std::fgets(buf.data(), buf.size(), p)) r.out += buf.data();
    const int status = ::pclose(p);
    r.exitCode = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    std::ifstream err(errFile);
    r.err.assign(std::istreambuf_iterator<char>(err), std::istreambuf_iterator<char>());
    std::filesystem::remove(errFile);
    return r;
}

}  // namespace boxoffice::testing
