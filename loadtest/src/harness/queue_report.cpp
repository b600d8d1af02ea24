#include "harness/queue_report.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <sstream>

#include "harness/report.hpp"

namespace boxoffice::load {

QueueSummary summarizeQueue(const QueueLedger& ledger, const Histogram& timeInQueue, long long joined, long long polls,
                            long long lapsed) {
    QueueSummary q;
    q.on = true;
    q.users = static_cast<long long>(ledger.places.size());
    q.joined = joined;
    q.polls = polls;
    q.lapsed = lapsed;
    q.timeInQueue = timeInQueue;
    long long first = 0, last = 0;
    for (const auto& p : ledger.places) {
        if (p.admittedSeenMicros < 0) continue;
        ++q.admitted;
        if (p.windowEndsAtMs <= 0) continue;
        first = first == 0 ? p.windowEndsAtMs : std::min(first, p.windowEndsAtMs);
        last = std::max(last, p.windowEndsAtMs);
    }
    q.neverAdmitted = q.users - q.admitted;
    q.admissionSpanSeconds = static_cast<double>(last - first) / 1000.0;
    if (q.admitted >= 2 && last > first) q.admissionRate = static_cast<double>(q.admitted - 1) / q.admissionSpanSeconds;
    q.holds = ledger;
    q.holds.places.clear();
    return q;
}

nlohmann::json queueJson(const QueueSummary& q) {
    auto ms = [](std::int64_t us) { return std::round(static_cast<double>(us) / 10.0) / 100.0; };
    const QueueLedger& h = q.holds;
    return {
        {"users", q.users},
        {"joined", q.joined},
        {"admitted", q.admitted},
        {"neverAdmitted", q.neverAdmitted},
        {"admissionLapsed", q.lapsed},
        {"polls", q.polls},
        {"timeInQueue",
         {{"count", q.timeInQueue.count()},
          {"p50Ms", ms(q.timeInQueue.percentile(50))},
          {"p90Ms", ms(q.timeInQueue.percentile(90))},
          {"p99Ms", ms(q.timeInQueue.percentile(99))},
          {"maxMs", ms(q.timeInQueue.max())}}},
        {"admissionRatePerSecond", q.admissionRate < 0 ? nlohmann::json(nullptr) : nlohmann::json(q.admissionRate)},
        {"admissionSpanSeconds", q.admissionSpanSeconds},
        {"holds",
         {{"sent", h.holdsSent},
          {"sentWithoutAdmission", h.holdsSentWithoutAdmission},
          {"plantedWithoutAdmission", h.plantedWithoutAdmission},
          {"granted", h.holdsGranted},
          {"grantedWithoutAdmission", h.holdsGrantedWithoutAdmission},
          {"refused403", {{"missing", h.refusedMissing}, {"expired", h.refusedExpired}, {"other", h.refusedOther}}}}}};
}

std::string queueText(const QueueSummary& q) {
    std::ostringstream o;
    char rate[64] = "-";
    if (q.admissionRate >= 0)
        std::snprintf(rate, sizeof rate, "%.0f/s over %.1f s", q.admissionRate, q.admissionSpanSeconds);
    o << "   waiting room: " << q.users << " queued, " << q.joined << " joined, " << q.admitted << " admitted, "
      << q.neverAdmitted << " never admitted, " << q.lapsed << " lapsed; admission rate " << rate << "; " << q.polls
      << " polls\n";
    o << "   time in queue (join to admission): p50 " << formatMicros(q.timeInQueue.percentile(50)) << ", p90 "
      << formatMicros(q.timeInQueue.percentile(90)) << ", p99 " << formatMicros(q.timeInQueue.percentile(99))
      << ", max " << formatMicros(q.timeInQueue.max()) << "\n";
    const QueueLedger& h = q.holds;
    o << "   holds with admission: " << h.holdsSent - h.holdsSentWithoutAdmission << " of " << h.holdsSent << " sent, "
      << h.holdsGranted - h.holdsGrantedWithoutAdmission << " of " << h.holdsGranted
      << " granted; refused 403: " << h.refusedMissing << " missing, " << h.refusedExpired << " expired, "
      << h.refusedOther << " other\n";
    return o.str();
}

}  // namespace boxoffice::load
