// The waiting room over HTTP on the embedded default (SQLite + in-process queue) and on the
// deployed stack (PostgreSQL + Redis): an admin turns a show's room on, users join before the
// opening, get admitted at the rate once it opens, hold with their admission token and only with
// it; bad settings are 422, a room whose state was lost answers 503. Time is a fake clock.
#include <gtest/gtest.h>

#include "admission/memory_queue_store.hpp"
#include "app/demo_seed.hpp"
#include "storage/redis/redis_pool.hpp"
#include "storage/redis/redis_queue_store.hpp"
#include "storage/redis/redis_url.hpp"
#include "storage/sql/sql_catalog_repository.hpp"
#include "support/fake_clock.hpp"
#include "support/metrics_text.hpp"
#include "support/test_app.hpp"
#include "support/test_env.hpp"
#include "util/random_id.hpp"
#include "util/rfc3339.hpp"

namespace boxoffice::testing {
namespace {

using nlohmann::json;
using std::chrono::milliseconds;
using std::chrono::seconds;

class WaitingRoomApi : public ::testing::TestWithParam<Backend> {
protected:
    void SetUp() override {
        app_ = std::make_unique<TestApp>(GetParam(), std::function<void(app::Config&)>{}, &clock_);
        sql::SqlCatalogRepository repo(app_->app().database());
        util::RandomIdGenerator ids;
        auto demo = app::seedDemo(repo, clock_, ids, 200);
        ASSERT_TRUE(demo.ok()) << demo.error().detail << demo.error().internal;
        show_ = demo->show.id.str();
        client_ = std::make_unique<HttpClient>(app_->port());
        admin_ = app_->adminToken();
        alice_ = app_->userToken("alice");
        bob_ = app_->userToken("bob");
    }

    std::vector<std::string> auth(const std::string& token, const std::vector<std::string>& extra = {}) {
        std::vector<std::string> h{"Content-Type: application/json", "Authorization: Bearer " + token};
        h.insert(h.end(), extra.begin(), extra.end());
        return h;
    }
    HttpResult putRoom(const json& body) {
        return client_->request("PUT", "/v1/shows/" + show_ + "/waiting-room", body.dump(), auth(admin_));
    }
    // Opens in a minute, 10 people a second, 30 s tokens, a 2-minute shopping window.
    json roomOn() const {
        return {{"enabled", true},
                {"opensAt", formatRfc3339(clock_.nowMs() + 60'000)},
                {"admitRate", 10},
                {"admissionTtlSeconds", 30},
                {"shoppingWindowSeconds", 120}};
    }
    HttpResult join(const std::string& token) {
        return client_->request("POST", "/v1/shows/" + show_ + "/queue", "", auth(token));
    }
    HttpResult me(const std::string& token) { return client_->get("/v1/shows/" + show_ + "/queue/me", auth(token)); }
    HttpResult hold(const std::string& token, const std::string& seat, const std::string& admission = "",
                    std::vector<std::string> extra = {}) {
        if (!admission.empty()) extra.push_back("Boxoffice-Admission: " + admission);
        return client_->request("POST", "/v1/holds", json{{"showId", show_}, {"seatIds", {seat}}}.dump(),
                                auth(token, extra));
    }

    FakeClock clock_;
    std::unique_ptr<TestApp> app_;
    std::unique_ptr<HttpClient> client_;
    std::string show_, admin_, alice_, bob_;
};

TEST_P(WaitingRoomApi, OffByDefaultTheHoldPathIsUnchanged) {
    auto room = client_->get("/v1/shows/" + show_ + "/waiting-room", auth(admin_));
    ASSERT_EQ(room.status, 200) << room.body;
    EXPECT_EQ(room.json()["enabled"], false);
    EXPECT_EQ(hold(alice_, "FLOOR1-A-1").status, 201);
    auto j = join(alice_);
    EXPECT_EQ(j.status, 409) << j.body;
    EXPECT_EQ(j.header("content-type"), "application/problem+json");
}

TEST_P(WaitingRoomApi, JoinBeforeTheOpeningGetAdmittedThenHoldOnlyWithTheToken) {
    auto put = putRoom(roomOn());
    ASSERT_EQ(put.status, 200) << put.body;
    EXPECT_EQ(put.json()["enabled"], true);
    EXPECT_EQ(put.json()["admitRate"], 10);

    auto a = join(alice_);
    ASSERT_EQ(a.status, 200) << a.body;
    EXPECT_EQ(a.json()["status"], "WAITING");
    EXPECT_EQ(a.json()["preQueue"], true);
    EXPECT_TRUE(a.json()["position"].is_null());
    EXPECT_FALSE(a.json().contains("admissionToken"));
    ASSERT_EQ(join(bob_).status, 200);
    EXPECT_EQ(join(alice_).json()["queueSize"], 2) << "joining again keeps the one place";

    // No token, no hold: the room is on.
    auto refused = hold(alice_, "FLOOR1-A-1");
    EXPECT_EQ(refused.status, 403) << refused.body;
    EXPECT_EQ(refused.header("content-type"), "application/problem+json");
    EXPECT_NE(refused.json()["detail"].get<std::string>().find("admission token required"), std::string::npos);
    EXPECT_EQ(hold(alice_, "FLOOR1-A-1", "garbage.token").status, 403);
    // The slow path (an Idempotency-Key) is gated the same way.
    EXPECT_EQ(hold(alice_, "FLOOR1-A-1", "", {"Idempotency-Key: wr-1"}).status, 403);

    // A second after the opening, 10 people a second have let both in.
    clock_.advance(milliseconds(61'000));
    auto mine = me(alice_);
    ASSERT_EQ(mine.status, 200) << mine.body;
    EXPECT_EQ(mine.json()["status"], "ADMITTED");
    EXPECT_FALSE(mine.json()["preQueue"]);
    const auto position = mine.json()["position"].get<int>();
    EXPECT_TRUE(position == 1 || position == 2) << position;
    const std::string token = mine.json()["admissionToken"];
    const std::string bobs = me(bob_).json()["admissionToken"];

    EXPECT_EQ(hold(bob_, "FLOOR1-A-2", token).status, 403) << "alice's admission is not bob's";
    auto held = hold(alice_, "FLOOR1-A-1", token);
    EXPECT_EQ(held.status, 201) << held.body;
    EXPECT_EQ(hold(bob_, "FLOOR1-A-2", bobs).status, 201);
    EXPECT_EQ(hold(bob_, "FLOOR1-A-5", bobs, {"Idempotency-Key: wr-2"}).status, 201);

    // The token is short-lived: past its 30 s it is refused, and a fresh one is handed out.
    clock_.advance(seconds(31));
    auto stale = hold(alice_, "FLOOR1-A-3", token);
    EXPECT_EQ(stale.status, 403);
    EXPECT_NE(stale.json()["detail"].get<std::string>().find("expired"), std::string::npos) << stale.body;
    const std::string fresh = me(alice_).json()["admissionToken"];
    EXPECT_EQ(hold(alice_, "FLOOR1-A-3", fresh).status, 201);

    // Past the shopping window the turn is over.
    clock_.advance(seconds(120));
    auto over = me(alice_);
    EXPECT_EQ(over.json()["status"], "EXPIRED") << over.body;
    EXPECT_FALSE(over.json().contains("admissionToken"));
    EXPECT_EQ(hold(alice_, "FLOOR1-A-4", fresh).status, 403);
}

TEST_P(WaitingRoomApi, AdminsSeeTheQueueAndPauseAndResumeIt) {
    ASSERT_EQ(putRoom(roomOn()).status, 200);
    for (const auto& t : {alice_, bob_}) ASSERT_EQ(join(t).status, 200);
    const std::string base = "/v1/shows/" + show_ + "/queue";
    EXPECT_EQ(client_->get(base, auth(alice_)).status, 403);
    auto paused = client_->request("POST", base + "/pause", "", auth(admin_));
    ASSERT_EQ(paused.status, 200) << paused.body;
    EXPECT_EQ(paused.json()["paused"], true);
    clock_.advance(milliseconds(65'000));
    auto state = client_->get(base, auth(admin_));
    ASSERT_EQ(state.status, 200) << state.body;
    EXPECT_EQ(state.json()["size"], 2);
    EXPECT_EQ(state.json()["admitted"], 0) << "paused: nobody let in";
    EXPECT_EQ(me(alice_).json()["status"], "WAITING");
    ASSERT_EQ(client_->request("POST", base + "/resume", "", auth(admin_)).status, 200);
    clock_.advance(milliseconds(1'000));
    state = client_->get(base, auth(admin_));
    EXPECT_EQ(state.json()["admitted"], 2) << state.body;
    EXPECT_EQ(state.json()["paused"], false);
    EXPECT_EQ(state.json()["activeShoppers"], 2);

    HttpClient m(app_->app().metricsPort());
    const MetricsText metrics(m.get("/metrics").body);
    EXPECT_EQ(metrics.sum("boxoffice_waiting_room_admissions_total", {{"show", show_}}), 2);
    EXPECT_EQ(metrics.sum("boxoffice_waiting_room_queue_size", {{"show", show_}}), 2);
}

TEST_P(WaitingRoomApi, BadSettingsAreRefusedWith422AndNonAdminsWith403) {
    json both = roomOn();
    both["maxActive"] = 5;
    json none = roomOn();
    none.erase("admitRate");
    json unknown = roomOn();
    unknown["colour"] = "red";
    json badTime = roomOn();
    badTime["opensAt"] = "tomorrow";
    json shortTtl = roomOn();
    shortTtl["admissionTtlSeconds"] = 1;
    for (const json& body : {both, none, unknown, badTime, shortTtl, json{{"opensAt", "2026-01-01T00:00:00Z"}}}) {
        auto r = putRoom(body);
        EXPECT_EQ(r.status, 422) << body.dump() << " -> " << r.body;
        EXPECT_EQ(r.header("content-type"), "application/problem+json");
    }
    EXPECT_EQ(client_->request("PUT", "/v1/shows/" + show_ + "/waiting-room", roomOn().dump(), auth(alice_)).status,
              403);
    EXPECT_EQ(client_->request("PUT", "/v1/shows/no-such-show/waiting-room", roomOn().dump(), auth(admin_)).status,
              404);
    // Turning it off needs nothing else, and the hold path is open again.
    ASSERT_EQ(putRoom(roomOn()).status, 200);
    EXPECT_EQ(hold(alice_, "FLOOR1-B-1").status, 403);
    auto off = putRoom({{"enabled", false}});
    ASSERT_EQ(off.status, 200) << off.body;
    EXPECT_EQ(hold(alice_, "FLOOR1-B-1").status, 201);
}

TEST_P(WaitingRoomApi, ARoomWhoseStateWasLostFailsClosedWith503UntilArmedAgain) {
    ASSERT_EQ(putRoom(roomOn()).status, 200);
    ASSERT_EQ(join(alice_).status, 200);
    // What a restart of the queue's store without persistence leaves: nothing.
    if (GetParam() == Backend::PostgresRedis) {
        std::string err;
        redis::RedisOptions o;
        o.endpoint = *redis::parseRedisUrl(TestEnv::get().redisUrl, err);
        redis::RedisPool pool(o, 1, milliseconds(1000));
        const auto p = redis::RedisQueueStore::keyPrefix(ShowId{show_});
        ASSERT_TRUE(pool.call({"DEL", p + "q", p + "st", p + "adm", p + "act"}));
    } else {
        dynamic_cast<admission::MemoryQueueStore&>(app_->app().queueStore()).clear();
    }
    for (auto r : {me(alice_), join(bob_)}) {
        EXPECT_EQ(r.status, 503) << r.body;
        EXPECT_EQ(r.json()["detail"], "waiting room state lost; retry");
        EXPECT_FALSE(r.header("retry-after").empty());
    }
    EXPECT_EQ(hold(bob_, "FLOOR1-C-1").status, 403) << "fails closed: still no hold without admission";
    ASSERT_EQ(putRoom(roomOn()).status, 200);
    auto again = join(bob_);
    EXPECT_EQ(again.status, 200) << again.body;
    EXPECT_EQ(again.json()["queueSize"], 1);
}

INSTANTIATE_TEST_SUITE_P(Backends, WaitingRoomApi, ::testing::Values(Backend::Sqlite, Backend::PostgresRedis),
                         [](const ::testing::TestParamInfo<Backend>& p) { return backendName(p.param); });

}  // namespace
}  // namespace boxoffice::testing
