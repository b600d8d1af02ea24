#pragma once
// The waiting room's part of the report (a queued crowd only): how long users waited from joining
// to their admission, how fast the room let them in, who never got in, and what the holds carried.

#include <string>

#include <nlohmann/json.hpp>

#include "common/histogram.hpp"
#include "verifier/ledger.hpp"

namespace boxoffice::load {

struct QueueSummary {
    bool on = false;
    long long users = 0;          // queued users
    long long joined = 0;         // whose join was answered with a place
    long long admitted = 0;       // told ADMITTED at least once
    long long neverAdmitted = 0;  // left still waiting (--queue-give-up), or failed before admission
    long long lapsed = 0;         // admitted, window over before a hold (outcome admission_lapsed)
    long long polls = 0;          // GET .../queue/me sent
    Histogram timeInQueue;        // join (planned start) to the first ADMITTED answer received
    // Admitted per second between the first and the last admission, by the service's admission
    // times (the windows' ends it told); -1 when fewer than two admissions or no span.
    double admissionRate = -1;
    double admissionSpanSeconds = 0;
    QueueLedger holds;  // the hold counts (places are not kept here)
};

/// From the crowd's merged ledger and time-in-queue histogram; `lapsed` is the outcome's count.
QueueSummary summarizeQueue(const QueueLedger& ledger, const Histogram& timeInQueue, long long joined, long long polls,
                            long long lapsed);

nlohmann::json queueJson(const QueueSummary& q);
/// Two lines for the text report ("   waiting room: ...").
std::string queueText(const QueueSummary& q);

}  // namespace boxoffice::load
