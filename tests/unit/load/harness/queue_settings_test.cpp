// The waiting-room flags: their values, their cross-checks, the command line's bare --queue.
#include "harness/queue_settings.hpp"

#include <gtest/gtest.h>

#include <sstream>

#include "harness/command_line.hpp"
#include "harness/scenario.hpp"

namespace boxoffice::load {
namespace {

using std::chrono::milliseconds;

TEST(QueueSettings, WaitingRoomByRateOrByShoppersAtOnce) {
    Scenario s;
    ASSERT_FALSE(applySetting(s, "waiting-room", "rate:250"));
    EXPECT_EQ(s.queue.mode, QueueMode::Configure);
    EXPECT_EQ(s.queue.admitRate, 250);
    EXPECT_EQ(s.queue.maxActive, 0);
    ASSERT_FALSE(applySetting(s, "waiting-room", "active:40"));
    EXPECT_EQ(s.queue.admitRate, 0);
    EXPECT_EQ(s.queue.maxActive, 40);
    ASSERT_FALSE(applySetting(s, "waiting-room", "off"));
    EXPECT_EQ(s.queue.mode, QueueMode::Off);
    for (const char* bad : {"rate", "rate:0", "rate:-3", "fast:10", "active:x", ""}) {
        auto e = applySetting(s, "waiting-room", bad);
        ASSERT_TRUE(e) << bad;
        EXPECT_NE(e->message.find("--waiting-room"), std::string::npos) << e->message;
    }
}

TEST(QueueSettings, DurationsPollRangeAndThePlantedShare) {
    Scenario s;
    ASSERT_FALSE(applySetting(s, "queue-window", "30s"));
    ASSERT_FALSE(applySetting(s, "queue-token-ttl", "10s"));
    ASSERT_FALSE(applySetting(s, "queue-lead", "500ms"));
    ASSERT_FALSE(applySetting(s, "queue-poll", "250ms-2s"));
    ASSERT_FALSE(applySetting(s, "queue-give-up", "1m"));
    ASSERT_FALSE(applySetting(s, "queue-plant-tokenless", "0.1"));
    EXPECT_EQ(s.queue.shoppingWindow, milliseconds(30000));
    EXPECT_EQ(s.queue.admissionTtl, milliseconds(10000));
    EXPECT_EQ(s.queue.lead, milliseconds(500));
    EXPECT_EQ(s.queue.pollMin, milliseconds(250));
    EXPECT_EQ(s.queue.pollMax, milliseconds(2000));
    EXPECT_EQ(s.queue.giveUp, milliseconds(60000));
    EXPECT_DOUBLE_EQ(s.queue.plantTokenless, 0.1);
    ASSERT_FALSE(applySetting(s, "queue-poll", "2s"));
    EXPECT_EQ(s.queue.pollMin, s.queue.pollMax);
    EXPECT_TRUE(applySetting(s, "queue-poll", "3s-1s"));
    EXPECT_TRUE(applySetting(s, "queue-poll", "10ms"));  // hammering is not a setting
    EXPECT_TRUE(applySetting(s, "queue-plant-tokenless", "2"));
    EXPECT_TRUE(applySetting(s, "queue-window", "soon"));
    EXPECT_TRUE(applySetting(s, "queue-colour", "red"));
}

TEST(QueueSettings, CrossChecks) {
    Scenario s;
    s.secret = "x";
    ASSERT_FALSE(applySetting(s, "waiting-room", "rate:100"));
    EXPECT_FALSE(validate(s));
    s.queue.shoppingWindow = milliseconds(5000);  // the service refuses under 10 s
    EXPECT_TRUE(validate(s));
    s.queue.shoppingWindow = milliseconds(10500);  // it takes whole seconds
    EXPECT_TRUE(validate(s));
    s.queue.shoppingWindow = milliseconds(60000);
    s.queue.admissionTtl = milliseconds(1000);
    EXPECT_TRUE(validate(s));
    s.queue.admissionTtl = milliseconds(30000);
    s.arrival = Arrival::Closed;
    auto closed = validate(s);
    ASSERT_TRUE(closed);
    EXPECT_NE(closed->message.find("closed"), std::string::npos);
    s.arrival = Arrival::Instant;
    s.secret.clear();
    s.tokensFile = "t.txt";
    s.showId = "show";
    auto admin = validate(s);  // turning a room on is an admin's call
    ASSERT_TRUE(admin);
    EXPECT_NE(admin->message.find("--secret"), std::string::npos);
    s.queue.mode = QueueMode::Existing;  // joining a room is any user's
    EXPECT_FALSE(validate(s));
}

TEST(QueueSettings, TheBareQueueFlagAndTheDescription) {
    Scenario s;
    std::ostringstream out, err;
    auto exit = parseCommandLine(
        s, {"--queue", "--queue-poll", "1s-3s", "--users", "5"}, [](const std::string&) { return std::nullopt; }, out,
        err);
    ASSERT_EQ(exit, std::nullopt) << err.str();
    EXPECT_EQ(s.queue.mode, QueueMode::Existing);
    EXPECT_NE(describe(s).find("the show's own waiting room"), std::string::npos) << describe(s);
    Scenario c;
    exit = parseCommandLine(
        c, {"--waiting-room=rate:300", "--queue-window", "20s"}, [](const std::string&) { return std::nullopt; }, out,
        err);
    ASSERT_EQ(exit, std::nullopt) << err.str();
    EXPECT_NE(describe(c).find("waiting room rate 300/s (window 20 s"), std::string::npos) << describe(c);
    Scenario off;
    EXPECT_EQ(describe(off).find("waiting room"), std::string::npos);
}

}  // namespace
}  // namespace boxoffice::load
