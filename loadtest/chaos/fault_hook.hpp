#pragma once
// Runs the fault command (loadtest/chaos/faults.sh) at a set moment of the sale, on its own thread,
// and reads the moments it reports on stdout: a line `chaos: inject` when the fault hits and
// `chaos: restore` when its cause is removed. Any other line is passed on to stderr.

#include <atomic>
#include <cstdint>
#include <string>
#include <thread>

#include "history.hpp"

namespace boxoffice::load::chaos {

class FaultHook {
public:
    FaultHook() = default;
    ~FaultHook();
    FaultHook(const FaultHook&) = delete;
    FaultHook& operator=(const FaultHook&) = delete;

    /// Starts `command` (through /bin/sh) at monoMicros() == atUs.
    void start(std::string command, std::int64_t atUs);
    /// Waits for the command to exit.
    void join();
    /// -1 until reported (or, failing that, until the command exits): read from any thread.
    std::int64_t restoreUs() const { return restore_.load(); }
    FaultWindow window() const { return {inject_.load(), restore_.load()}; }
    /// The command's exit status after join() (kNotRun without a command).
    int exitCode() const { return exitCode_; }
    static constexpr int kNotRun = -1000;

private:
    void run(std::string command, std::int64_t atUs);

    std::thread thread_;
    std::atomic<std::int64_t> inject_{-1};
    std::atomic<std::int64_t> restore_{-1};
    int exitCode_ = kNotRun;
};

}  // namespace boxoffice::load::chaos
