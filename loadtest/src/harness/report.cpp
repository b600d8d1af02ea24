#include "harness/report.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <sstream>

namespace boxoffice::load {
namespace {

nlohmann::json percentiles(const Histogram& h) {
    auto ms = [](std::int64_t us) { return std::round(static_cast<double>(us) / 10.0) / 100.0; };
    return {{"count", h.count()},
            {"p50Ms", ms(h.percentile(50))},
            {"p90Ms", ms(h.percentile(90))},
            {"p99Ms", ms(h.percentile(99))},
            {"p999Ms", ms(h.percentile(99.9))},
            {"maxMs", ms(h.max())},
            {"meanMs", std::round(h.mean() / 10.0) / 100.0}};
}

std::string fmt(const char* f, double v) {
    char buf[64];
    std::snprintf(buf, sizeof buf, f, v);
    return buf;
}

// One per Endpoint.
const char* kColors[] = {"#888888", "#8c564b", "#1f77b4", "#d62728", "#ff7f0e", "#2ca02c", "#9467bd",
                         "#17becf", "#bcbd22", "#e377c2", "#7f7f7f", "#aec7e8", "#ffbb78"};
static_assert(sizeof kColors / sizeof kColors[0] == static_cast<std::size_t>(kEndpoints));

}  // namespace

std::string formatMicros(std::int64_t us) {
    if (us < 1000) return std::to_string(us) + " us";
    if (us < 1'000'000) return fmt("%.2f ms", static_cast<double>(us) / 1000.0);
    return fmt("%.2f s", static_cast<double>(us) / 1e6);
}

nlohmann::json reportJson(const RunSummary& r) {
    nlohmann::json endpoints = nlohmann::json::object();
    long long requests = 0;
    for (int e = 0; e < kEndpoints; ++e) {
        const auto& s = r.stats.endpoints[static_cast<std::size_t>(e)];
        if (s.latency.count() == 0 && s.transportErrors == 0) continue;
        nlohmann::json statuses = nlohmann::json::object(), codes = nlohmann::json::object();
        for (const auto& [k, v] : s.statuses) statuses[std::to_string(k)] = v;
        for (const auto& [k, v] : s.codes) codes[k] = v;
        requests += s.latency.count();
        endpoints[endpointName(e)] = {{"route", endpointRoute(e)},
                                      {"latency", percentiles(s.latency)},
                                      {"statuses", statuses},
                                      {"codes", codes},
                                      {"transportErrors", s.transportErrors}};
    }
    nlohmann::json outcomes = nlohmann::json::object();
    for (int o = 0; o < kOutcomes; ++o) outcomes[outcomeName(o)] = r.stats.outcomes[static_cast<std::size_t>(o)];
    nlohmann::json timeline = nlohmann::json::array();
    for (std::size_t t = 0; t < r.stats.timeline.size(); ++t) {
        const Second& s = r.stats.timeline[t];
        nlohmann::json done = nlohmann::json::object();
        long long total = 0;
        for (int e = 0; e < kEndpoints; ++e) {
            if (s.done[static_cast<std::size_t>(e)]) done[endpointName(e)] = s.done[static_cast<std::size_t>(e)];
            total += s.done[static_cast<std::size_t>(e)];
        }
        timeline.push_back({{"second", t},
                            {"requests", total},
                            {"byEndpoint", done},
                            {"holds", s.holds},
                            {"conflicts", s.conflicts},
                            {"confirmedSeats", s.confirmedSeats},
                            {"admitted", s.admitted},
                            {"errors", s.errors},
                            {"p50Ms", static_cast<double>(s.latency.percentile(50)) / 1000.0},
                            {"p99Ms", static_cast<double>(s.latency.percentile(99)) / 1000.0}});
    }
    auto secondsOrNull = [](std::int64_t us) -> nlohmann::json {
        if (us < 0) return nullptr;
        return static_cast<double>(us) / 1e6;
    };
    return {{"scenario", r.title},
            {"baseUrl", r.baseUrl},
            {"showId", r.showId},
            {"seatsOnSale", r.seatsOnSale},
            {"users", r.users},
            {"connections", r.connections},
            {"threads", r.threads},
            {"seconds", r.seconds},
            {"requests", requests},
            {"requestsPerSecond", r.seconds > 0 ? static_cast<double>(requests) / r.seconds : 0},
            {"counts",
             {{"holds", r.holds},
              {"conflicts", r.conflicts},
              {"orders", r.orders},
              {"confirmedOrders", r.confirmed},
              {"confirmedSeats", r.confirmedSeats}}},
            {"soldOutSeconds", secondsOrNull(r.soldOutMicros)},
            {"noSeatAvailableSeconds", secondsOrNull(r.noneAvailableMicros)},
            {"harnessCpuSeconds", r.harnessCpuSeconds},
            {"service", r.serviceCpuSeconds < 0
                            ? nlohmann::json(nullptr)
                            : nlohmann::json{{"cpuSeconds", r.serviceCpuSeconds},
                                             {"cores", r.seconds > 0 ? r.serviceCpuSeconds / r.seconds : 0},
                                             {"maxRssMiB", r.serviceMaxRssMiB},
                                             {"peakRssMiBSinceStart", r.servicePeakRssMiB}}},
            {"outcomes", outcomes},
            {"payments", r.users > 0 ? nlohmann::json{{"via", r.payments.via},
                                                      {"succeeded", r.payments.succeeded},
                                                      {"failed", r.payments.failed},
                                                      {"refundsRequested", r.payments.refundsRequested},
                                                      {"refundsCompleted", r.payments.refundsCompleted},
                                                      {"refundedSeats", r.payments.refundedSeats}}
                                     : nlohmann::json(nullptr)},
            {"waitingRoom", r.queue.on ? queueJson(r.queue) : nlohmann::json(nullptr)},
            {"liveMap", r.liveMap ? nlohmann::json{{"snapshots", r.liveMap->snapshots},
                                                   {"changes", r.liveMap->changes},
                                                   {"seatChanges", r.liveMap->seatChanges},
                                                   {"reconnects", r.liveMap->reconnects},
                                                   {"bytes", r.liveMap->bytes},
                                                   {"availabilityReads", r.stats.liveMapReads}}
                                  : nlohmann::json(nullptr)},
            {"endpoints", endpoints},
            {"failures", r.failureReasons},
            {"timeline", timeline},
            {"verification", r.verification}};
}

std::string reportText(const RunSummary& r) {
    std::ostringstream o;
    long long requests = 0;
    for (const auto& e : r.stats.endpoints) requests += e.latency.count();
    o << "== " << r.title << "\n";
    o << "   " << r.baseUrl;
    if (!r.showId.empty()) o << "  show " << r.showId << "  (" << r.seatsOnSale << " seats)";
    o << "\n   " << requests << " requests in " << fmt("%.2f", r.seconds)
      << " s = " << fmt("%.0f", r.seconds > 0 ? static_cast<double>(requests) / r.seconds : 0) << " req/s on "
      << r.connections << " connections, " << r.threads << " loop threads\n";
    if (r.users > 0) {
        o << "   holds " << r.holds << ", conflicts " << r.conflicts << ", orders " << r.orders << ", confirmed "
          << r.confirmed << " orders / " << r.confirmedSeats << " seats\n";
        o << "   sold out (all seats confirmed): "
          << (r.soldOutMicros >= 0 ? fmt("%.2f s", static_cast<double>(r.soldOutMicros) / 1e6) : std::string("no"))
          << ";  no seat available seen at: "
          << (r.noneAvailableMicros >= 0 ? fmt("%.2f s", static_cast<double>(r.noneAvailableMicros) / 1e6)
                                         : std::string("never"))
          << "\n   users by outcome:";
        for (int i = 0; i < kOutcomes; ++i)
            if (r.stats.outcomes[static_cast<std::size_t>(i)])
                o << " " << outcomeName(i) << " " << r.stats.outcomes[static_cast<std::size_t>(i)];
        o << "\n";
        o << "   payments (" << r.payments.via << "): " << r.payments.succeeded << " succeeded, " << r.payments.failed
          << " failed;  refunds: " << r.payments.refundsRequested << " requested, " << r.payments.refundsCompleted
          << " completed (" << r.payments.refundedSeats << " seats)\n";
        if (r.liveMap)
            o << "   live seat map: " << r.liveMap->snapshots << " snapshots, " << r.liveMap->changes
              << " change events (" << r.liveMap->seatChanges << " seat changes), " << r.liveMap->reconnects
              << " reconnects, " << r.liveMap->bytes / 1024 << " KiB; " << r.stats.liveMapReads
              << " availability reads answered from it\n";
        if (r.queue.on) o << queueText(r.queue);
    }
    if (r.harnessCpuSeconds >= 0)
        o << "   harness: " << fmt("%.1f", r.harnessCpuSeconds)
          << " s CPU = " << fmt("%.2f", r.seconds > 0 ? r.harnessCpuSeconds / r.seconds : 0) << " cores\n";
    if (r.serviceCpuSeconds >= 0)
        o << "   service: " << fmt("%.1f", r.serviceCpuSeconds)
          << " s CPU = " << fmt("%.2f", r.seconds > 0 ? r.serviceCpuSeconds / r.seconds : 0) << " cores; RSS max "
          << fmt("%.0f", r.serviceMaxRssMiB) << " MiB (peak since start " << fmt("%.0f", r.servicePeakRssMiB)
          << " MiB)\n";
    char line[256];
    std::snprintf(line, sizeof line, "   %-13s %9s %9s %9s %9s %9s %9s  %s\n", "endpoint", "count", "p50", "p90", "p99",
                  "p99.9", "max", "statuses");
    o << line;
    for (int e = 0; e < kEndpoints; ++e) {
        const auto& s = r.stats.endpoints[static_cast<std::size_t>(e)];
        if (s.latency.count() == 0 && s.transportErrors == 0) continue;
        std::string statuses;
        for (const auto& [k, v] : s.statuses) statuses += std::to_string(k) + ":" + std::to_string(v) + " ";
        for (const auto& [k, v] : s.codes) statuses += k + ":" + std::to_string(v) + " ";
        if (s.transportErrors) statuses += "transport:" + std::to_string(s.transportErrors);
        std::snprintf(line, sizeof line, "   %-13s %9lld %9s %9s %9s %9s %9s  %s\n", endpointName(e),
                      static_cast<long long>(s.latency.count()), formatMicros(s.latency.percentile(50)).c_str(),
                      formatMicros(s.latency.percentile(90)).c_str(), formatMicros(s.latency.percentile(99)).c_str(),
                      formatMicros(s.latency.percentile(99.9)).c_str(), formatMicros(s.latency.max()).c_str(),
                      statuses.c_str());
        o << line;
    }
    o << "   per second:";
    for (std::size_t t = 0; t < r.stats.timeline.size() && t < 120; ++t) {
        long long total = 0;
        for (auto d : r.stats.timeline[t].done) total += d;
        o << (t % 10 == 0 ? "\n     " : "  ") << t << "s:" << total;
    }
    o << "\n";
    for (const auto& [k, v] : r.failureReasons) o << "   failure " << k << ": " << v << "\n";
    return o.str();
}

std::string reportSvg(const RunSummary& r) {
    const int W = 900, H = 560, left = 70, right = 20, top = 40, mid = 290, bottom = 520;
    const auto& tl = r.stats.timeline;
    const std::size_t n = std::max<std::size_t>(tl.size(), 2);
    long long peak = 1;
    for (const auto& s : tl) {
        long long total = 0;
        for (auto d : s.done) total += d;
        peak = std::max(peak, total);
    }
    double maxLatency = 1;  // ms
    for (const auto& s : tl) maxLatency = std::max(maxLatency, static_cast<double>(s.latency.percentile(99)) / 1000.0);
    const double logMax = std::ceil(std::log10(maxLatency));
    const double logMin = -1;  // 0.1 ms
    auto x = [&](double t) { return left + (W - left - right) * t / static_cast<double>(n - 1); };
    auto yThroughput = [&](double v) { return mid - 20 - (mid - 20 - top) * v / static_cast<double>(peak); };
    auto yLatency = [&](double ms) {
        const double l = std::log10(std::max(ms, 0.1));
        return bottom - (bottom - (mid + 30)) * (l - logMin) / std::max(1.0, logMax - logMin);
    };
    std::ostringstream o;
    o << "<svg xmlns='http://www.w3.org/2000/svg' width='" << W << "' height='" << H
      << "' font-family='sans-serif' font-size='11'>\n<rect width='100%' height='100%' fill='white'/>\n";
    std::string title = r.title;
    for (auto& c : title)
        if (c == '<' || c == '>' || c == '&') c = ' ';
    o << "<text x='" << left << "' y='18' font-size='13'>" << title.substr(0, 130) << "</text>\n";
    o << "<text x='" << left << "' y='" << top - 6 << "'>responses per second (peak " << peak << ")</text>\n";
    o << "<text x='" << left << "' y='" << mid + 24 << "'>latency per second, all endpoints (ms, log scale)</text>\n";
    // axes and grid
    o << "<line x1='" << left << "' y1='" << mid - 20 << "' x2='" << W - right << "' y2='" << mid - 20
      << "' stroke='#444'/>\n";
    o << "<line x1='" << left << "' y1='" << bottom << "' x2='" << W - right << "' y2='" << bottom
      << "' stroke='#444'/>\n";
    for (int k = 0; k <= 4; ++k) {
        const double v = static_cast<double>(peak) * k / 4;
        o << "<line x1='" << left << "' y1='" << yThroughput(v) << "' x2='" << W - right << "' y2='" << yThroughput(v)
          << "' stroke='#eee'/><text x='" << left - 5 << "' y='" << yThroughput(v) + 4 << "' text-anchor='end'>"
          << static_cast<long long>(v) << "</text>\n";
    }
    for (double l = logMin; l <= logMax; l += 1) {
        const double ms = std::pow(10.0, l);
        o << "<line x1='" << left << "' y1='" << yLatency(ms) << "' x2='" << W - right << "' y2='" << yLatency(ms)
          << "' stroke='#eee'/><text x='" << left - 5 << "' y='" << yLatency(ms) + 4 << "' text-anchor='end'>"
          << fmt("%g", ms) << "</text>\n";
    }
    const std::size_t step = std::max<std::size_t>(1, n / 15);
    for (std::size_t t = 0; t < n; t += step)
        o << "<text x='" << x(static_cast<double>(t)) << "' y='" << bottom + 16 << "' text-anchor='middle'>" << t
          << "s</text>\n";
    // throughput lines per endpoint
    int legend = 0;
    for (int e = 0; e < kEndpoints; ++e) {
        bool any = false;
        for (const auto& s : tl) any = any || s.done[static_cast<std::size_t>(e)] > 0;
        if (!any) continue;
        o << "<polyline fill='none' stroke='" << kColors[e] << "' stroke-width='1.5' points='";
        for (std::size_t t = 0; t < tl.size(); ++t)
            o << x(static_cast<double>(t)) << ","
              << yThroughput(static_cast<double>(tl[t].done[static_cast<std::size_t>(e)])) << " ";
        o << "'/>\n<text x='" << W - right - 100 << "' y='" << top + 12 * legend << "' fill='" << kColors[e] << "'>"
          << endpointName(e) << "</text>\n";
        ++legend;
    }
    // latency p50 and p99
    const std::pair<double, const char*> lines[] = {{50, "#1f77b4"}, {99, "#d62728"}};
    for (const auto& [p, color] : lines) {
        o << "<polyline fill='none' stroke='" << color << "' stroke-width='1.5' points='";
        for (std::size_t t = 0; t < tl.size(); ++t)
            if (tl[t].latency.count())
                o << x(static_cast<double>(t)) << ","
                  << yLatency(static_cast<double>(tl[t].latency.percentile(p)) / 1000.0) << " ";
        o << "'/>\n<text x='" << W - right - 100 << "' y='" << mid + 40 + (p > 90 ? 12 : 0) << "' fill='" << color
          << "'>p" << p << "</text>\n";
    }
    o << "</svg>\n";
    return o.str();
}

}  // namespace boxoffice::load
