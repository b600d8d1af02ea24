#pragma once
// What the outbox relay's tests against moto_server share (sqs_relay_test.cpp,
// sqs_credentials_test.cpp): the outbox rows as SQL has them, a service configured for a queue,
// orders booked through the API, and the checks that what arrived is what is documented.
#include <gtest/gtest.h>

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <mutex>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <thread>

#include <soci/soci.h>

#include "app/demo_seed.hpp"
#include "util/rfc3339.hpp"
#include "app/outbox_publishing.hpp"
#include "messaging/curl_http.hpp"
#include "messaging/envelope.hpp"
#include "metrics/state_sampler.hpp"
#include "storage/sql/migrator.hpp"
#include "storage/sql/sql_catalog_repository.hpp"
#include "storage/sql/sql_metrics_queries.hpp"
#include "storage/sql/sql_outbox_store.hpp"
#include "support/sqs_test_client.hpp"
#include "support/test_app.hpp"
#include "support/test_env.hpp"
#include "support/tiny_http_server.hpp"
#include "util/random_id.hpp"

namespace boxoffice::testing {

using nlohmann::json;
using namespace std::chrono_literals;

struct OutboxRecord {
    std::string id, eventType, aggregateId, payload;
    bool published = false;
};

inline std::vector<OutboxRecord> outboxRows(sql::Database& db) {
    std::vector<OutboxRecord> rows;
    auto r = db.run([&](soci::session& s) {
        rows.clear();
        OutboxRecord row;
        soci::indicator pub = soci::i_null;
        long long publishedAt = 0;
        soci::statement st = (s.prepare << "SELECT id, event_type, aggregate_id, payload, published_at FROM outbox",
                              soci::into(row.id), soci::into(row.eventType), soci::into(row.aggregateId),
                              soci::into(row.payload), soci::into(publishedAt, pub));
        st.execute(false);
        while (st.fetch()) {
            row.published = pub == soci::i_ok;
            rows.push_back(row);
        }
    });
    if (!r) throw std::runtime_error(r.error().internal);
    return rows;
}

inline long long unpublished(sql::Database& db) {
    long long n = 0;
    auto r =
        db.run([&](soci::session& s) { s << "SELECT COUNT(*) FROM outbox WHERE published_at IS NULL", soci::into(n); });
    if (!r) throw std::runtime_error(r.error().internal);
    return n;
}

inline void useQueue(app::Config& c, const std::string& queueUrl, const std::string& endpoint = "") {
    const TestEnv& env = TestEnv::get();
    c.outbox.queueUrl = queueUrl;
    c.outbox.endpoint = endpoint;
    c.outbox.region = "us-east-1";
    c.outbox.aws.region = "us-east-1";
    c.outbox.aws.accessKeyId = env.motoAccessKeyId;
    c.outbox.aws.secretAccessKey = env.motoSecretAccessKey;
    c.outbox.requestTimeout = 3s;
    c.outbox.connectTimeout = 1s;
    c.outbox.relay.pollInterval = 20ms;
    c.outbox.relay.backoffBase = 50ms;
    c.outbox.relay.backoffMax = 400ms;
}

// Orders through the API: `n` orders, of which every second is confirmed and every third of the
// rest cancelled; the others stay pending. Returns the number of order transitions.
struct Booker {
    TestApp& app;
    std::string show;
    int seat = 0;

    explicit Booker(TestApp& a, int seats = 200) : app(a) {
        sql::SqlCatalogRepository repo(app.app().database());
        util::RandomIdGenerator ids;
        SystemClock clock;
        auto demo = app::seedDemo(repo, clock, ids, seats);
        if (!demo) throw std::runtime_error(demo.error().detail);
        show = demo->show.id.str();
    }
    std::string seatId(int i) const {
        return "FLOOR1-" + std::string(1, static_cast<char>('A' + i / 50)) + "-" + std::to_string(i % 50 + 1);
    }
    struct Timing {
        double holdMs = 0, orderMs = 0, confirmMs = 0;
    };
    // One order of one seat for user `user`; confirm or cancel it. Returns the latencies.
    Timing book(const std::string& user, bool confirm, bool cancel) {
        auto c = app.client();
        const std::string token = app.userToken(user);
        Timing t;
        auto t0 = std::chrono::steady_clock::now();
        auto h = c.request("POST", "/v1/holds", json{{"showId", show}, {"seatIds", {seatId(seat++)}}}.dump(),
                           {"Content-Type: application/json", "Authorization: Bearer " + token});
        t.holdMs = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
        if (h.status != 201) throw std::runtime_error("hold: " + h.body);
        t0 = std::chrono::steady_clock::now();
        auto o = c.post(
            "/v1/orders",
            {{"holdId", h.json()["holdId"]},
             {"customer", {{"name", "Ann " + user}, {"email", user + "@example.com"}, {"phone", "+33 6 12 34 56 78"}}}},
            token);
        t.orderMs = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
        if (o.status != 201) throw std::runtime_error("order: " + o.body);
        const std::string orderId = o.json()["orderId"];
        t0 = std::chrono::steady_clock::now();
        if (confirm) {
            auto r =
                c.post("/v1/orders/" + orderId + "/confirm-payment", {{"paymentReference", "psp-" + orderId}}, token);
            if (r.status != 200) throw std::runtime_error("confirm: " + r.body);
        } else if (cancel) {
            auto r = c.post("/v1/orders/" + orderId + "/cancel", json::object(), token);
            if (r.status != 200) throw std::runtime_error("cancel: " + r.body);
        }
        t.confirmMs = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
        return t;
    }
    void bookMany(int n) {
        for (int i = 0; i < n; ++i) book("u" + std::to_string(i), i % 2 == 0, i % 3 == 1);
    }
};

// Every message is exactly the envelope of its outbox row, with the outbox id as an attribute.
inline void expectDocumented(const std::vector<ReceivedMessage>& messages, const std::vector<OutboxRecord>& rows,
                             bool fifo) {
    std::map<std::string, OutboxRecord> byId;
    for (const auto& r : rows) byId[r.id] = r;
    const auto& types = messaging::knownEventTypes();
    for (const auto& m : messages) {
        auto env = json::parse(m.body);
        const std::string id = env["id"];
        ASSERT_TRUE(byId.count(id)) << "a message for no outbox row: " << m.body;
        const OutboxRecord& row = byId[id];
        EXPECT_EQ(m.attributes.at("outboxId"), id);
        EXPECT_EQ(m.attributes.at("eventType"), row.eventType);
        EXPECT_EQ(env["type"], row.eventType);
        EXPECT_NE(std::find(types.begin(), types.end(), row.eventType), types.end());
        EXPECT_EQ(env["orderId"], row.aggregateId);
        auto payload = json::parse(row.payload);
        EXPECT_EQ(env["showId"], payload["showId"]);
        static const std::map<std::string, std::string> kReached = {{"order.created", "PAYMENT_PENDING"},
                                                                    {"order.confirmed", "CONFIRMED"},
                                                                    {"order.expired", "EXPIRED"},
                                                                    {"order.cancelled", "CANCELLED"}};
        EXPECT_EQ(env["data"]["status"], kReached.at(row.eventType));
        EXPECT_EQ(env["data"]["seatIds"], payload["seatIds"]);
        EXPECT_EQ(env["data"]["amount"], payload["amount"]);
        EXPECT_TRUE(env["data"]["customer"]["email"].get<std::string>().find("@example.com") != std::string::npos);
        EXPECT_TRUE(env["occurredAt"].get<std::string>().back() == 'Z');
        if (row.eventType == "order.confirmed") {
            EXPECT_FALSE(env["data"]["tickets"].empty());
        }
        if (fifo) {
            EXPECT_EQ(m.groupId, row.aggregateId);
            EXPECT_EQ(m.dedupId, id);
        }
    }
}

inline std::map<std::string, int> countById(const std::vector<ReceivedMessage>& messages) {
    std::map<std::string, int> n;
    for (const auto& m : messages) n[json::parse(m.body)["id"].get<std::string>()]++;
    return n;
}

// Every received body against its event's schema in service/asyncapi.yaml, by the AsyncAPI parser
// and ajv (scripts/asyncapi-check.sh); the file stays in the build tree for a look afterwards.
inline int checkAgainstAsyncApi(const std::vector<ReceivedMessage>& messages, const std::string& name) {
    const std::string dir = std::string(BOXOFFICE_BINARY_DIR) + "/sqs-messages";
    std::filesystem::create_directories(dir);
    const std::string file = dir + "/" + name + ".jsonl";
    {
        std::ofstream out(file);
        for (const auto& m : messages) out << json::parse(m.body).dump() << "\n";
    }
    return std::system((std::string(BOXOFFICE_SOURCE_DIR) + "/scripts/asyncapi-check.sh " + file).c_str());
}

inline bool waitUntil(const std::function<bool()>& done, std::chrono::milliseconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline) {
        if (done()) return true;
        std::this_thread::sleep_for(20ms);
    }
    return done();
}

}  // namespace boxoffice::testing
