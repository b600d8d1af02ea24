// The harness's live seat map applies the service's Server-Sent Events as they arrive, split at any
// byte: a snapshot sets every letter, a changes event the seats it names, comments and unknown
// events change nothing, and the last event id is what a reconnect resumes from.
#include <gtest/gtest.h>

#include "harness/live_seat_map.hpp"

namespace boxoffice::load {
namespace {

SeatPlan fourSeats() {
    return SeatPlan({{"F-A-1", 0, 1}, {"F-A-2", 0, 2}, {"F-A-3", 0, 3}, {"F-A-4", 0, 4}});
}

std::string letters(const LiveSeatMap& m) {
    std::string out;
    m.copyTo(out);
    return out;
}

TEST(LiveSeatMap, NothingIsTrustedBeforeTheSnapshot) {
    const SeatPlan seats = fourSeats();
    LiveSeatMap m("http://127.0.0.1:1/", seats, "", false);
    m.feed(": ping\n\nretry: 2000\n\n");
    EXPECT_FALSE(m.ready());
    m.feed("event: changes\nid: e.1\ndata: {\"seats\":{\"F-A-1\":\"HELD\"}}\n\n");
    EXPECT_FALSE(m.ready()) << "a change is not a snapshot";
}

TEST(LiveSeatMap, ASnapshotThenChangesSplitAtAnyByte) {
    const SeatPlan seats = fourSeats();
    const std::string stream =
        "retry: 2000\n\n"
        "event: snapshot\nid: ep.1\ndata: {\"showId\":\"s\",\"counts\":{\"AVAILABLE\":3,\"HELD\":1,\"SOLD\":0},"
        "\"statuses\":\"AHAA\"}\n\n"
        ": ping\n\n"
        "event: changes\nid: ep.2\ndata: {\"version\":\"v\",\"counts\":{\"AVAILABLE\":1,\"HELD\":1,\"SOLD\":2},"
        "\"seats\":{\"F-A-2\":\"SOLD\",\"F-A-3\":\"SOLD\",\"F-A-4\":\"HELD\",\"X-9\":\"SOLD\"}}\n\n";
    for (std::size_t cut = 0; cut <= stream.size(); ++cut) {
        LiveSeatMap m("http://127.0.0.1:1/", seats, "", false);
        m.feed(std::string_view(stream).substr(0, cut));
        m.feed(std::string_view(stream).substr(cut));
        ASSERT_TRUE(m.ready()) << cut;
        EXPECT_EQ(letters(m), "ASSH") << "cut at " << cut;
        EXPECT_EQ(m.available(), 1);
        EXPECT_EQ(m.held(), 1);
        EXPECT_EQ(m.stats().snapshots, 1);
        EXPECT_EQ(m.stats().changes, 1);
        EXPECT_EQ(m.stats().seatChanges, 3) << "the unknown seat X-9 is not applied";
    }
}

TEST(LiveSeatMap, ASnapshotOfAnotherSeatingIsIgnored) {
    const SeatPlan seats = fourSeats();
    LiveSeatMap m("http://127.0.0.1:1/", seats, "", false);
    m.feed("event: snapshot\nid: a.1\ndata: {\"statuses\":\"AAAAA\"}\n\n");
    EXPECT_FALSE(m.ready());
    m.feed("event: snapshot\nid: a.2\ndata: {\"statuses\":\"SSAA\"}\n\n");
    EXPECT_TRUE(m.ready());
    EXPECT_EQ(letters(m), "SSAA");
}

}  // namespace
}  // namespace boxoffice::load
