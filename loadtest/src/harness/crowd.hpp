#pragma once
// The virtual users of one event loop. Each user arrives at its planned time (queued: joins the
// waiting room and polls its place until admitted), reads the seat availability, picks seats, holds
// them (retrying after conflicts), orders, then pays, cancels or walks away as the scenario dealt
// it. What each client was told goes into the Ledger.

#include <cstdint>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include "common/event_loop.hpp"
#include "payments/webhook_signature.hpp"
#include "verifier/ledger.hpp"
#include "harness/queue_answer.hpp"
#include "harness/scenario.hpp"
#include "harness/seat_picker.hpp"
#include "harness/virtual_users.hpp"
#include "common/stats.hpp"

namespace boxoffice::load {

class LiveSeatMap;

/// Read-only inputs shared by every loop.
struct SaleContext {
    const Scenario* scenario = nullptr;
    const SeatPlan* seats = nullptr;
    const std::vector<VirtualUser>* users = nullptr;
    std::string showId;
    std::string hostHeader;
    std::int64_t openingMicros = 0;  // monoMicros() of the opening second
    // The waiting room: users join it at arrival and hold once admitted (see crowd_queue.cpp).
    bool queued = false;
    std::int64_t roomOpensMicros = 0;  // monoMicros() of the room's opening, when known (0: unknown)
    // Paying through the dev provider: its callbacks are signed with this (null: confirm-payment).
    const payments::WebhookSignature* devWebhook = nullptr;
    // --live-map: the crowd's one live seat map stream; availability reads are answered from it.
    const LiveSeatMap* liveMap = nullptr;
};

/// What one loop's queued users sent and were told about admissions.
struct QueueTally {
    QueueLedger ledger;     // places and hold counts (`gated` is set by the caller)
    Histogram timeInQueue;  // from the join's planned start to the first ADMITTED answer
    long long joined = 0;   // users whose join was answered with a place
};

class Crowd final : public LoopHandler {
public:
    /// Takes the users whose global index % loops == loopIndex.
    Crowd(const SaleContext& context, int loopIndex, int loops, std::uint64_t seed);
    void attach(EventLoop& loop) { loop_ = &loop; }
    /// Plans every arrival (or the first closed-loop users) on the loop.
    void start();
    bool finished() const { return done_ == users_.size(); }
    void setOpening(std::int64_t openingMicros, std::int64_t roomOpensMicros = 0) {
        ctx_.openingMicros = openingMicros;
        ctx_.roomOpensMicros = roomOpensMicros;
    }
    long long seatsWanted() const;
    /// The latest `expiresAt` the service told this crowd, of a hold or an order (epoch ms, 0: none).
    long long lastExpiresAtMs() const { return lastExpiresAtMs_; }

    void onResponse(Call& call, const Response& response, std::int64_t doneMicros) override;
    void onFailure(Call& call, const char* reason, std::int64_t doneMicros) override;
    void onTimer(std::uint32_t user, std::uint8_t step, std::int64_t nowMicros) override;

    LiveCounters& live() { return live_; }
    Stats& stats() { return stats_; }
    std::vector<SeenOrder>& orders() { return orders_; }
    std::map<std::string, long long>& failureReasons() { return failureReasons_; }
    QueueTally& queue() { return queue_; }

private:
    enum class Fate : std::uint8_t { Buy, AbandonHold, AbandonOrder, Cancel, FailPayment, BuyThenRefund };
    enum Step : std::uint8_t { Arrive, Pay, CancelOrder, JoinQueue, PollQueue, Recheck };
    struct User {
        std::uint32_t global = 0;
        std::uint8_t group = 1;
        std::uint8_t attempts = 0;
        SeatChoice choice = SeatChoice::Random;
        Fate fate = Fate::Buy;
        bool done = false;
        bool reloaded = false;  // re-read availability after seeing nothing free
        bool lastLook = false;  // out of attempts: reading availability once more before leaving
        std::vector<std::uint32_t> picked;
        std::string holdId;
        int order = -1;  // index into orders_
        // The waiting room (ctx_.queued):
        int place = -1;  // index into queue_.ledger.places
        bool admitted = false;
        bool plantTokenless = false;    // the next hold goes out without the admission (testing the verifier)
        bool lastHoldAdmitted = false;  // the hold in flight carried an admission
        std::uint8_t refreshes = 0;     // fresh admissions asked for after a 403
        std::uint8_t joinRetries = 0;
        bool refreshing = false;  // asked queue/me after a 403: hold again with the fresh admission
        std::int64_t joinPlanned = 0, giveUpAt = 0;
        std::string admission;         // the latest admission token
        std::int64_t lingerUntil = 0;  // admitted, found nothing free while seats were held: waits until then
    };

    void arrive(std::uint32_t u, std::int64_t planned);
    void readAvailability(std::uint32_t u, std::int64_t planned);
    void tryHold(std::uint32_t u, std::int64_t planned);
    void order(std::uint32_t u, std::int64_t planned);
    void pay(std::uint32_t u, std::int64_t planned);
    /// The dev provider's callback for the payment just started: succeeded, or failed for FailPayment.
    void payCallback(std::uint32_t u, std::string_view started, std::int64_t planned);
    void onConfirmed(std::uint32_t u, std::string_view orderBody, Second& sec);
    void onHoldAnswer(std::uint32_t u, const Response& r, std::int64_t latency, Second& sec, std::int64_t doneMicros);
    void onOrderAnswer(std::uint32_t u, const Response& r, std::int64_t doneMicros);
    // Confirm, StartPay, Webhook, GetOrder, Refund and Cancel answers.
    void onOrderStepAnswer(const Call& call, const Response& r, Second& sec, std::int64_t doneMicros);
    void paymentNotTaken(std::uint32_t u, SeenOrder& o, const Response& r);
    void cancel(std::uint32_t u, std::int64_t planned);
    void finish(std::uint32_t u, Outcome outcome);
    void send(std::uint32_t u, Endpoint e, std::int64_t planned, const char* method, const std::string& path,
              const std::string& body, bool auth, const std::string& extraHeaders = {});
    /// Takes the statuses into this loop's view; returns the AVAILABLE count (-1 when absent).
    long long absorbAvailability(std::string_view body, std::int64_t doneMicros);
    // AVAILABLE seen at `atMicros`: the live counter, and the first moment nothing was left.
    void noteSeatsLeft(long long left, std::int64_t atMicros);
    // An availability read answered (by the service or the live map) with `left` seats available.
    void onAvailability(std::uint32_t u, long long left, std::int64_t now);
    bool readLiveMap(std::uint32_t u, std::int64_t now);
    void onConflict(std::uint32_t u, std::string_view body, std::int64_t now);
    /// An admitted user who found nothing free while seats are still held (they may come back: a
    /// walker's hold or order window ends) waits and reads the availability again, as a waiting
    /// room's page tells them to, for at most kLinger; true when it will.
    bool lingers(std::uint32_t u, std::int64_t now);
    std::int64_t payDelayMicros();

    // The waiting room (crowd_queue.cpp).
    void joinQueue(std::uint32_t u, std::int64_t planned);
    void pollQueue(std::uint32_t u, std::int64_t planned);
    void onQueueAnswer(const Call& call, const Response& r, std::int64_t doneMicros);
    void onTicket(std::uint32_t u, const QueueAnswer& a, const Call& call, std::int64_t doneMicros);
    /// A 403 of a hold: true when the user asks for a fresh admission and will hold again.
    bool onAdmissionRefused(std::uint32_t u, std::string_view body, std::int64_t doneMicros);
    /// The admission header of a hold about to be sent (counted in the ledger), appended to `wire`.
    void writeAdmission(std::uint32_t u, std::string& wire);
    void noteHoldGranted(std::uint32_t u);
    double jitter();

    SaleContext ctx_;
    EventLoop* loop_ = nullptr;
    std::vector<User> users_;
    std::size_t done_ = 0;
    std::size_t nextClosed_ = 0;  // closed loop: next user to start
    std::string view_;            // this loop's latest belief of every seat's status
    long long lastHeld_ = -1;     // the HELD count of the latest availability read here
    std::mt19937_64 rng_;
    Stats stats_;
    LiveCounters live_;
    void noteExpiry(std::string_view expiresAt);

    std::vector<SeenOrder> orders_;
    long long lastExpiresAtMs_ = 0;
    std::map<std::string, long long> failureReasons_;
    std::string availabilityPath_;
    std::string queuePath_, queueMePath_;
    QueueTally queue_;
};

}  // namespace boxoffice::load
