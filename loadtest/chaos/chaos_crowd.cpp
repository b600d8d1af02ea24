#include "chaos_crowd.hpp"

#include <algorithm>
#include <charconv>

#include <nlohmann/json.hpp>

#include "common/http_response.hpp"

namespace boxoffice::load::chaos {
namespace {

std::vector<std::string> stringArray(const nlohmann::json& j, const char* field) {
    std::vector<std::string> out;
    if (j.is_object() && j.contains(field) && j[field].is_array())
        for (const auto& s : j[field])
            if (s.is_string()) out.push_back(s.get<std::string>());
    return out;
}

std::int64_t retryAfterMicros(std::string_view head) {
    const auto v = headerValue(head, "retry-after");
    long long seconds = 0;
    auto [p, ec] = std::from_chars(v.data(), v.data() + v.size(), seconds);
    if (v.empty() || ec != std::errc{} || p != v.data() + v.size() || seconds < 0) return -1;
    return seconds * 1'000'000;
}

}  // namespace

bool isInProgressCode(std::string_view code) {
    // Today's service answers a key still in flight with the generic CONFLICT; a dedicated code
    // (…IN_PROGRESS) means the same.
    return code == "CONFLICT" || code.find("IN_PROGRESS") != std::string_view::npos;
}

ChaosCrowd::ChaosCrowd(CrowdOptions options, const SeatPlan& seats, const std::vector<VirtualUser>& users,
                       std::string showId, std::string hostHeader, std::uint64_t seed)
    : opt_(options), seats_(seats), ids_(users), showId_(std::move(showId)), host_(std::move(hostHeader)), rng_(seed) {
    users_.resize(ids_.size());
    for (auto& u : users_)
        u.group = static_cast<std::uint8_t>(std::uniform_int_distribution<int>(opt_.groupMin, opt_.groupMax)(rng_));
    for (const auto& id : ids_) history_.userIds.push_back(id.id);
    view_.assign(seats_.size(), 'A');
    availabilityPath_ = "/v1/shows/" + showId_ + "/seatmap/availability";
}

void ChaosCrowd::start(std::int64_t openingUs) {
    const auto n = static_cast<std::int64_t>(users_.size());
    for (std::int64_t i = 0; i < n; ++i)
        loop_->addTimer(openingUs + (n > 1 ? opt_.arrivalSpreadUs * i / (n - 1) : 0), static_cast<std::uint32_t>(i),
                        Arrive);
}

void ChaosCrowd::onTimer(std::uint32_t u, std::uint8_t step, std::int64_t) {
    if (users_[u].done) return;
    switch (step) {
        case Arrive:
            readAvailability(u);
            break;
        case Pay:
            pay(u);
            break;
        case Resend:
            // A hold without a key cannot be asked about again: its retry is a new hold.
            if (users_[u].req.endpoint == Hold && users_[u].req.key.empty())
                tryHold(u);
            else
                sendCurrent(u);
            break;
        default:
            break;
    }
}

void ChaosCrowd::begin(std::uint32_t u, Endpoint e, const char* method, const std::string& path,
                       const std::string& body, bool auth, bool keyed) {
    User& user = users_[u];
    Request r;
    r.endpoint = e;
    std::string& w = r.wire;
    w += method;
    w += ' ';
    w += path;
    w += " HTTP/1.1\r\nHost: " + host_ + "\r\nConnection: keep-alive\r\n";
    if (auth) w += "Authorization: Bearer " + ids_[u].token + "\r\n";
    if (keyed) {
        r.key = ids_[u].id + "-" + endpointName(e) + "-" + std::to_string(++user.requests);
        w += "Idempotency-Key: " + r.key + "\r\n";
    }
    if (method[0] == 'P')
        w += "Content-Type: application/json\r\nContent-Length: " + std::to_string(body.size()) + "\r\n";
    w += "\r\n";
    w += body;
    const std::int64_t now = monoMicros();
    // A fresh hold after a lost unkeyed one keeps the first attempt's budget.
    const bool continuesHold = e == Hold && user.req.endpoint == Hold && user.req.key.empty() && user.req.lost;
    r.deadlineUs = continuesHold ? user.req.deadlineUs : now + opt_.retryBudgetUs;
    r.attempts = continuesHold ? user.req.attempts : 0;
    if (keyed) {
        KeyChain c;
        c.user = u;
        c.key = r.key;
        c.endpoint = e;
        c.startUs = now;
        r.chain = static_cast<int>(history_.chains.size());
        history_.chains.push_back(std::move(c));
    }
    user.req = std::move(r);
    sendCurrent(u);
}

void ChaosCrowd::sendCurrent(std::uint32_t u) {
    Request& r = users_[u].req;
    ++r.attempts;
    r.lost = false;
    if (r.chain >= 0) ++history_.chains[static_cast<std::size_t>(r.chain)].attempts;
    Call c;
    c.user = u;
    c.endpoint = r.endpoint;
    c.planned = monoMicros();  // a retry is a new request: its latency counts from its own send
    c.wire = r.wire;
    loop_->submit(std::move(c));
}

void ChaosCrowd::readAvailability(std::uint32_t u) {
    begin(u, Availability, "GET", availabilityPath_, "", false, false);
}

void ChaosCrowd::tryHold(std::uint32_t u) {
    User& user = users_[u];
    const auto picks = pickSeats(seats_, view_, user.group, SeatChoice::Random, 0, rng_);
    if (picks.empty()) {
        if (!user.reloaded) {
            user.reloaded = true;
            readAvailability(u);
        } else {
            finish(u);
        }
        return;
    }
    user.picked.assign(picks.begin(), picks.end());
    std::string body = "{\"showId\":\"" + showId_ + "\",\"seatIds\":[";
    for (std::size_t i = 0; i < picks.size(); ++i) body += (i ? ",\"" : "\"") + seats_.seat(picks[i]).seatId + "\"";
    body += "]}";
    const bool keyed = std::uniform_real_distribution<double>(0, 1)(rng_) < opt_.holdKeyShare;
    begin(u, Hold, "POST", "/v1/holds", body, true, keyed);
}

void ChaosCrowd::placeOrder(std::uint32_t u) {
    const User& user = users_[u];
    begin(u, Order, "POST", "/v1/orders",
          "{\"holdId\":\"" + user.holdId + "\",\"customer\":{\"name\":\"Chaos User\",\"email\":\"" + ids_[u].id +
              "@chaos.example\"}}",
          true, true);
}

void ChaosCrowd::pay(std::uint32_t u) {
    const User& user = users_[u];
    begin(u, Confirm, "POST", "/v1/orders/" + user.orderId + "/confirm-payment",
          "{\"paymentReference\":\"chaos-" + user.orderId + "\"}", true, true);
}

void ChaosCrowd::finish(std::uint32_t u) {
    User& user = users_[u];
    if (user.done) return;
    user.done = true;
    ++done_;
}

void ChaosCrowd::endChain(std::uint32_t u, bool definitive, int status, std::int64_t now) {
    const Request& r = users_[u].req;
    if (r.chain < 0) return;
    KeyChain& c = history_.chains[static_cast<std::size_t>(r.chain)];
    c.definitive = definitive;
    c.finalStatus = status;
    c.endUs = now;
}

void ChaosCrowd::retryOrGiveUp(std::uint32_t u, std::int64_t now, std::int64_t retryAfterUs, bool inProgress,
                               int status) {
    Request& r = users_[u].req;
    if (r.chain >= 0) {
        KeyChain& c = history_.chains[static_cast<std::size_t>(r.chain)];
        c.finalStatus = status;
        if (inProgress) ++c.inProgressAnswers;
    }
    if (now >= r.deadlineUs) {
        endChain(u, false, status, now);
        finish(u);
        return;
    }
    std::int64_t delay = 0;
    if (retryAfterUs >= 0)
        delay = std::min(retryAfterUs, opt_.maxRetryAfterUs);
    else if (inProgress)
        delay = 200'000;
    else
        delay = std::min<std::int64_t>(100'000LL << std::min(r.attempts - 1, 4), 1'600'000);
    delay += std::uniform_int_distribution<std::int64_t>(0, 100'000)(rng_);
    r.lost = true;
    loop_->addTimer(now + delay, u, Resend);
}

void ChaosCrowd::onResponse(Call& call, const Response& r, std::int64_t now) {
    const std::uint32_t u = call.user;
    User& user = users_[u];
    const auto ep = static_cast<Endpoint>(call.endpoint);
    const std::string_view code = r.status >= 400 ? jsonStringField(r.body, "code") : std::string_view{};
    std::string answer = std::string(endpointName(ep)) + " " + std::to_string(r.status);
    if (!code.empty()) answer += " " + std::string(code);
    ++history_.answers[answer];
    history_.timings.push_back({ep, r.status, call.sent, now});
    if (r.status >= 500) {
        ErrorAnswer e;
        e.endpoint = ep;
        e.status = r.status;
        e.what = std::string(code);
        e.problemJson = headerValue(r.head, "content-type").rfind("application/problem+json", 0) == 0;
        e.retryAfter = !headerValue(r.head, "retry-after").empty();
        e.keyed = !user.req.key.empty();
        e.sentUs = call.sent;
        e.doneUs = now;
        history_.errors.push_back(std::move(e));
        if (r.status == 503) history_.latency503[ep].record(now - call.sent);
    }
    const bool inProgress = r.status == 409 && !user.req.key.empty() && isInProgressCode(code);
    if (r.status >= 500 || r.status == 429 || inProgress) {
        retryOrGiveUp(u, now, retryAfterMicros(r.head), inProgress, r.status);
        return;
    }
    endChain(u, true, r.status, now);

    switch (ep) {
        case Availability: {
            if (r.status != 200) {
                finish(u);
                return;
            }
            const auto statuses = jsonStringField(r.body, "statuses");
            if (statuses.size() == view_.size()) view_.assign(statuses.data(), statuses.size());
            tryHold(u);
            return;
        }
        case Hold: {
            if (r.status == 201) {
                const auto j = nlohmann::json::parse(r.body, nullptr, false);
                HoldAck h;
                h.user = u;
                h.holdId = j.is_object() ? j.value("holdId", "") : "";
                h.seatIds = stringArray(j, "seatIds");
                h.sentUs = call.sent;
                h.ackUs = now;
                h.keyed = !user.req.key.empty();
                for (auto i : user.picked) view_[i] = 'H';
                user.holdId = h.holdId;
                user.holdSentUs = h.sentUs;
                user.heldSeats = h.seatIds;
                history_.holds.push_back(std::move(h));
                placeOrder(u);
                return;
            }
            if (r.status == 409 && code == "SEATS_UNAVAILABLE") {
                const auto j = nlohmann::json::parse(r.body, nullptr, false);
                const auto taken = stringArray(j, "seats");
                for (const auto& s : taken)
                    if (auto i = seats_.indexOf(s)) view_[*i] = view_[*i] == 'A' ? 'H' : view_[*i];
                if (taken.empty())
                    for (auto i : user.picked) view_[i] = view_[i] == 'A' ? 'H' : view_[i];
                if (++user.holdAttempts >= opt_.holdAttempts) {
                    finish(u);
                } else if (user.holdAttempts % 3 == 0) {
                    readAvailability(u);
                } else {
                    tryHold(u);
                }
                return;
            }
            finish(u);  // the per-user limit, a closed sale...: nothing a retry would change
            return;
        }
        case Order: {
            if (r.status == 201) {
                const auto j = nlohmann::json::parse(r.body, nullptr, false);
                OrderAck o;
                o.user = u;
                o.orderId = j.is_object() ? j.value("orderId", "") : "";
                o.holdId = user.holdId;
                o.seatIds = stringArray(j, "seatIds");
                o.ackUs = now;
                user.orderId = o.orderId;
                history_.orders.push_back(std::move(o));
                loop_->addTimer(
                    now + std::uniform_int_distribution<std::int64_t>(opt_.thinkMinUs, opt_.thinkMaxUs)(rng_), u, Pay);
                return;
            }
            OrderRefusal refusal;
            refusal.user = u;
            refusal.holdId = user.holdId;
            refusal.status = r.status;
            refusal.code = std::string(code);
            refusal.attempts = user.req.attempts;
            refusal.sentUs = call.sent;
            refusal.answeredUs = now;
            refusal.holdSentUs = user.holdSentUs;
            history_.ordersRefused.push_back(std::move(refusal));
            finish(u);
            return;
        }
        case Confirm: {
            if (r.status == 200) {
                const auto j = nlohmann::json::parse(r.body, nullptr, false);
                ConfirmAck c;
                c.user = u;
                c.orderId = user.orderId;
                if (j.is_object() && j.contains("tickets") && j["tickets"].is_array())
                    for (const auto& t : j["tickets"])
                        if (t.is_object()) c.tickets.push_back({t.value("ticketCode", ""), t.value("seatId", "")});
                c.ackUs = now;
                for (const auto& s : user.heldSeats)
                    if (auto i = seats_.indexOf(s)) view_[*i] = 'S';
                history_.confirms.push_back(std::move(c));
            } else if (r.status == 409 && code == "ORDER_EXPIRED") {
                history_.expiredTold.push_back(user.orderId);
            }
            finish(u);
            return;
        }
        default:
            finish(u);
    }
}

void ChaosCrowd::onFailure(Call& call, const char* reason, std::int64_t now) {
    const std::uint32_t u = call.user;
    const auto ep = static_cast<Endpoint>(call.endpoint);
    ++history_.answers[std::string(endpointName(ep)) + " 0 " + reason];
    ErrorAnswer e;
    e.endpoint = ep;
    e.status = 0;
    e.what = reason;
    // A call that never got a connection was never sent: it failed at its planned start.
    e.sentUs = call.sent ? call.sent : call.planned;
    e.doneUs = now;
    e.keyed = !users_[u].req.key.empty();
    history_.timings.push_back({ep, 0, e.sentUs, now});
    history_.errors.push_back(std::move(e));
    if (ep == Hold && users_[u].req.key.empty()) ++history_.unkeyedHoldsUnknown;
    retryOrGiveUp(u, now, -1, false, 0);
}

}  // namespace boxoffice::load::chaos
