#include "harness/outbox_check.hpp"

#include <soci/soci.h>

#include <cstdlib>
#include <map>
#include <set>
#include <stdexcept>
#include <thread>

#include "messaging/aws_credentials.hpp"
#include "messaging/sqs_client.hpp"
#include "messaging/sqs_publisher.hpp"
#include "storage/sql/database.hpp"

namespace boxoffice::load {
namespace {

struct Row {
    std::string type, orderId;
    bool published = false;
};

std::map<std::string, Row> readOutbox(sql::Database& db, const std::string& showId) {
    std::map<std::string, Row> rows;
    auto r = db.run([&](soci::session& s) {
        rows.clear();
        std::string id, type, order, show = showId;
        long long publishedAt = 0;
        soci::indicator pub = soci::i_null;
        soci::statement st =
            (s.prepare << "SELECT o.id, o.event_type, o.aggregate_id, o.published_at FROM outbox o "
                          "JOIN orders r ON r.id = o.aggregate_id WHERE r.show_id = :show",
             soci::into(id), soci::into(type), soci::into(order), soci::into(publishedAt, pub), soci::use(show));
        st.execute(false);
        while (st.fetch()) rows[id] = Row{type, order, pub == soci::i_ok};
    });
    if (!r) throw std::runtime_error("cannot read the outbox: " + r.error().internal);
    return rows;
}

std::string env(const char* name) {
    const char* v = std::getenv(name);
    return v ? v : "";
}

}  // namespace

nlohmann::json OutboxCheck::toJson() const {
    return {{"ok", ok},
            {"rows", rows},
            {"unsent", unsent},
            {"messages", messages},
            {"distinct", distinct},
            {"duplicates", duplicates},
            {"missing", missing},
            {"unknown", unknown},
            {"mismatched", mismatched},
            {"otherShows", otherShows},
            {"seconds", seconds},
            {"problems", problems}};
}

OutboxCheck checkOutboxPublished(const OutboxCheckOptions& o) {
    const auto started = std::chrono::steady_clock::now();
    const auto deadline = started + o.wait;
    OutboxCheck c;
    auto problem = [&](std::string p) {
        if (c.problems.size() < 20) c.problems.push_back(std::move(p));
    };

    sql::DatabaseOptions dbo;
    dbo.url = o.postgresUrl;
    dbo.poolSize = 1;
    auto db = sql::Database::open(dbo);
    // The relay publishes behind the sale: wait until every row of the show is out.
    std::map<std::string, Row> rows = readOutbox(*db, o.showId);
    auto unsent = [&] {
        long long n = 0;
        for (const auto& [id, r] : rows) n += r.published ? 0 : 1;
        return n;
    };
    while (unsent() > 0 && std::chrono::steady_clock::now() < deadline) {
        std::this_thread::sleep_for(std::chrono::milliseconds(250));
        rows = readOutbox(*db, o.showId);
    }
    c.rows = static_cast<long long>(rows.size());
    c.unsent = unsent();
    if (c.unsent > 0) problem(std::to_string(c.unsent) + " outbox row(s) still unpublished after the wait");

    messaging::AwsCredentialSettings cs;
    cs.accessKeyId = env("AWS_ACCESS_KEY_ID");
    cs.secretAccessKey = env("AWS_SECRET_ACCESS_KEY");
    cs.sessionToken = env("AWS_SESSION_TOKEN");
    cs.webIdentityTokenFile = env("AWS_WEB_IDENTITY_TOKEN_FILE");
    cs.roleArn = env("AWS_ROLE_ARN");
    cs.containerRelativeUri = env("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI");
    cs.containerFullUri = env("AWS_CONTAINER_CREDENTIALS_FULL_URI");
    cs.containerAuthToken = env("AWS_CONTAINER_AUTHORIZATION_TOKEN");
    cs.containerAuthTokenFile = env("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE");
    const std::string region = !o.region.empty()                    ? o.region
                               : !env("AWS_REGION").empty()         ? env("AWS_REGION")
                               : !env("AWS_DEFAULT_REGION").empty() ? env("AWS_DEFAULT_REGION")
                                                                    : messaging::regionFromQueueUrl(o.queueUrl);
    cs.region = region;
    auto fetcher = messaging::makeFetcher(cs);
    if (!fetcher) throw std::runtime_error("no AWS credentials in the environment (AWS_ACCESS_KEY_ID, ...)");
    SystemClock clock;
    messaging::CredentialsCache creds(std::move(fetcher), clock);
    messaging::SqsClient sqs(
        {o.queueUrl, o.endpoint, region, std::chrono::milliseconds(2'000), std::chrono::milliseconds(25'000)}, creds);

    std::map<std::string, long long> seen;
    auto take = [&](const std::vector<messaging::ReceivedMessage>& batch) {
        for (const auto& m : batch) {
            auto e = nlohmann::json::parse(m.body, nullptr, false);
            if (e.is_discarded() || !e.is_object() || !e.contains("id") || !e["id"].is_string()) {
                ++c.unknown;
                problem("a message that is not an envelope: " + m.body.substr(0, 120));
                continue;
            }
            if (e.value("showId", "") != o.showId) {
                ++c.otherShows;
                continue;
            }
            ++c.messages;
            const std::string id = e["id"];
            const auto it = rows.find(id);
            if (it == rows.end()) {
                ++c.unknown;
                problem("message " + id + " (" + e.value("type", "") + ") has no outbox row");
                continue;
            }
            if (seen[id]++ > 0) ++c.duplicates;
            const auto attr = m.attributes.find("outboxId");
            if (e.value("type", "") != it->second.type || e.value("orderId", "") != it->second.orderId ||
                attr == m.attributes.end() || attr->second != id) {
                ++c.mismatched;
                problem("message " + id + " does not match its outbox row (" + it->second.type + ", order " +
                        it->second.orderId + ")");
            }
        }
    };
    // Until every row was seen (or nothing new arrives), then a short quiet drain for stragglers.
    for (;;) {
        const std::size_t want = rows.size() > seen.size() ? rows.size() - seen.size() : 1;
        const auto batch = messaging::drainQueue(sqs, want, std::chrono::milliseconds(3'000));
        take(batch);
        bool all = true;
        for (const auto& [id, r] : rows) all = all && seen.count(id) > 0;
        if (all || batch.empty() || std::chrono::steady_clock::now() >= deadline) break;
    }
    take(messaging::drainQueue(sqs, static_cast<std::size_t>(-1), std::chrono::milliseconds(2'000)));

    c.distinct = static_cast<long long>(seen.size());
    for (const auto& [id, r] : rows)
        if (!seen.count(id)) {
            ++c.missing;
            problem("outbox row " + id + " (" + r.type + ", order " + r.orderId + ") never reached the queue");
        }
    c.ok = c.unsent == 0 && c.missing == 0 && c.unknown == 0 && c.mismatched == 0;
    c.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    return c;
}

}  // namespace boxoffice::load
