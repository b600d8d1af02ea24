// Tickets at the door over HTTP, on the embedded default (SQLite) and on PostgreSQL: the owner's QR,
// the published key (checked with OpenSSL alone), check-in once and only once (also under 16
// concurrent scanners), voided and forged tickets, who may scan, and the door's counts.
#include <gtest/gtest.h>

#include <openssl/evp.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <thread>

#include <unistd.h>

#include <soci/soci.h>

#include "app/demo_seed.hpp"
#include "storage/sql/sql_catalog_repository.hpp"
#include "support/fake_clock.hpp"
#include "support/test_app.hpp"
#include "tickets/ed25519_ticket_signer.hpp"
#include "util/random_id.hpp"
#include "util/sha256.hpp"

namespace boxoffice::testing {
namespace {

using nlohmann::json;

// Runs `command` through the shell and returns its standard output (nullopt when it failed).
std::optional<std::string> run(const std::string& command) {
    FILE* pipe = popen(command.c_str(), "r");
    if (!pipe) return std::nullopt;
    std::string out;
    char buf[4096];
    for (std::size_t n; (n = fread(buf, 1, sizeof buf, pipe)) > 0;) out.append(buf, n);
    if (pclose(pipe) != 0) return std::nullopt;
    return out;
}

class TicketApi : public ::testing::TestWithParam<Backend> {
protected:
    void SetUp() override {
        app_ = std::make_unique<TestApp>(GetParam(), std::function<void(app::Config&)>{}, &clock_);
        sql::SqlCatalogRepository repo(app_->app().database());
        util::RandomIdGenerator ids;
        auto demo = app::seedDemo(repo, clock_, ids, 200);
        ASSERT_TRUE(demo.ok()) << demo.error().detail << demo.error().internal;
        show_ = demo->show.id.str();
        alice_ = app_->userToken("alice");
        bob_ = app_->userToken("bob");
        SystemClock clock;
        auth::JwtCodec jwt(TestApp::secret(), clock);
        staff_ = jwt.mint({"door-1", auth::Role::Staff, std::chrono::seconds(3600)});
    }

    // Holds, orders and pays for `seats` as alice; returns the confirmed order.
    json buy(const std::vector<std::string>& seats) {
        auto c = app_->client();
        auto h = c.request("POST", "/v1/holds", json{{"showId", show_}, {"seatIds", seats}}.dump(),
                           {"Content-Type: application/json", "Authorization: Bearer " + alice_});
        EXPECT_EQ(h.status, 201) << h.body;
        auto o = c.post(
            "/v1/orders",
            {{"holdId", h.json()["holdId"]},
             {"customer", {{"name", "Alice Martin"}, {"email", "alice@example.com"}, {"phone", "+33 1 23 45 67 89"}}}},
            alice_);
        EXPECT_EQ(o.status, 201) << o.body;
        const std::string orderId = o.json()["orderId"];
        auto paid = c.post("/v1/orders/" + orderId + "/confirm-payment", {{"paymentReference", "psp-1"}}, alice_);
        EXPECT_EQ(paid.status, 200) << paid.body;
        return paid.json();
    }
    HttpResult checkIn(HttpClient& c, const std::string& token, const std::string& code, const std::string& gate = "") {
        json body = {{"code", code}};
        if (!gate.empty()) body["gate"] = gate;
        return c.post("/v1/checkins", body, token);
    }

    FakeClock clock_;
    std::unique_ptr<TestApp> app_;
    std::string show_, alice_, bob_, staff_;
};

TEST_P(TicketApi, TheOwnerGetsAnSvgQrOfTheSignedCodeAndNobodyElseDoes) {
    const json order = buy({"FLOOR1-A-1"});
    const std::string ticket = order["tickets"][0]["ticketCode"];
    auto c = app_->client();
    auto qr = c.get("/v1/me/tickets/" + ticket + "/qr", {"Authorization: Bearer " + alice_});
    ASSERT_EQ(qr.status, 200) << qr.body;
    EXPECT_EQ(qr.header("content-type"), "image/svg+xml");
    EXPECT_EQ(qr.body.rfind("<?xml", 0), 0u);
    EXPECT_NE(qr.body.find("<svg xmlns=\"http://www.w3.org/2000/svg\""), std::string::npos);
    EXPECT_NE(qr.body.find("</svg>"), std::string::npos);
    EXPECT_GT(qr.body.size(), 1000u) << "a code of ~180 bytes is a QR of version 7 or more, many modules";

    auto other = c.get("/v1/me/tickets/" + ticket + "/qr", {"Authorization: Bearer " + bob_});
    EXPECT_EQ(other.status, 404);
    EXPECT_EQ(other.header("content-type"), "application/problem+json");
    EXPECT_EQ(c.get("/v1/me/tickets/T-NOSUCHTICKET/qr", {"Authorization: Bearer " + alice_}).status, 404);
    EXPECT_EQ(c.get("/v1/me/tickets/" + ticket + "/qr").status, 401);
}

// The QR read back by an independent decoder (zbar, after librsvg drew the SVG) is the signed code.
TEST_P(TicketApi, TheQrDecodesToTheSignedCode) {
    if (!run("command -v rsvg-convert >/dev/null && command -v zbarimg >/dev/null"))
        GTEST_SKIP() << "rsvg-convert (librsvg2-bin) and zbarimg (zbar-tools) are needed: scripts/install-deps.sh";
    const json order = buy({"FLOOR1-A-5"});
    auto c = app_->client();
    auto qr = c.get("/v1/me/tickets/" + order["tickets"][0]["ticketCode"].get<std::string>() + "/qr",
                    {"Authorization: Bearer " + alice_});
    ASSERT_EQ(qr.status, 200) << qr.body;
    const auto dir = std::filesystem::temp_directory_path() /
                     ("boxoffice-qr-" + backendName(GetParam()) + "-" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir);
    std::ofstream(dir / "t.svg") << qr.body;
    const auto decoded = run("rsvg-convert -w 600 '" + (dir / "t.svg").string() + "' -o '" + (dir / "t.png").string() +
                             "' && zbarimg -q --raw '" + (dir / "t.png").string() + "' 2>/dev/null");
    std::filesystem::remove_all(dir);
    ASSERT_TRUE(decoded) << "the QR could not be decoded";
    EXPECT_EQ(decoded->substr(0, decoded->find_last_not_of('\n') + 1), order["tickets"][0]["signedCode"]);
}

TEST_P(TicketApi, ThePublishedKeyVerifiesACodeWithOpenSslAlone) {
    const json order = buy({"FLOOR1-A-2"});
    const std::string code = order["tickets"][0]["signedCode"];
    auto c = app_->client();
    auto key = c.get("/v1/tickets/public-key");
    ASSERT_EQ(key.status, 200) << key.body;
    const json jwk = key.json();
    EXPECT_EQ(jwk["kty"], "OKP");
    EXPECT_EQ(jwk["crv"], "Ed25519");
    EXPECT_EQ(jwk["alg"], "EdDSA");
    EXPECT_EQ(jwk["use"], "sig");
    EXPECT_FALSE(jwk["kid"].get<std::string>().empty());

    // What a scanner does offline: split the code, verify "bxt1.<payload>" with the JWK's x.
    std::string x, sig, payload;
    ASSERT_TRUE(util::base64UrlDecode(jwk["x"].get<std::string>(), x));
    const auto dot = code.rfind('.');
    ASSERT_TRUE(util::base64UrlDecode(code.substr(dot + 1), sig));
    ASSERT_TRUE(util::base64UrlDecode(code.substr(5, dot - 5), payload));
    EVP_PKEY* pub =
        EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, nullptr, reinterpret_cast<const unsigned char*>(x.data()), 32);
    ASSERT_NE(pub, nullptr);
    EVP_MD_CTX* md = EVP_MD_CTX_new();
    ASSERT_EQ(EVP_DigestVerifyInit(md, nullptr, nullptr, nullptr, pub), 1);
    const std::string signedPart = code.substr(0, dot);
    EXPECT_EQ(EVP_DigestVerify(md, reinterpret_cast<const unsigned char*>(sig.data()), sig.size(),
                               reinterpret_cast<const unsigned char*>(signedPart.data()), signedPart.size()),
              1);
    std::string forged = signedPart;
    forged.back() = forged.back() == 'A' ? 'B' : 'A';
    EXPECT_NE(EVP_DigestVerify(md, reinterpret_cast<const unsigned char*>(sig.data()), sig.size(),
                               reinterpret_cast<const unsigned char*>(forged.data()), forged.size()),
              1);
    EVP_MD_CTX_free(md);
    EVP_PKEY_free(pub);
    EXPECT_EQ(payload, order["tickets"][0]["ticketCode"].get<std::string>() + "|" + show_ + "|FLOOR1-A-2");
}

TEST_P(TicketApi, TheConfirmationEventCarriesTheSignedCodes) {
    const json order = buy({"FLOOR1-A-3", "FLOOR1-A-4"});
    std::string payload;
    auto r = app_->app().database().run([&](soci::session& s) {
        const std::string id = order["orderId"];
        s << "SELECT payload FROM outbox WHERE event_type = 'order.confirmed' AND aggregate_id = :id", soci::use(id),
            soci::into(payload);
    });
    ASSERT_TRUE(r.ok()) << r.error().internal;
    const json event = json::parse(payload);
    ASSERT_EQ(event["tickets"].size(), 2u);
    std::map<std::string, std::string> fromResponse, fromEvent;
    for (const auto& t : order["tickets"]) fromResponse[t["ticketCode"]] = t["signedCode"];
    for (const auto& t : event["tickets"]) fromEvent[t["ticketCode"]] = t["signedCode"];
    EXPECT_EQ(fromEvent, fromResponse);
    for (const auto& [ticket, code] : fromEvent) EXPECT_EQ(code.rfind("bxt1.", 0), 0u) << ticket;
}

TEST_P(TicketApi, ATicketChecksInOnceThenEveryScanSaysWhenAndWhere) {
    const json order = buy({"FLOOR1-B-1", "FLOOR1-B-2"});
    const std::string code = order["tickets"][0]["signedCode"];
    auto c = app_->client();
    auto first = checkIn(c, staff_, code, "north");
    ASSERT_EQ(first.status, 200) << first.body;
    EXPECT_EQ(first.json()["ticketCode"], order["tickets"][0]["ticketCode"]);
    EXPECT_EQ(first.json()["seatId"], order["tickets"][0]["seatId"]);
    EXPECT_EQ(first.json()["showId"], show_);
    EXPECT_EQ(first.json()["holderName"], "Alice Martin");
    EXPECT_EQ(first.json()["gate"], "north");

    clock_.advance(std::chrono::seconds(90));
    auto again = checkIn(c, staff_, code, "south");
    ASSERT_EQ(again.status, 409) << again.body;
    EXPECT_EQ(again.header("content-type"), "application/problem+json");
    EXPECT_EQ(again.json()["code"], "ALREADY_CHECKED_IN");
    EXPECT_EQ(again.json()["checkedInAt"], first.json()["checkedInAt"]);
    EXPECT_EQ(again.json()["gate"], "north");

    // An admin may scan as staff may; the second ticket through a gate-less scanner.
    auto byAdmin = checkIn(c, app_->adminToken(), order["tickets"][1]["signedCode"]);
    ASSERT_EQ(byAdmin.status, 200) << byAdmin.body;
    EXPECT_TRUE(byAdmin.json()["gate"].is_null());

    auto counts = c.get("/v1/shows/" + show_ + "/checkins", {"Authorization: Bearer " + staff_});
    ASSERT_EQ(counts.status, 200) << counts.body;
    EXPECT_EQ(counts.json()["validTickets"], 2);
    EXPECT_EQ(counts.json()["checkedIn"], 2);
    EXPECT_EQ(counts.json()["notCheckedIn"], 0);
    EXPECT_EQ(counts.json()["byGate"],
              json::parse(R"([{"gate": null, "checkedIn": 1}, {"gate": "north", "checkedIn": 1}])"));
    EXPECT_EQ(c.get("/v1/shows/no-such-show/checkins", {"Authorization: Bearer " + staff_}).status, 404);
}

TEST_P(TicketApi, OnlyStaffAndAdminsMayScanOrCount) {
    const json order = buy({"FLOOR1-B-3"});
    auto c = app_->client();
    auto byUser = checkIn(c, alice_, order["tickets"][0]["signedCode"]);
    EXPECT_EQ(byUser.status, 403) << byUser.body;
    EXPECT_EQ(byUser.json()["code"], "FORBIDDEN");
    EXPECT_EQ(checkIn(c, "", order["tickets"][0]["signedCode"]).status, 401);
    EXPECT_EQ(c.get("/v1/shows/" + show_ + "/checkins", {"Authorization: Bearer " + alice_}).status, 403);
    // The refused scans admitted nobody.
    EXPECT_EQ(checkIn(c, staff_, order["tickets"][0]["signedCode"]).status, 200);
}

TEST_P(TicketApi, ACodeThatDoesNotVerifyIs404) {
    const json order = buy({"FLOOR1-B-4"});
    const std::string code = order["tickets"][0]["signedCode"];
    auto c = app_->client();
    std::string tampered = code;
    tampered[tampered.size() - 3] = tampered[tampered.size() - 3] == 'A' ? 'B' : 'A';
    // Signed properly, but by a key that is not the service's.
    auto stranger = tickets::Ed25519TicketSigner::generate();
    const std::string foreign =
        stranger->sign({order["tickets"][0]["ticketCode"].get<std::string>(), ShowId{show_}, SeatId{"FLOOR1-B-4"}});
    for (const std::string& bad : {tampered, foreign, std::string("hello"), code.substr(0, code.size() / 2)}) {
        auto r = checkIn(c, staff_, bad);
        EXPECT_EQ(r.status, 404) << bad << " " << r.body;
        EXPECT_EQ(r.header("content-type"), "application/problem+json");
    }
    EXPECT_EQ(checkIn(c, staff_, code).status, 200) << "the genuine code still checks in";
}

TEST_P(TicketApi, AVoidedTicketIsRefused) {
    const json order = buy({"FLOOR1-C-1"});
    const std::string ticket = order["tickets"][0]["ticketCode"];
    auto r = app_->app().database().run(
        [&](soci::session& s) { s << "UPDATE tickets SET voided = 1 WHERE code = :c", soci::use(ticket); });
    ASSERT_TRUE(r.ok()) << r.error().internal;
    auto c = app_->client();
    auto scan = checkIn(c, staff_, order["tickets"][0]["signedCode"]);
    ASSERT_EQ(scan.status, 409) << scan.body;
    EXPECT_EQ(scan.json()["code"], "TICKET_VOID");
    auto counts = c.get("/v1/shows/" + show_ + "/checkins", {"Authorization: Bearer " + staff_});
    EXPECT_EQ(counts.json()["validTickets"], 0);
    EXPECT_EQ(counts.json()["checkedIn"], 0);
}

TEST_P(TicketApi, SixteenScannersAtOnceAdmitExactlyOne) {
    const json order = buy({"FLOOR1-D-7"});
    const std::string code = order["tickets"][0]["signedCode"];
    constexpr int kScanners = 16;
    std::vector<int> statuses(kScanners);
    std::vector<std::string> codes(kScanners);
    std::atomic<int> ready{0};
    std::vector<std::thread> threads;
    for (int i = 0; i < kScanners; ++i) {
        threads.emplace_back([&, i] {
            auto c = app_->client();
            (void)c.get("/healthz");  // connected before the race starts
            ++ready;
            while (ready.load() < kScanners) std::this_thread::yield();
            auto r = checkIn(c, staff_, code, "gate-" + std::to_string(i));
            statuses[i] = r.status;
            codes[i] = r.status == 200 ? "OK" : r.json().value("code", "");
        });
    }
    for (auto& t : threads) t.join();
    EXPECT_EQ(std::count(statuses.begin(), statuses.end(), 200), 1);
    EXPECT_EQ(std::count(codes.begin(), codes.end(), "ALREADY_CHECKED_IN"), kScanners - 1);
    long long rows = 0;
    auto r =
        app_->app().database().run([&](soci::session& s) { s << "SELECT count(*) FROM checkins", soci::into(rows); });
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(rows, 1);
}

INSTANTIATE_TEST_SUITE_P(Backends, TicketApi, ::testing::Values(Backend::Sqlite, Backend::Postgres),
                         [](const auto& p) { return backendName(p.param); });

}  // namespace
}  // namespace boxoffice::testing
