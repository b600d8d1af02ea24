// boxoffice: reserved-seat flash sales. The subcommands are wired in app/commands.cpp and the
// service's object graph in app/application.cpp.
#include <string>
#include <vector>

#include "app/commands.hpp"

int main(int argc, char** argv) {
    using namespace boxoffice::app;
    if (argc < 2) {
        printUsage();
        return 2;
    }
    const std::string command = argv[1];
    const std::vector<std::string> args(argv + 2, argv + argc);
    if (command == "serve") return runServe(args);
    if (command == "relay") return runRelay(args);
    if (command == "migrate") return runMigrate(args);
    if (command == "seed") return runSeed(args);
    if (command == "token") return runToken(args);
    if (command == "--help" || command == "-h" || command == "help") {
        printUsage();
        return 0;
    }
    printUsage();
    return 2;
}
