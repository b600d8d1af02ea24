#include "harness/service_probe.hpp"

#include <fstream>
#include <sstream>
#include <string>

#include <unistd.h>

namespace boxoffice::load {

std::optional<ProcessSample> sampleProcess(int pid) {
    if (pid <= 0) return std::nullopt;
    const std::string dir = "/proc/" + std::to_string(pid);
    std::ifstream stat(dir + "/stat");
    std::string line;
    if (!std::getline(stat, line)) return std::nullopt;
    // The command name (field 2) may hold spaces: count fields after its closing parenthesis.
    const auto close = line.rfind(')');
    if (close == std::string::npos) return std::nullopt;
    std::istringstream in(line.substr(close + 2));
    std::string field;
    long long utime = 0, stime = 0;
    for (int i = 3; i <= 15 && in >> field; ++i) {
        if (i == 14) utime = std::stoll(field);
        if (i == 15) stime = std::stoll(field);
    }
    ProcessSample s;
    s.cpuSeconds = static_cast<double>(utime + stime) / static_cast<double>(sysconf(_SC_CLK_TCK));
    std::ifstream status(dir + "/status");
    while (std::getline(status, line)) {
        if (line.rfind("VmRSS:", 0) == 0) s.rssKiB = std::stoll(line.substr(6));
        if (line.rfind("VmHWM:", 0) == 0) s.hwmKiB = std::stoll(line.substr(6));
    }
    return s;
}

}  // namespace boxoffice::load
