#include "fault_hook.hpp"

#include <chrono>
#include <cstdio>
#include <string_view>

#include <sys/wait.h>

#include "common/event_loop.hpp"

namespace boxoffice::load::chaos {

FaultHook::~FaultHook() {
    join();
}

void FaultHook::start(std::string command, std::int64_t atUs) {
    thread_ = std::thread([this, command = std::move(command), atUs]() mutable { run(std::move(command), atUs); });
}

void FaultHook::join() {
    if (thread_.joinable()) thread_.join();
}

void FaultHook::run(std::string command, std::int64_t atUs) {
    const std::int64_t wait = atUs - monoMicros();
    if (wait > 0) std::this_thread::sleep_for(std::chrono::microseconds(wait));
    const std::int64_t began = monoMicros();
    FILE* out = ::popen(command.c_str(), "r");
    if (out == nullptr) {
        std::fprintf(stderr, "boxoffice-chaos: cannot run the fault command: %s\n", command.c_str());
        exitCode_ = 127;
        return;
    }
    char line[1024];
    while (std::fgets(line, sizeof line, out) != nullptr) {
        std::string_view l(line);
        while (!l.empty() && (l.back() == '\n' || l.back() == '\r')) l.remove_suffix(1);
        if (l == "chaos: inject") {
            inject_.store(monoMicros());
        } else if (l == "chaos: restore") {
            restore_.store(monoMicros());
        } else {
            std::fprintf(stderr, "  fault: %.*s\n", static_cast<int>(l.size()), l.data());
        }
    }
    const int status = ::pclose(out);
    exitCode_ = WIFEXITED(status) ? WEXITSTATUS(status) : 128;
    // A command that reported nothing still bounds the fault by when it ran.
    if (inject_.load() < 0) inject_.store(began);
    if (restore_.load() < 0) restore_.store(monoMicros());
}

}  // namespace boxoffice::load::chaos
