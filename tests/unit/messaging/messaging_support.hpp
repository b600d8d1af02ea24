#pragma once
// What the messaging unit tests share (envelope_test.cpp, sqs_publisher_test.cpp,
// aws_credentials_test.cpp, outbox_relay_test.cpp): one outbox row as the order flow writes it, and
// a clock the test moves by hand.
#include "domain/clock.hpp"
#include "messaging/outbox_store.hpp"

namespace boxoffice::messaging {

inline OutboxRow sampleRow() {
    OutboxRow r;
    r.id = "11111111-1111-4111-8111-111111111111";
    r.aggregateType = "order";
    r.aggregateId = "22222222-2222-4222-8222-222222222222";
    r.eventType = "order.confirmed";
    r.payload = R"({"orderId":"22222222-2222-4222-8222-222222222222","showId":"s-1","userId":"u-1",)"
                R"("status":"CONFIRMED","seatIds":["A-1-1"],"amount":4500,"currency":"EUR",)"
                R"("expiresAt":"2026-12-01T10:05:00.000Z","tickets":[{"ticketCode":"T1","seatId":"A-1-1"}]})";
    r.headers = R"({"traceparent":"00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"})";
    r.createdAt = 1'764'583'200'000;  // 2025-12-01T10:00:00Z
    r.customerName = "Bob";
    r.customerEmail = "bob@example.com";
    r.customerPhone = "";
    return r;
}

class ManualClock final : public Clock {
public:
    EpochMs now = 1'000'000;
    EpochMs nowMs() const override { return now; }
};

}  // namespace boxoffice::messaging
