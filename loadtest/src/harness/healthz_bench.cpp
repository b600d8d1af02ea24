#include "harness/healthz_bench.hpp"

#include <atomic>
#include <cstdio>
#include <optional>
#include <stdexcept>
#include <thread>

#include "harness/arrivals.hpp"
#include "common/event_loop.hpp"
#include "harness/progress.hpp"
#include "common/tls.hpp"

namespace boxoffice::load {
namespace {

class HealthzLoop final : public LoopHandler {
public:
    HealthzLoop(std::string wire, std::int64_t opening, std::int64_t end)
        : wire_(std::move(wire)), opening_(opening), end_(end) {}
    void attach(EventLoop& loop) { loop_ = &loop; }
    void fire() {
        Call c;
        c.wire = wire_;
        c.endpoint = Healthz;
        c.planned = monoMicros();
        loop_->submit(std::move(c));
    }
    void onResponse(Call& call, const Response& r, std::int64_t done) override {
        record(call, done);
        ++stats_.endpoints[Healthz].statuses[r.status];
        if (r.status >= 500) LiveCounters::bump(live_.errors);
        if (done < end_) fire();
    }
    void onFailure(Call& call, const char* reason, std::int64_t done) override {
        ++stats_.endpoints[Healthz].transportErrors;
        ++reasons_[std::string("healthz: ") + reason];
        LiveCounters::bump(live_.errors);
        (void)call;
        if (done < end_) fire();
    }
    void onTimer(std::uint32_t, std::uint8_t, std::int64_t) override {}
    bool finished() const { return monoMicros() >= end_; }
    Stats stats_;
    LiveCounters live_;
    std::map<std::string, long long> reasons_;

private:
    void record(const Call& call, std::int64_t done) {
        // Closed loop: from the send, as wrk measures.
        const std::int64_t l = latencyMicros(call.planned, done);
        stats_.endpoints[Healthz].latency.record(l);
        Second& s = stats_.at(secondSlot(done - opening_));
        ++s.done[Healthz];
        s.latency.record(l);
        LiveCounters::bump(live_.requests);
    }
    std::string wire_;
    std::int64_t opening_, end_;
    EventLoop* loop_ = nullptr;
};

}  // namespace

RunSummary runHealthzBench(const Scenario& s) {
    Origin target;
    std::string error;
    if (!resolveOrigin(s.baseUrl, target, error)) throw std::runtime_error(error);
    const std::string& host = target.url.hostHeader;
    std::optional<TlsClient> tls;
    if (target.url.tls) {
        if (s.insecure) std::fprintf(stderr, "%s", kInsecureWarning);
        tls.emplace(TlsOptions{s.caFile, s.insecure});
    }
    const std::string wire = "GET /healthz HTTP/1.1\r\nHost: " + host + "\r\nConnection: keep-alive\r\n\r\n";
    const int loops = s.threads;
    std::vector<std::unique_ptr<HealthzLoop>> handlers;
    std::vector<std::unique_ptr<EventLoop>> evloops;
    const std::int64_t opening = monoMicros() + 2'000'000;  // connections open first
    const std::int64_t end = opening + s.healthz.count() * 1000;
    int connected = 0;
    for (int k = 0; k < loops; ++k) {
        handlers.push_back(std::make_unique<HealthzLoop>(wire, opening, end));
        const int conns = s.connections / loops + (k < s.connections % loops ? 1 : 0);
        evloops.push_back(
            std::make_unique<EventLoop>(target, conns, s.timeout, *handlers.back(), tls ? &*tls : nullptr));
        handlers.back()->attach(*evloops.back());
        connected += evloops.back()->connectAll(std::chrono::milliseconds(1500));
    }
    std::atomic<int> running{loops};
    std::vector<std::thread> threads;
    const int perLoop = std::max(1, s.connections / loops);
    for (int k = 0; k < loops; ++k) {
        threads.emplace_back([&, k] {
            while (monoMicros() < opening) std::this_thread::sleep_for(std::chrono::milliseconds(1));
            for (int i = 0; i < perLoop; ++i) handlers[static_cast<std::size_t>(k)]->fire();
            evloops[static_cast<std::size_t>(k)]->run(
                [&] { return handlers[static_cast<std::size_t>(k)]->finished(); });
            --running;
        });
    }
    std::vector<const LiveCounters*> live;
    for (auto& h : handlers) live.push_back(&h->live_);
    Progress progress(live, opening, s.progress, false);
    while (running > 0) progress.tick(0, 0);
    progress.done();
    for (auto& t : threads) t.join();

    RunSummary r;
    r.title = "GET /healthz closed loop, " + std::to_string(s.connections) + " connections (" +
              std::to_string(connected) + " connected), " + std::to_string(loops) + " threads, " +
              std::to_string(s.healthz.count() / 1000) + " s";
    r.baseUrl = s.baseUrl;
    r.connections = s.connections;
    r.threads = loops;
    for (auto& h : handlers) {
        r.stats.merge(h->stats_);
        for (const auto& [k, v] : h->reasons_) r.failureReasons[k] += v;
    }
    r.seconds = static_cast<double>(end - opening) / 1e6;
    return r;
}

}  // namespace boxoffice::load
