#pragma once
// The clients of a fault-injection run, on one event loop. Each user reads the availability, holds
// 1-N seats (retrying other seats after a conflict), orders and pays. Unlike the flash-sale crowd,
// a client that gets no real answer (a 5xx, a timeout, a dropped connection, or 409 "in progress"
// for its Idempotency-Key) retries the same request with the same key, with backoff that honours
// Retry-After, until it learns the outcome or its retry budget runs out. Everything it was told
// goes into the History.

#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "common/event_loop.hpp"
#include "history.hpp"
#include "harness/seat_picker.hpp"
#include "harness/virtual_users.hpp"

namespace boxoffice::load::chaos {

struct CrowdOptions {
    std::int64_t arrivalSpreadUs = 8'000'000;  // users arrive evenly over this time
    int groupMin = 1, groupMax = 2;
    double holdKeyShare = 0.3;                               // share of holds sent with an Idempotency-Key
    int holdAttempts = 6;                                    // holds tried after conflicts before leaving
    std::int64_t retryBudgetUs = 15'000'000;                 // per request, retries with the same key included
    std::int64_t thinkMinUs = 50'000, thinkMaxUs = 300'000;  // between the order and the payment
    std::int64_t maxRetryAfterUs = 2'000'000;                // a longer Retry-After is waited for this long only
};

/// 409 answers that mean "the first request with this key is still running": retry, it is not the outcome.
bool isInProgressCode(std::string_view code);

class ChaosCrowd final : public LoopHandler {
public:
    ChaosCrowd(CrowdOptions options, const SeatPlan& seats, const std::vector<VirtualUser>& users, std::string showId,
               std::string hostHeader, std::uint64_t seed);
    void attach(EventLoop& loop) { loop_ = &loop; }
    void start(std::int64_t openingUs);
    bool finished() const { return done_ == users_.size(); }
    History& history() { return history_; }

    void onResponse(Call& call, const Response& response, std::int64_t doneMicros) override;
    void onFailure(Call& call, const char* reason, std::int64_t doneMicros) override;
    void onTimer(std::uint32_t user, std::uint8_t step, std::int64_t nowMicros) override;

private:
    enum Step : std::uint8_t { Arrive, Resend, Pay };
    struct Request {
        Endpoint endpoint = Availability;
        std::string wire;
        std::string key;  // empty: sent without an Idempotency-Key
        int chain = -1;   // index into history_.chains when keyed
        int attempts = 0;
        bool lost = false;  // got no real answer and waits for its retry
        std::int64_t deadlineUs = 0;
    };
    struct User {
        std::uint8_t group = 1;
        int holdAttempts = 0;
        int requests = 0;  // numbers this user's keys
        bool reloaded = false;
        bool done = false;
        std::vector<std::uint32_t> picked;
        std::string holdId;
        std::int64_t holdSentUs = 0;
        std::vector<std::string> heldSeats;
        std::string orderId;
        Request req;
    };

    void readAvailability(std::uint32_t u);
    void tryHold(std::uint32_t u);
    void placeOrder(std::uint32_t u);
    void pay(std::uint32_t u);
    void begin(std::uint32_t u, Endpoint e, const char* method, const std::string& path, const std::string& body,
               bool auth, bool keyed);
    void sendCurrent(std::uint32_t u);
    /// A non-answer: retry after the backoff, or give up once the budget is spent.
    void retryOrGiveUp(std::uint32_t u, std::int64_t now, std::int64_t retryAfterUs, bool inProgress, int status);
    void endChain(std::uint32_t u, bool definitive, int status, std::int64_t now);
    void finish(std::uint32_t u);

    CrowdOptions opt_;
    const SeatPlan& seats_;
    const std::vector<VirtualUser>& ids_;
    std::string showId_;
    std::string host_;
    std::string availabilityPath_;
    EventLoop* loop_ = nullptr;
    std::vector<User> users_;
    std::size_t done_ = 0;
    std::string view_;  // latest belief of every seat's status (letters of /seatmap/availability)
    std::mt19937_64 rng_;
    History history_;
};

}  // namespace boxoffice::load::chaos
