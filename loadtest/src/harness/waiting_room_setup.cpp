#include "harness/waiting_room_setup.hpp"

#include <chrono>
#include <cstdio>
#include <stdexcept>

#include <nlohmann/json.hpp>

#include "harness/arrivals.hpp"
#include "util/rfc3339.hpp"

namespace boxoffice::load {
namespace {

nlohmann::json roomOf(const SetupResponse& r, const std::string& what) {
    if (r.status != 200) throw std::runtime_error(what + ": HTTP " + std::to_string(r.status) + " " + r.body);
    auto j = nlohmann::json::parse(r.body, nullptr, false);
    if (!j.is_object() || !j.contains("enabled")) throw std::runtime_error(what + ": not a waiting room: " + r.body);
    return j;
}

std::optional<long long> opensAtOf(const nlohmann::json& room) {
    const auto it = room.find("opensAt");
    if (it == room.end() || !it->is_string()) return std::nullopt;
    return parseRfc3339(it->get<std::string>());
}

long long wallNowMs() {
    using namespace std::chrono;
    return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

}  // namespace

long long configureWaitingRoom(SetupClient& client, const std::string& adminToken, const std::string& showId,
                               const QueueSettings& q, long long opensAtMs) {
    nlohmann::json body = {{"enabled", true},
                           {"opensAt", formatRfc3339(opensAtMs)},
                           {"admissionTtlSeconds", q.admissionTtl.count() / 1000},
                           {"shoppingWindowSeconds", q.shoppingWindow.count() / 1000}};
    if (q.admitRate > 0)
        body["admitRate"] = q.admitRate;
    else
        body["maxActive"] = q.maxActive;
    const std::string path = "/v1/shows/" + showId + "/waiting-room";
    const auto room = roomOf(client.request("PUT", path, body.dump(), adminToken), "PUT " + path);
    const auto opens = opensAtOf(room);
    if (!room.value("enabled", false) || !opens)
        throw std::runtime_error("PUT " + path + ": the room did not come back on: " + room.dump());
    return *opens;
}

std::optional<long long> waitingRoomOpensAt(SetupClient& client, const std::string& adminToken,
                                            const std::string& showId) {
    const std::string path = "/v1/shows/" + showId + "/waiting-room";
    const auto room = roomOf(client.request("GET", path, "", adminToken), "GET " + path);
    if (!room.value("enabled", false)) return std::nullopt;
    return opensAtOf(room).value_or(0);
}

std::int64_t prepareWaitingRoom(const Scenario& s, SetupClient& setup, const std::string& adminToken,
                                const std::string& showId, std::int64_t opening, long long users) {
    if (s.queue.mode == QueueMode::Off) return 0;
    const std::int64_t monoNow = monoMicros();
    const long long wallNow = wallNowMs();
    long long opensAtMs = 0;
    if (s.queue.mode == QueueMode::Configure) {
        const std::int64_t lastArrival = plannedArrivalMicros(s, users - 1, users);
        opensAtMs = wallNow + (opening - monoNow + lastArrival) / 1000 + s.queue.lead.count();
        opensAtMs = configureWaitingRoom(setup, adminToken, showId, s.queue, opensAtMs);
    } else if (!adminToken.empty()) {
        auto opens = waitingRoomOpensAt(setup, adminToken, showId);
        if (!opens) throw std::runtime_error("--queue: show " + showId + " has no waiting room on");
        opensAtMs = *opens;
    } else {
        return 0;  // --tokens without the secret: the room cannot be read; users poll at the base interval
    }
    std::fprintf(stderr, "boxoffice-load: waiting room %s, opening %s (%.1f s from now)\n",
                 s.queue.mode == QueueMode::Configure ? "on" : "of the show", formatRfc3339(opensAtMs).c_str(),
                 static_cast<double>(opensAtMs - wallNow) / 1000.0);
    return opensAtMs > wallNow ? monoNow + (opensAtMs - wallNow) * 1000 : 0;
}

}  // namespace boxoffice::load
