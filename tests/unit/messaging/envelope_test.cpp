// The envelope an outbox row is published in: its fields, the message's attributes and group.
#include <gtest/gtest.h>

#include <map>
#include <string>
#include <nlohmann/json.hpp>

#include "messaging/envelope.hpp"
#include "unit/messaging/messaging_support.hpp"

namespace boxoffice::messaging {
namespace {

TEST(Envelope, CarriesIdTypeTimeRoutingKeysTraceAndData) {
    auto body = envelopeOf(sampleRow());
    ASSERT_TRUE(body.ok());
    auto j = nlohmann::json::parse(*body);
    EXPECT_EQ(j["id"], "11111111-1111-4111-8111-111111111111");
    EXPECT_EQ(j["type"], "order.confirmed");
    EXPECT_EQ(j["occurredAt"], "2025-12-01T10:00:00.000Z");
    EXPECT_EQ(j["showId"], "s-1");
    EXPECT_EQ(j["orderId"], "22222222-2222-4222-8222-222222222222");
    EXPECT_EQ(j["traceparent"], "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01");
    EXPECT_EQ(j["data"]["amount"], 4500);
    EXPECT_EQ(j["data"]["tickets"][0]["ticketCode"], "T1");
    EXPECT_EQ(j["data"]["customer"]["email"], "bob@example.com");
    EXPECT_FALSE(j["data"]["customer"].contains("phone"));  // empty phone is left out
    EXPECT_FALSE(j["data"].contains("orderId"));            // lifted into the envelope
}

TEST(Envelope, MessageHasOutboxIdAttributeAndOrderGroup) {
    auto m = messageOf(sampleRow());
    ASSERT_TRUE(m.ok());
    EXPECT_EQ(m->id, "11111111-1111-4111-8111-111111111111");
    EXPECT_EQ(m->groupId, "22222222-2222-4222-8222-222222222222");
    std::map<std::string, std::string> attrs(m->attributes.begin(), m->attributes.end());
    EXPECT_EQ(attrs["outboxId"], m->id);
    EXPECT_EQ(attrs["eventType"], "order.confirmed");
}

TEST(Envelope, PayloadThatIsNotAnObjectIsAnError) {
    OutboxRow r = sampleRow();
    r.payload = "[1,2";
    EXPECT_FALSE(envelopeOf(r).ok());
}

}  // namespace
}  // namespace boxoffice::messaging
