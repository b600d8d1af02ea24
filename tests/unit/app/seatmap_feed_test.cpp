// The live seat map's feed over a fake store and fake connections: first frames, coalescing per
// interval, resume from Last-Event-ID, heartbeats, slow subscribers and unsubscribing.
#include "app/seatmap_feed.hpp"

#include <gtest/gtest.h>

#include <thread>

namespace boxoffice::app {
namespace {

using S = SeatStatus;

// What a connection would send, frame by frame; or a client that stopped reading.
class RecordingSink final : public http::StreamSink {
public:
    Outcome push(std::shared_ptr<const std::string> frame) override {
        if (tooSlow) return Outcome::TooSlow;
        frames.push_back(std::move(frame));
        return Outcome::Queued;
    }
    std::vector<std::string> texts() const {
        std::vector<std::string> out;
        for (const auto& f : frames) out.push_back(*f);
        return out;
    }
    std::vector<std::shared_ptr<const std::string>> frames;
    bool tooSlow = false;
};

std::string field(const std::string& frame, const std::string& name) {
    const auto at = frame.find(name + ": ");
    if (at == std::string::npos) return {};
    const auto from = at + name.size() + 2;
    return frame.substr(from, frame.find('\n', from) - from);
}

class SeatMapFeedTest : public ::testing::Test {
protected:
    SeatMapFeedTest() {
        Layout layout;
        layout.sections.push_back({"FLOOR", {{"A", "GOLD", 6, {}}}});
        auto seating = std::make_shared<ShowSeating>();
        seating->show.id = ShowId{"show-1"};
        seating->show.currency = "EUR";
        seating->seats = std::make_shared<const SeatIndex>(std::move(layout));
        seating->layoutTag = "t1";
        seating_ = seating;
        statuses_.assign(6, S::Available);
    }

    std::unique_ptr<SeatMapFeed> makeFeed(std::chrono::milliseconds heartbeat = std::chrono::hours(1),
                                          std::size_t budget = 16u << 20,
                                          std::chrono::milliseconds maxInterval = std::chrono::seconds(5)) {
        SeatMapFeedSettings settings;
        settings.heartbeat = heartbeat;
        settings.history = 4;
        settings.budgetBytesPerSecond = budget;
        settings.maxInterval = maxInterval;
        return std::make_unique<SeatMapFeed>(
            [this](const ShowSeating&) -> Result<AvailabilitySnapshot> {
                ++reads_;
                AvailabilitySnapshot s;
                s.epoch = "memory";
                s.status = statuses_;
                summarize(s);
                return s;
            },
            renderer_, nullptr, settings, "ep0ch");
    }

    std::shared_ptr<RecordingSink> subscribe(SeatMapFeed& feed, std::optional<std::string> lastId = std::nullopt) {
        auto stream = feed.open(seating_, std::move(lastId));
        EXPECT_TRUE(stream.ok());
        auto sink = std::make_shared<RecordingSink>();
        (*stream)->start(sink);
        streams_.push_back(*stream);
        return sink;
    }

    http::SeatMapRenderer renderer_;
    std::shared_ptr<const ShowSeating> seating_;
    std::vector<S> statuses_;
    int reads_ = 0;
    std::vector<std::shared_ptr<http::Stream>> streams_;
};

TEST_F(SeatMapFeedTest, ANewSubscriberGetsRetryThenASnapshot) {
    auto feed = makeFeed();
    auto sink = subscribe(*feed);
    const auto frames = sink->texts();
    ASSERT_EQ(frames.size(), 2u);
    EXPECT_EQ(frames[0], "retry: 2000\n\n");
    EXPECT_EQ(field(frames[1], "event"), "snapshot");
    EXPECT_EQ(field(frames[1], "id").rfind("ep0ch.", 0), 0u);
    EXPECT_NE(field(frames[1], "data").find("\"statuses\":\"AAAAAA\""), std::string::npos) << frames[1];
    EXPECT_EQ(feed->subscribers(), 1);
}

TEST_F(SeatMapFeedTest, NoChangeNoEvent) {
    auto feed = makeFeed();
    auto sink = subscribe(*feed);
    feed->runOnce();
    feed->runOnce();
    EXPECT_EQ(sink->frames.size(), 2u);
}

TEST_F(SeatMapFeedTest, ManyChangesInOneIntervalAreOneEventSharedByEverySubscriber) {
    auto feed = makeFeed();
    auto a = subscribe(*feed);
    auto b = subscribe(*feed);
    // Within one interval: seat 0 held, seat 1 held then released, seat 2 held then sold.
    statuses_[0] = S::Held;
    statuses_[1] = S::Held;
    statuses_[1] = S::Available;
    statuses_[2] = S::Held;
    statuses_[2] = S::Sold;
    feed->runOnce();
    ASSERT_EQ(a->frames.size(), 3u);
    ASSERT_EQ(b->frames.size(), 3u);
    EXPECT_EQ(a->frames[2].get(), b->frames[2].get()) << "one frame, shared";
    const std::string& ev = *a->frames[2];
    EXPECT_EQ(field(ev, "event"), "changes");
    EXPECT_NE(field(ev, "id"), field(*a->frames[1], "id"));
    EXPECT_NE(ev.find("\"seats\":{\"FLOOR-A-1\":\"HELD\",\"FLOOR-A-3\":\"SOLD\"}"), std::string::npos) << ev;
    EXPECT_NE(ev.find("\"counts\":{\"AVAILABLE\":4,\"HELD\":1,\"SOLD\":1}"), std::string::npos) << ev;
}

TEST_F(SeatMapFeedTest, AnIntervalThatChangesMoreThanASnapshotCostsSendsTheSnapshot) {
    auto feed = makeFeed();
    auto sink = subscribe(*feed);
    statuses_.assign(6, S::Sold);  // six changes of ~25 bytes: more than six status letters
    feed->runOnce();
    ASSERT_EQ(sink->frames.size(), 3u);
    EXPECT_EQ(field(*sink->frames[2], "event"), "snapshot");
    EXPECT_NE(sink->frames[2]->find("\"statuses\":\"SSSSSS\""), std::string::npos);
    EXPECT_NE(field(*sink->frames[2], "id"), field(*sink->frames[1], "id"));
}

TEST_F(SeatMapFeedTest, ResumingFromAnIdInTheRingGetsExactlyTheMissedChangesAndNoSnapshot) {
    auto feed = makeFeed();
    auto first = subscribe(*feed);
    statuses_[0] = S::Held;
    feed->runOnce();
    const std::string seen = field(*first->frames.back(), "id");
    streams_.back()->stop();  // the client goes away
    statuses_[1] = S::Held;
    feed->runOnce();
    statuses_[0] = S::Sold;
    statuses_[5] = S::Held;
    feed->runOnce();

    auto again = subscribe(*feed, seen);
    const auto frames = again->texts();
    ASSERT_EQ(frames.size(), 2u);
    EXPECT_EQ(field(frames[1], "event"), "changes");
    EXPECT_NE(frames[1].find("\"seats\":{\"FLOOR-A-1\":\"SOLD\",\"FLOOR-A-2\":\"HELD\",\"FLOOR-A-6\":\"HELD\"}"),
              std::string::npos)
        << frames[1];
    // It then follows the live events from where it resumed.
    statuses_[3] = S::Held;
    feed->runOnce();
    ASSERT_EQ(again->frames.size(), 3u);
    EXPECT_NE(again->frames[2]->find("\"seats\":{\"FLOOR-A-4\":\"HELD\"}"), std::string::npos);
}

TEST_F(SeatMapFeedTest, ResumingUpToDateSendsNothingButRetry) {
    auto feed = makeFeed();
    auto first = subscribe(*feed);
    const std::string seen = field(*first->frames.back(), "id");
    auto again = subscribe(*feed, seen);
    EXPECT_EQ(again->frames.size(), 1u);
}

TEST_F(SeatMapFeedTest, TooOldOtherEpochOrBogusIdsGetASnapshot) {
    auto feed = makeFeed();
    auto first = subscribe(*feed);
    const std::string oldest = field(*first->frames.back(), "id");
    for (int i = 0; i < 6; ++i) {  // more steps than the history (4) keeps
        statuses_[static_cast<std::size_t>(i)] = S::Held;
        feed->runOnce();
    }
    const auto seq = field(*first->frames.back(), "id").substr(6);
    for (const std::string& id : {oldest, "0ther." + seq, std::string("bogus"), std::string("")}) {
        auto sink = subscribe(*feed, id);
        ASSERT_EQ(sink->frames.size(), 2u) << id;
        EXPECT_EQ(field(*sink->frames[1], "event"), "snapshot") << id;
        EXPECT_NE(sink->frames[1]->find("\"statuses\":\"HHHHHH\""), std::string::npos);
    }
}

TEST_F(SeatMapFeedTest, StopUnsubscribesAtOnceAndAStopBeforeStartNeverRegisters) {
    auto feed = makeFeed();
    subscribe(*feed);
    EXPECT_EQ(feed->subscribers(), 1);
    streams_.back()->stop();
    EXPECT_EQ(feed->subscribers(), 0);
    auto early = feed->open(seating_, std::nullopt);
    ASSERT_TRUE(early.ok());
    (*early)->stop();
    auto sink = std::make_shared<RecordingSink>();
    (*early)->start(sink);
    EXPECT_TRUE(sink->frames.empty());
    EXPECT_EQ(feed->subscribers(), 0);
}

TEST_F(SeatMapFeedTest, ASlowSubscriberIsDroppedOthersKeepGoing) {
    auto feed = makeFeed();
    auto slow = subscribe(*feed);
    auto fine = subscribe(*feed);
    slow->tooSlow = true;
    statuses_[0] = S::Held;
    feed->runOnce();
    EXPECT_EQ(feed->subscribers(), 1);
    EXPECT_EQ(fine->frames.size(), 3u);
    streams_.front()->stop();  // the connection's own stop, after the drop: nothing counted twice
    EXPECT_EQ(feed->subscribers(), 1);
}

TEST_F(SeatMapFeedTest, HeartbeatsWhenDue) {
    auto feed = makeFeed(std::chrono::milliseconds(1));
    auto sink = subscribe(*feed);
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
    feed->runOnce();
    ASSERT_EQ(sink->frames.size(), 3u);
    EXPECT_EQ(*sink->frames[2], ": ping\n\n");
}

TEST_F(SeatMapFeedTest, OneStoreReadPerIntervalWhateverTheSubscribers) {
    auto feed = makeFeed();
    for (int i = 0; i < 50; ++i) subscribe(*feed);
    const int before = reads_;
    feed->runOnce();
    EXPECT_EQ(reads_ - before, 1);
}

TEST_F(SeatMapFeedTest, TheByteBudgetSpacesEventsOutAndTheNextCarriesEverythingMeanwhile) {
    // 1,000 bytes/s for ten subscribers: one event of ~150 bytes to each is more than a second's
    // budget, so the show is not read again until the wait (capped here at 50 ms) is over.
    auto feed = makeFeed(std::chrono::hours(1), 1000, std::chrono::milliseconds(50));
    std::vector<std::shared_ptr<RecordingSink>> sinks;
    for (int i = 0; i < 10; ++i) sinks.push_back(subscribe(*feed));
    statuses_[0] = S::Held;
    feed->runOnce();
    ASSERT_EQ(sinks[0]->frames.size(), 3u);
    const int reads = reads_;
    statuses_[1] = S::Held;
    feed->runOnce();
    EXPECT_EQ(reads_, reads) << "within the budget's wait the store is not read";
    EXPECT_EQ(sinks[0]->frames.size(), 3u);
    std::this_thread::sleep_for(std::chrono::milliseconds(60));
    statuses_[2] = S::Sold;
    feed->runOnce();
    ASSERT_EQ(sinks[0]->frames.size(), 4u);
    const std::string& ev = *sinks[0]->frames[3];
    EXPECT_NE(ev.find("\"seats\":{\"FLOOR-A-2\":\"HELD\",\"FLOOR-A-3\":\"SOLD\"}"), std::string::npos) << ev;
}

TEST_F(SeatMapFeedTest, WithoutABudgetEveryIntervalIsRead) {
    auto feed = makeFeed(std::chrono::hours(1), 0);
    for (int i = 0; i < 10; ++i) subscribe(*feed);
    statuses_[0] = S::Held;
    feed->runOnce();
    const int reads = reads_;
    feed->runOnce();
    EXPECT_EQ(reads_, reads + 1);
}

}  // namespace
}  // namespace boxoffice::app
