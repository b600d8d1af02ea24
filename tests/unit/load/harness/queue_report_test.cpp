// The report's waiting-room part: time in queue, admission rate, admitted / never admitted, and
// the holds' admissions, in the JSON and the text; nothing of it for a crowd without a queue.
#include "harness/queue_report.hpp"

#include <gtest/gtest.h>

#include "harness/report.hpp"

namespace boxoffice::load {
namespace {

TEST(QueueReport, SaysHowLongUsersQueuedHowFastTheyWereLetInAndWhatTheirHoldsCarried) {
    QueueLedger l;
    l.gated = true;
    for (int i = 0; i < 4; ++i) {
        SeenQueuePlace p;
        p.userId = "u" + std::to_string(i);
        p.position = i + 1;
        if (i < 3) {  // three admitted, 0.5 s apart by the service's times; u3 never
            p.windowEndsAtMs = 60'000 + 500 * i;
            p.admittedSeenMicros = 1'000'000 + 500'000 * i;
        }
        l.places.push_back(p);
    }
    l.holdsSent = 4, l.holdsGranted = 2, l.refusedExpired = 1;
    Histogram t;
    for (std::int64_t us : {1'000'000, 1'500'000, 2'000'000}) t.record(us);
    const QueueSummary q = summarizeQueue(l, t, 4, 12, 1);
    EXPECT_EQ(q.users, 4);
    EXPECT_EQ(q.admitted, 3);
    EXPECT_EQ(q.neverAdmitted, 1);
    EXPECT_EQ(q.lapsed, 1);
    EXPECT_DOUBLE_EQ(q.admissionSpanSeconds, 1.0);
    EXPECT_DOUBLE_EQ(q.admissionRate, 2.0);  // two intervals in one second

    RunSummary r;
    r.users = 4;
    r.queue = q;
    const auto j = reportJson(r);
    EXPECT_EQ(j["waitingRoom"]["admitted"], 3);
    EXPECT_EQ(j["waitingRoom"]["neverAdmitted"], 1);
    EXPECT_EQ(j["waitingRoom"]["timeInQueue"]["count"], 3);
    EXPECT_NEAR(j["waitingRoom"]["timeInQueue"]["p50Ms"].get<double>(), 1500, 50);
    EXPECT_EQ(j["waitingRoom"]["holds"]["refused403"]["expired"], 1);
    const auto text = reportText(r);
    EXPECT_NE(text.find("3 admitted, 1 never admitted, 1 lapsed"), std::string::npos) << text;
    EXPECT_NE(text.find("admission rate 2/s over 1.0 s"), std::string::npos) << text;
    EXPECT_NE(text.find("holds with admission: 4 of 4 sent, 2 of 2 granted"), std::string::npos) << text;

    RunSummary plain;
    EXPECT_TRUE(reportJson(plain)["waitingRoom"].is_null());
    EXPECT_EQ(reportText(plain).find("waiting room"), std::string::npos);
}

}  // namespace
}  // namespace boxoffice::load
