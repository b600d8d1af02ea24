#pragma once
// CPU time and memory of the service process, when it runs on this machine (`--service-pid`):
// /proc/PID/stat and /proc/PID/status, sampled by the progress thread during the sale.

#include <optional>

namespace boxoffice::load {

struct ProcessSample {
    double cpuSeconds = 0;  // user + system
    long long rssKiB = 0;
    long long hwmKiB = 0;  // peak RSS since the process started
};

std::optional<ProcessSample> sampleProcess(int pid);

}  // namespace boxoffice::load
