#include "metrics/process_collector.hpp"

#include <sys/resource.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

namespace boxoffice::metrics {

namespace pm = prometheus;

namespace {

pm::MetricFamily family(const char* name, const char* help, pm::MetricType type, double value) {
    pm::MetricFamily f;
    f.name = name;
    f.help = help;
    f.type = type;
    pm::ClientMetric m;
    if (type == pm::MetricType::Counter)
        m.counter.value = value;
    else
        m.gauge.value = value;
    f.metric.push_back(m);
    return f;
}

struct Stat {
    double utimeTicks = 0, stimeTicks = 0, startTicks = 0, vsize = 0, rssPages = 0, threads = 0;
    bool ok = false;
};

// /proc/self/stat: the command name (field 2) may hold spaces and parentheses, so parse after
// the last ')'.
Stat readStat() {
    Stat s;
    std::ifstream in("/proc/self/stat");
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    auto close = text.rfind(')');
    if (close == std::string::npos) return s;
    std::istringstream rest(text.substr(close + 2));
    std::string field;
    // Fields from 3 (state) on; utime=14, stime=15, num_threads=20, starttime=22, vsize=23, rss=24.
    for (int i = 3; i <= 24 && rest >> field; ++i) {
        if (i == 14) s.utimeTicks = std::stod(field);
        if (i == 15) s.stimeTicks = std::stod(field);
        if (i == 20) s.threads = std::stod(field);
        if (i == 22) s.startTicks = std::stod(field);
        if (i == 23) s.vsize = std::stod(field);
        if (i == 24) {
            s.rssPages = std::stod(field);
            s.ok = true;
        }
    }
    return s;
}

double bootTime() {
    std::ifstream in("/proc/stat");
    std::string key;
    double value = 0;
    while (in >> key) {
        if (key == "btime") {
            in >> value;
            return value;
        }
        in.ignore(1 << 16, '\n');
    }
    return 0;
}

}  // namespace

std::vector<pm::MetricFamily> ProcessCollector::Collect() const {
    std::vector<pm::MetricFamily> out;
    const Stat s = readStat();
    if (s.ok) {
        const double hz = static_cast<double>(sysconf(_SC_CLK_TCK));
        const double page = static_cast<double>(sysconf(_SC_PAGESIZE));
        out.push_back(family("process_cpu_seconds_total", "Total user and system CPU time spent in seconds.",
                             pm::MetricType::Counter, (s.utimeTicks + s.stimeTicks) / hz));
        out.push_back(family("process_resident_memory_bytes", "Resident memory size in bytes.", pm::MetricType::Gauge,
                             s.rssPages * page));
        out.push_back(
            family("process_virtual_memory_bytes", "Virtual memory size in bytes.", pm::MetricType::Gauge, s.vsize));
        out.push_back(family("process_start_time_seconds", "Start time of the process since unix epoch in seconds.",
                             pm::MetricType::Gauge, bootTime() + s.startTicks / hz));
        out.push_back(
            family("process_threads", "Number of OS threads in the process.", pm::MetricType::Gauge, s.threads));
    }
    std::error_code ec;
    double fds = 0;
    for (auto it = std::filesystem::directory_iterator("/proc/self/fd", ec);
         !ec && it != std::filesystem::directory_iterator(); it.increment(ec))
        ++fds;
    if (!ec) out.push_back(family("process_open_fds", "Number of open file descriptors.", pm::MetricType::Gauge, fds));
    rlimit lim{};
    if (getrlimit(RLIMIT_NOFILE, &lim) == 0)
        out.push_back(family("process_max_fds", "Maximum number of open file descriptors.", pm::MetricType::Gauge,
                             static_cast<double>(lim.rlim_cur)));
    return out;
}

}  // namespace boxoffice::metrics
