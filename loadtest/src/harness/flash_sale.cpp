#include "harness/flash_sale.hpp"

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <fstream>
#include <optional>
#include <random>
#include <stdexcept>
#include <thread>

#include <sys/resource.h>

#include "harness/crowd.hpp"
#include "harness/live_seat_map.hpp"
#include "harness/outbox_check.hpp"
#include "harness/progress.hpp"
#include "harness/report.hpp"
#include "harness/service_probe.hpp"
#include "harness/waiting_room_setup.hpp"
#include "common/setup_client.hpp"
#include "common/tls.hpp"
#include "verifier/verifier.hpp"
#include "harness/virtual_users.hpp"

#include "auth/jwt.hpp"
#include "payments/webhook_signature.hpp"
#include "util/hex.hpp"
#include "common/http_response.hpp"

namespace boxoffice::load {
namespace {

double ownCpuSeconds() {
    rusage ru{};
    getrusage(RUSAGE_SELF, &ru);
    return static_cast<double>(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
           static_cast<double>(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
}

// Admins reading the payment records for the verifier: 16 x the default 50 reads/s per user.
constexpr int kPaymentReaders = 16;

bool writeFile(const std::string& path, const std::string& text) {
    std::ofstream out(path);
    out << text;
    return static_cast<bool>(out);
}

}  // namespace

int runFlashSale(const Scenario& s) {
    std::mt19937_64 rng(s.seed ? s.seed : std::random_device{}());
    Origin target;
    std::string error;
    if (!resolveOrigin(s.baseUrl, target, error)) {
        std::fprintf(stderr, "boxoffice-load: %s\n", error.c_str());
        return 2;
    }
    const std::string& host = target.url.hostHeader;
    const TlsOptions tlsOptions{s.caFile, s.insecure};
    // The crowd's TLS context, made only when needed; also whenever a https:// metrics URL is given,
    // so a bad --ca-file fails here, before the show is made (set-up and scrapes are libcurl's, with
    // the same options).
    std::optional<TlsClient> tls;
    if (target.url.tls || s.metricsUrl.rfind("https://", 0) == 0) {
        if (s.insecure) std::fprintf(stderr, "%s", kInsecureWarning);
        try {
            tls.emplace(tlsOptions);
        } catch (const std::exception& e) {
            std::fprintf(stderr, "boxoffice-load: %s\n", e.what());
            return 2;
        }
    }
    const TlsClient* tlsClient = tls ? &*tls : nullptr;
    SetupClient setup(target, tlsOptions);
    // From the scenario's engine: a run with --seed names its users the same way every time.
    const std::uint64_t draw = rng();
    const unsigned char runBytes[4] = {static_cast<unsigned char>(draw), static_cast<unsigned char>(draw >> 8),
                                       static_cast<unsigned char>(draw >> 16), static_cast<unsigned char>(draw >> 24)};
    const std::string run = util::hexLower(runBytes, sizeof runBytes);

    // Identities: minted (each run gets new user ids, so the per-user seat limit starts afresh).
    std::vector<VirtualUser> users;
    if (!s.tokensFile.empty()) {
        auto read = readUsers(s.tokensFile, s.users, error);
        if (!read) {
            std::fprintf(stderr, "boxoffice-load: %s\n", error.c_str());
            return 2;
        }
        users = std::move(*read);
    } else {
        users = mintUsers(s.secret, "load-" + run, s.users, 4 * 3600);
    }

    // The admin's token (creating the show, its waiting room), when the secret is known.
    std::string adminToken;
    if (!s.secret.empty()) {
        SystemClock clock;
        auth::JwtCodec codec(s.secret, clock);
        adminToken = codec.mint({"load-admin-" + run, auth::Role::Admin, std::chrono::seconds(3600)});
    }
    std::string showId = s.showId;
    try {
        if (showId.empty()) showId = createShow(setup, adminToken, s.seats);
    } catch (const std::exception& e) {
        std::fprintf(stderr, "boxoffice-load: creating the show failed: %s\n", e.what());
        return 2;
    }
    const auto layout = setup.request("GET", "/v1/shows/" + showId + "/seatmap/layout");
    auto seats = layout.status == 200 ? SeatPlan::fromLayoutJson(layout.body) : std::nullopt;
    if (!seats) {
        std::fprintf(stderr, "boxoffice-load: GET /v1/shows/%s/seatmap/layout: HTTP %d %s\n", showId.c_str(),
                     layout.status, layout.body.substr(0, 300).c_str());
        return 2;
    }
    const auto avail = setup.request("GET", "/v1/shows/" + showId + "/seatmap/availability");
    const long long seatsOnSale = jsonIntField(avail.body, "AVAILABLE").value_or(0);
    if (avail.status != 200 || seatsOnSale == 0) {
        std::fprintf(stderr, "boxoffice-load: show %s has no seat available (HTTP %d)\n", showId.c_str(), avail.status);
        return 2;
    }
    if (seatsOnSale != static_cast<long long>(seats->size()))
        std::fprintf(stderr, "boxoffice-load: note: %lld of %zu seats are available at the start\n", seatsOnSale,
                     seats->size());

    // The service's counters before the sale, so the metrics check compares only what it added.
    std::string metricsBefore;
    if (!s.metricsUrl.empty()) {
        Origin metrics;
        std::string merror;
        if (resolveOrigin(s.metricsUrl, metrics, merror)) {
            const std::string path = metrics.url.path.empty() ? "/metrics" : metrics.url.path;
            const auto scrape = SetupClient(metrics, tlsOptions).request("GET", path);
            if (scrape.status == 200) metricsBefore = scrape.body;
        }
        if (metricsBefore.empty())
            std::fprintf(stderr, "boxoffice-load: note: could not scrape %s before the sale\n", s.metricsUrl.c_str());
    }

    SaleContext ctx;
    ctx.scenario = &s;
    ctx.seats = &*seats;
    ctx.users = &users;
    ctx.showId = showId;
    ctx.hostHeader = host;
    ctx.queued = s.queue.mode != QueueMode::Off;
    // Paying through the dev provider: the callbacks are signed as the service checks them.
    SystemClock wallClock;
    std::optional<payments::WebhookSignature> devWebhook;
    if (effectivePayVia(s) == PayVia::Provider)
        devWebhook.emplace(std::vector<std::string>{s.devWebhookSecret}, wallClock);
    ctx.devWebhook = devWebhook ? &*devWebhook : nullptr;
    // --live-map: one stream for the whole crowd, open before the opening so the first reads use it.
    std::unique_ptr<LiveSeatMap> liveMap;
    if (s.liveMap) {
        liveMap = std::make_unique<LiveSeatMap>(s.baseUrl + "/v1/shows/" + showId + "/seatmap/events", *seats, s.caFile,
                                                s.insecure);
        liveMap->start();
        for (int i = 0; i < 100 && !liveMap->ready(); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(50));
        if (!liveMap->ready())
            std::fprintf(stderr,
                         "boxoffice-load: note: the live seat map sent no snapshot within 5 s: the crowd "
                         "reads the availability until it does\n");
        ctx.liveMap = liveMap.get();
    }
    const int loops = s.threads;
    std::vector<std::unique_ptr<Crowd>> crowds;
    std::vector<std::unique_ptr<EventLoop>> evloops;
    int connected = 0;
    for (int k = 0; k < loops; ++k) {
        crowds.push_back(std::make_unique<Crowd>(ctx, k, loops, rng()));
        const int conns = s.connections / loops + (k < s.connections % loops ? 1 : 0);
        evloops.push_back(std::make_unique<EventLoop>(target, conns, s.timeout, *crowds.back(), tlsClient));
        crowds.back()->attach(*evloops.back());
        connected += evloops.back()->connectAll(std::chrono::milliseconds(5000));
    }
    std::fprintf(stderr, "boxoffice-load: %s\n  show %s: %lld seats on sale; %d of %d connections open%s\n",
                 describe(s).c_str(), showId.c_str(), seatsOnSale, connected, s.connections,
                 target.url.tls ? (s.insecure ? " (TLS, NOT verified)" : " (TLS, verified)") : "");
    for (const auto& l : evloops)
        if (connected < s.connections && !l->lastTlsError().empty())
            std::fprintf(stderr, "boxoffice-load: note: TLS handshakes failed: %s\n", l->lastTlsError().c_str());
    // Every crowd shares one opening second, a moment after set-up.
    const std::int64_t opening = monoMicros() + 300'000;
    std::int64_t roomOpens = 0;
    try {
        roomOpens = prepareWaitingRoom(s, setup, adminToken, showId, opening, static_cast<long long>(users.size()));
    } catch (const std::exception& e) {
        std::fprintf(stderr, "boxoffice-load: the waiting room: %s\n", e.what());
        return 2;
    }
    for (auto& c : crowds) c->setOpening(opening, roomOpens);

    const double harnessCpuBefore = ownCpuSeconds();
    std::atomic<int> running{loops};
    std::vector<std::thread> threads;
    for (int k = 0; k < loops; ++k) {
        threads.emplace_back([&, k] {
            crowds[static_cast<std::size_t>(k)]->start();
            evloops[static_cast<std::size_t>(k)]->run([&] { return crowds[static_cast<std::size_t>(k)]->finished(); });
            --running;
        });
    }
    std::vector<const LiveCounters*> live;
    for (auto& c : crowds) live.push_back(&c->live());
    Progress progress(live, opening, s.progress, true);
    std::optional<ProcessSample> before;
    long long maxRss = 0;
    while (running > 0) {
        progress.tick(seatsOnSale, 0);
        if (!before && monoMicros() >= opening) before = sampleProcess(s.servicePid);
        if (auto now = sampleProcess(s.servicePid)) maxRss = std::max(maxRss, now->rssKiB);
    }
    const std::int64_t endMicros = monoMicros();
    const auto after = sampleProcess(s.servicePid);
    const double harnessCpu = ownCpuSeconds() - harnessCpuBefore;
    progress.done();
    for (auto& t : threads) t.join();
    if (liveMap) liveMap->stop();

    RunSummary r;
    r.title = describe(s);
    r.baseUrl = s.baseUrl;
    r.showId = showId;
    r.seatsOnSale = seatsOnSale;
    r.users = s.users;
    r.connections = s.connections;
    r.threads = loops;
    r.seconds = static_cast<double>(endMicros - opening) / 1e6;
    r.soldOutMicros = progress.soldOutMicros();
    r.harnessCpuSeconds = harnessCpu;
    if (before && after) {
        r.serviceCpuSeconds = after->cpuSeconds - before->cpuSeconds;
        r.serviceMaxRssMiB = static_cast<double>(std::max(maxRss, after->rssKiB)) / 1024.0;
        r.servicePeakRssMiB = static_cast<double>(after->hwmKiB) / 1024.0;
    }
    Ledger ledger;
    ledger.showId = showId;
    ledger.seatsOnSale = seatsOnSale;
    ledger.anyoneAbandons = s.abandonHold > 0 || s.abandonOrder > 0 || s.cancel > 0;
    ledger.faultsInjected = false;
    ledger.paidThroughProvider = ctx.devWebhook != nullptr;
    for (const auto& u : users) ledger.tokenOf[u.id] = u.token;
    for (auto& c : crowds) {
        r.stats.merge(c->stats());
        for (const auto& [k, v] : c->failureReasons()) r.failureReasons[k] += v;
        const auto& l = c->live();
        r.holds += l.holds, r.conflicts += l.conflicts, r.orders += l.orders, r.confirmed += l.confirmed,
            r.confirmedSeats += l.confirmedSeats;
        ledger.seatsWanted += c->seatsWanted();
        ledger.lastExpiresAtMs = std::max(ledger.lastExpiresAtMs, c->lastExpiresAtMs());
        for (auto& o : c->orders()) ledger.orders.push_back(std::move(o));
    }
    r.noneAvailableMicros = r.stats.firstNoneAvailableMicros;
    if (liveMap) r.liveMap = liveMap->stats();
    // Users who ran out of attempts while seats were still available walked away from demand: a
    // sell-out is then no longer promised (the verifier skips that check). So did queued users who
    // were never admitted or whose turn lapsed.
    // A failed payment's or a refund's seats are on sale again, but nobody may be left to buy them.
    if (r.stats.outcomes[GaveUp] > 0 || r.stats.outcomes[NeverAdmitted] > 0 || r.stats.outcomes[AdmissionLapsed] > 0 ||
        r.stats.outcomes[PaymentFailed] > 0 || r.stats.outcomes[Refunded] > 0)
        ledger.anyoneAbandons = true;
    r.payments.via = ledger.paidThroughProvider ? "provider" : "confirm-payment";
    for (const auto& o : ledger.orders) {
        if (o.paymentOutcome == "confirmed" || o.paymentOutcome == "late_reseated") ++r.payments.succeeded;
        if (o.paymentOutcome == "failed") ++r.payments.failed;
        if (o.refundRequested) ++r.payments.refundsRequested;
        if (!o.refundedSeatIds.empty()) ++r.payments.refundsCompleted;
        r.payments.refundedSeats += static_cast<long long>(o.refundedSeatIds.size());
    }
    if (!ledger.paidThroughProvider) {
        const auto& confirms = r.stats.endpoints[Confirm].statuses;
        const auto ok = confirms.find(200);
        r.payments.succeeded = ok == confirms.end() ? 0 : ok->second;
    }
    if (ctx.queued) {
        Histogram timeInQueue;
        long long joined = 0;
        QueueLedger& q = ledger.queue;
        q.gated = true;
        for (auto& c : crowds) {
            QueueTally& t = c->queue();
            timeInQueue.merge(t.timeInQueue);
            joined += t.joined;
            for (auto& p : t.ledger.places) q.places.push_back(std::move(p));
            q.holdsSent += t.ledger.holdsSent, q.holdsSentWithoutAdmission += t.ledger.holdsSentWithoutAdmission;
            q.plantedWithoutAdmission += t.ledger.plantedWithoutAdmission;
            q.holdsGranted += t.ledger.holdsGranted;
            q.holdsGrantedWithoutAdmission += t.ledger.holdsGrantedWithoutAdmission;
            q.refusedMissing += t.ledger.refusedMissing, q.refusedExpired += t.ledger.refusedExpired;
            q.refusedOther += t.ledger.refusedOther;
        }
        const long long polls = r.stats.endpoints[QueuePoll].latency.count();
        r.queue = summarizeQueue(q, timeInQueue, joined, polls, r.stats.outcomes[AdmissionLapsed]);
    }
    for (int e = 0; e < kEndpoints; ++e) {
        const auto& st = r.stats.endpoints[static_cast<std::size_t>(e)];
        for (const auto& [status, n] : st.statuses) {
            ledger.responses[std::string(endpointRoute(e)) + " " + std::to_string(status)] += n;
            if (status >= 500) ledger.http5xx += n;
        }
        ledger.transportErrors += st.transportErrors;
    }
    // The layout and availability reads of set-up happen before the baseline scrape above, so they
    // are not in the ledger: the metrics check compares only what the service counted since then.

    std::printf("%s", reportText(r).c_str());
    std::fflush(stdout);

    VerifyOptions vo;
    vo.baseUrl = s.baseUrl;
    vo.postgresUrl = s.postgresUrl;
    vo.metricsUrl = s.metricsUrl;
    vo.tls = tlsOptions;
    vo.expiryWait = s.expiryWait;
    vo.pendingGrace = s.pendingGrace;
    vo.metricsBefore = metricsBefore;
    // The payment records are read as admins, each within the per-user read budget: a few of them
    // share the reads (the crowd itself is thousands of users for the same reason).
    if (!s.secret.empty()) {
        SystemClock clock;
        auth::JwtCodec codec(s.secret, clock);
        for (int k = 0; k < kPaymentReaders; ++k)
            vo.adminTokens.push_back(codec.mint(
                {"load-admin-" + run + "-reader-" + std::to_string(k), auth::Role::Admin, std::chrono::seconds(3600)}));
    }
    int exitCode = 0;
    std::fprintf(stderr, "boxoffice-load: verifying%s...\n",
                 s.expiryWait.count() ? (" (waiting for the holds and orders the crowd was told of to expire, up to " +
                                         std::to_string(s.expiryWait.count() / 1000) + " s)")
                                            .c_str()
                                      : "");
    try {
        const std::int64_t verifyStart = monoMicros();
        const Verification v = verify(ledger, vo);
        const double verifySeconds = static_cast<double>(monoMicros() - verifyStart) / 1e6;
        r.verification = toJson(v);
        r.verification["seconds"] = verifySeconds;
        std::printf("== verification: %s (%.1f s)\n", v.ok() ? "CLEAN" : "VIOLATIONS", verifySeconds);
        for (const auto& c : v.checks)
            std::printf("   %-7s %-40s %s\n",
                        c.outcome == CheckResult::Outcome::Passed   ? "pass"
                        : c.outcome == CheckResult::Outcome::Failed ? "FAIL"
                                                                    : "skip",
                        c.name.c_str(), c.detail.c_str());
        for (const auto& viol : v.violations) {
            std::printf("   VIOLATION %s: %s\n", viol.check.c_str(), viol.message.c_str());
            std::string list;
            for (std::size_t i = 0; i < viol.seats.size() && i < 50; ++i) list += viol.seats[i] + " ";
            if (!list.empty()) std::printf("     seats: %s%s\n", list.c_str(), viol.seats.size() > 50 ? "..." : "");
            list.clear();
            for (std::size_t i = 0; i < viol.orders.size() && i < 50; ++i) list += viol.orders[i] + " ";
            if (!list.empty()) std::printf("     orders: %s%s\n", list.c_str(), viol.orders.size() > 50 ? "..." : "");
        }
        if (!v.ok()) exitCode = 1;
    } catch (const std::exception& e) {
        std::printf("== verification could not run: %s\n", e.what());
        r.verification = {{"error", e.what()}};
        exitCode = 1;
    }
    if (!s.sqsQueue.empty()) {
        std::fprintf(stderr, "boxoffice-load: draining %s...\n", s.sqsQueue.c_str());
        try {
            OutboxCheckOptions oc{s.sqsQueue,    s.sqsEndpoint, s.sqsRegion,
                                  s.postgresUrl, ledger.showId, std::chrono::milliseconds(120'000)};
            const OutboxCheck c = checkOutboxPublished(oc);
            r.verification["outboxToSqs"] = c.toJson();
            std::printf(
                "== outbox -> SQS: %s (%.1f s): %lld outbox rows, %lld messages for the show, %lld distinct, "
                "%lld duplicate(s), %lld missing, %lld unknown, %lld mismatched, %lld of other shows\n",
                c.ok ? "CLEAN" : "VIOLATIONS", c.seconds, c.rows, c.messages, c.distinct, c.duplicates, c.missing,
                c.unknown, c.mismatched, c.otherShows);
            for (const auto& p : c.problems) std::printf("   VIOLATION outbox: %s\n", p.c_str());
            if (!c.ok) exitCode = 1;
        } catch (const std::exception& e) {
            std::printf("== outbox -> SQS check could not run: %s\n", e.what());
            r.verification["outboxToSqs"] = {{"error", e.what()}};
            exitCode = 1;
        }
    }
    if (!s.reportPath.empty() && !writeFile(s.reportPath, reportJson(r).dump(2) + "\n"))
        std::fprintf(stderr, "boxoffice-load: cannot write %s\n", s.reportPath.c_str());
    if (!s.chartPath.empty() && !writeFile(s.chartPath, reportSvg(r)))
        std::fprintf(stderr, "boxoffice-load: cannot write %s\n", s.chartPath.c_str());
    return exitCode;
}

}  // namespace boxoffice::load
