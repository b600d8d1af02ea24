#include "harness/scenario.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <sstream>

#include "common/base_url.hpp"

namespace boxoffice::load {
namespace {

std::string trim(const std::string& s) {
    const auto b = s.find_first_not_of(" \t\r\n");
    if (b == std::string::npos) return "";
    const auto e = s.find_last_not_of(" \t\r\n");
    return s.substr(b, e - b + 1);
}

std::optional<long long> parseInt(const std::string& v) {
    long long out = 0;
    const auto* end = v.data() + v.size();
    auto [p, ec] = std::from_chars(v.data(), end, out);
    if (ec != std::errc{} || p != end) return std::nullopt;
    return out;
}

std::optional<double> parseNumber(const std::string& v) {
    if (v.empty()) return std::nullopt;
    std::size_t used = 0;
    try {
        const double d = std::stod(v, &used);
        if (used != v.size() || !std::isfinite(d)) return std::nullopt;
        return d;
    } catch (...) {
        return std::nullopt;
    }
}

std::optional<bool> parseBool(const std::string& v) {
    if (v == "yes" || v == "true" || v == "1" || v == "on") return true;
    if (v == "no" || v == "false" || v == "0" || v == "off") return false;
    return std::nullopt;
}

std::optional<SeatChoice> parseChoice(const std::string& v) {
    if (v == "best") return SeatChoice::Best;
    if (v == "random") return SeatChoice::Random;
    if (v == "front") return SeatChoice::Front;
    if (v == "same") return SeatChoice::Same;
    if (v == "best-available") return SeatChoice::BestAvailable;
    return std::nullopt;
}

ParseError bad(const std::string& key, const std::string& value, const std::string& why) {
    return {"--" + key + " '" + value + "': " + why};
}

// "1-4" or "2": a range of integers.
std::optional<std::pair<long long, long long>> parseRange(const std::string& v) {
    const auto dash = v.find('-');
    if (dash == std::string::npos) {
        auto n = parseInt(v);
        if (!n) return std::nullopt;
        return std::pair{*n, *n};
    }
    auto a = parseInt(v.substr(0, dash)), b = parseInt(v.substr(dash + 1));
    if (!a || !b) return std::nullopt;
    return std::pair{*a, *b};
}

std::optional<ParseError> share(double& out, const std::string& key, const std::string& v) {
    auto d = parseNumber(v);
    if (!d || *d < 0 || *d > 1) return bad(key, v, "a share between 0 and 1");
    out = *d;
    return std::nullopt;
}

std::optional<ParseError> duration(std::chrono::milliseconds& out, const std::string& key, const std::string& v) {
    auto d = parseDuration(v);
    if (!d) return bad(key, v, "a duration such as 250ms, 2s, 1m");
    out = *d;
    return std::nullopt;
}

}  // namespace

std::optional<std::chrono::milliseconds> parseDuration(const std::string& text) {
    const std::string t = trim(text);
    std::size_t i = 0;
    while (i < t.size() && (std::isdigit(static_cast<unsigned char>(t[i])) || t[i] == '.')) ++i;
    auto n = parseNumber(t.substr(0, i));
    if (!n || *n < 0) return std::nullopt;
    const std::string unit = t.substr(i);
    double ms = 0;
    if (unit.empty() || unit == "ms")
        ms = *n;
    else if (unit == "s")
        ms = *n * 1000;
    else if (unit == "m")
        ms = *n * 60'000;
    else if (unit == "h")
        ms = *n * 3'600'000;
    else
        return std::nullopt;
    return std::chrono::milliseconds{static_cast<long long>(std::llround(ms))};
}

std::optional<ParseError> applySetting(Scenario& s, const std::string& key, const std::string& rawValue) {
    const std::string v = trim(rawValue);
    auto positive = [&](long long& out, long long min) -> std::optional<ParseError> {
        auto n = parseInt(v);
        if (!n || *n < min) return bad(key, v, "an integer >= " + std::to_string(min));
        out = *n;
        return std::nullopt;
    };
    auto positiveInt = [&](int& out, long long min, long long max) -> std::optional<ParseError> {
        auto n = parseInt(v);
        if (!n || *n < min || *n > max)
            return bad(key, v, "an integer in " + std::to_string(min) + "-" + std::to_string(max));
        out = static_cast<int>(*n);
        return std::nullopt;
    };
    if (isQueueSetting(key)) {
        if (auto why = applyQueueSetting(s.queue, key, v)) return bad(key, v, *why);
    } else if (key == "base") {
        std::string why;
        if (!parseBaseUrl(v, why)) return bad(key, v, "an http:// or https:// URL: " + why);
        s.baseUrl = v;
        while (!s.baseUrl.empty() && s.baseUrl.back() == '/') s.baseUrl.pop_back();
    } else if (key == "ca-file") {
        if (v.empty()) return bad(key, v, "the path of a PEM file of CA certificates");
        s.caFile = v;
    } else if (key == "insecure") {
        auto b = parseBool(v);
        if (!b) return bad(key, v, "yes or no");
        s.insecure = *b;
    } else if (key == "show") {
        s.showId = v;
    } else if (key == "seats") {
        return positive(s.seats, 1);
    } else if (key == "users") {
        return positive(s.users, 1);
    } else if (key == "arrival") {
        // instant[:WINDOW] | ramp[:DURATION] | rate[:PER_SECOND] | closed[:CONCURRENCY]
        const auto colon = v.find(':');
        const std::string kind = v.substr(0, colon), arg = colon == std::string::npos ? "" : v.substr(colon + 1);
        if (kind == "instant") {
            s.arrival = Arrival::Instant;
            if (!arg.empty()) return duration(s.window, key, arg);
        } else if (kind == "ramp") {
            s.arrival = Arrival::Ramp;
            if (!arg.empty()) return duration(s.ramp, key, arg);
        } else if (kind == "rate") {
            s.arrival = Arrival::Rate;
            if (!arg.empty()) {
                auto r = parseNumber(arg);
                if (!r || *r <= 0) return bad(key, v, "rate:PER_SECOND with a positive rate");
                s.rate = *r;
            }
        } else if (kind == "closed") {
            s.arrival = Arrival::Closed;
            if (!arg.empty()) {
                auto n = parseInt(arg);
                if (!n || *n < 1) return bad(key, v, "closed:CONCURRENCY with a positive number");
                s.concurrency = *n;
            }
        } else {
            return bad(key, v, "instant[:WINDOW], ramp[:DURATION], rate[:PER_SECOND] or closed[:USERS]");
        }
    } else if (key == "window") {
        return duration(s.window, key, v);
    } else if (key == "ramp") {
        return duration(s.ramp, key, v);
    } else if (key == "rate") {
        auto r = parseNumber(v);
        if (!r || *r <= 0) return bad(key, v, "a positive number of arrivals per second");
        s.rate = *r;
    } else if (key == "concurrency") {
        return positive(s.concurrency, 1);
    } else if (key == "group") {
        auto r = parseRange(v);
        if (!r || r->first < 1 || r->second > 6 || r->first > r->second)
            return bad(key, v, "a group size or range within 1-6, e.g. 2 or 1-4");
        s.groupMin = static_cast<int>(r->first), s.groupMax = static_cast<int>(r->second);
    } else if (key == "choice") {
        // best | random | front | same | best-available, or weighted: random:0.6,best-available:0.4
        std::vector<ChoiceWeight> out;
        std::stringstream in(v);
        std::string part;
        while (std::getline(in, part, ',')) {
            part = trim(part);
            const auto colon = part.find(':');
            auto c = parseChoice(part.substr(0, colon));
            if (!c) return bad(key, v, "best, random, front or same, optionally weighted: random:0.7,best:0.3");
            double w = 1.0;
            if (colon != std::string::npos) {
                auto d = parseNumber(part.substr(colon + 1));
                if (!d || *d <= 0) return bad(key, v, "weights must be positive numbers");
                w = *d;
            }
            out.push_back({*c, w});
        }
        if (out.empty()) return bad(key, v, "at least one seat choice");
        s.choices = std::move(out);
    } else if (key == "front-rows") {
        return positiveInt(s.frontRows, 1, 1000);
    } else if (key == "retries") {
        return positiveInt(s.retries, 0, 100);
    } else if (key == "live-map") {
        auto b = parseBool(v);
        if (!b) return bad(key, v, "yes or no");
        s.liveMap = *b;
    } else if (key == "refetch") {
        auto b = parseBool(v);
        if (!b) return bad(key, v, "yes or no");
        s.refetchOnConflict = *b;
    } else if (key == "abandon-hold") {
        return share(s.abandonHold, key, v);
    } else if (key == "abandon-order") {
        return share(s.abandonOrder, key, v);
    } else if (key == "cancel") {
        return share(s.cancel, key, v);
    } else if (key == "pay-via") {
        if (v == "auto")
            s.payVia = PayVia::Auto;
        else if (v == "provider")
            s.payVia = PayVia::Provider;
        else if (v == "confirm-payment")
            s.payVia = PayVia::ConfirmPayment;
        else
            return bad(key, v, "auto, provider or confirm-payment");
    } else if (key == "dev-webhook-secret") {
        s.devWebhookSecret = v;
    } else if (key == "pay-fail") {
        return share(s.payFail, key, v);
    } else if (key == "refund") {
        return share(s.refund, key, v);
    } else if (key == "pay-delay") {
        // 500ms or 200ms-2s: uniform in the range
        const auto dash = v.find('-');
        auto a = parseDuration(v.substr(0, dash));
        auto b = dash == std::string::npos ? a : parseDuration(v.substr(dash + 1));
        if (!a || !b || *a > *b) return bad(key, v, "a duration or a range such as 200ms-2s");
        s.payDelayMin = *a, s.payDelayMax = *b;
    } else if (key == "connections") {
        return positiveInt(s.connections, 1, 60000);
    } else if (key == "threads") {
        return positiveInt(s.threads, 1, 16);
    } else if (key == "timeout") {
        return duration(s.timeout, key, v);
    } else if (key == "expiry-wait") {
        return duration(s.expiryWait, key, v);
    } else if (key == "pending-grace") {
        return duration(s.pendingGrace, key, v);
    } else if (key == "secret") {
        s.secret = v;
    } else if (key == "tokens") {
        s.tokensFile = v;
    } else if (key == "pg") {
        s.postgresUrl = v;
    } else if (key == "metrics") {
        s.metricsUrl = v;
    } else if (key == "sqs-queue") {
        s.sqsQueue = v;
    } else if (key == "sqs-endpoint") {
        s.sqsEndpoint = v;
    } else if (key == "sqs-region") {
        s.sqsRegion = v;
    } else if (key == "report") {
        s.reportPath = v;
    } else if (key == "chart") {
        s.chartPath = v;
    } else if (key == "healthz") {
        return duration(s.healthz, key, v);
    } else if (key == "service-pid") {
        auto n = parseInt(v);
        if (!n || *n < 1) return bad(key, v, "a process id");
        s.servicePid = static_cast<int>(*n);
    } else if (key == "seed") {
        auto n = parseInt(v);
        if (!n || *n < 0) return bad(key, v, "a non-negative integer");
        s.seed = static_cast<unsigned long long>(*n);
    } else {
        return ParseError{"unknown setting '" + key + "'"};
    }
    return std::nullopt;
}

std::optional<ParseError> applyConfig(Scenario& s, const std::string& text) {
    std::stringstream in(text);
    std::string line;
    int n = 0;
    while (std::getline(in, line)) {
        ++n;
        const auto hash = line.find('#');
        if (hash != std::string::npos) line.resize(hash);
        line = trim(line);
        if (line.empty()) continue;
        const auto eq = line.find('=');
        if (eq == std::string::npos) return ParseError{"line " + std::to_string(n) + ": expected key = value"};
        if (auto e = applySetting(s, trim(line.substr(0, eq)), line.substr(eq + 1)))
            return ParseError{"line " + std::to_string(n) + ": " + e->message};
    }
    return std::nullopt;
}

std::optional<ParseError> validate(const Scenario& s) {
    if (s.abandonHold + s.abandonOrder + s.cancel > 1.0 + 1e-9)
        return ParseError{"--abandon-hold + --abandon-order + --cancel must not exceed 1"};
    if (s.payVia == PayVia::Provider && s.devWebhookSecret.empty())
        return ParseError{
            "paying through the dev provider signs its callbacks: give --dev-webhook-secret (or "
            "BOXOFFICE_PAYMENTS_DEV_WEBHOOK_SECRET), or --pay-via confirm-payment"};
    if (s.secret.empty() && s.tokensFile.empty())
        return ParseError{"give --secret (or BOXOFFICE_JWT_SECRET) to mint tokens, or --tokens FILE"};
    if (s.showId.empty() && s.secret.empty() && s.healthz.count() == 0)
        return ParseError{"creating a show needs --secret (an admin token); or give --show ID"};
    if (s.connections < s.threads) return ParseError{"--connections must be at least --threads"};
    if (s.insecure && !s.caFile.empty())
        return ParseError{"--insecure skips the verification that --ca-file configures: give one of them"};
    if (!s.sqsQueue.empty() && s.postgresUrl.empty())
        return ParseError{"--sqs-queue needs --pg: the outbox rows it checks are read in PostgreSQL"};
    if (s.queue.mode != QueueMode::Off && s.arrival == Arrival::Closed)
        return ParseError{
            "a queued crowd arrives instant, ramp or rate: closed-loop, only the first users would join before "
            "the opening"};
    if (s.queue.mode == QueueMode::Configure && s.secret.empty())
        return ParseError{"--waiting-room turns the show's room on as admin: it needs --secret"};
    if (auto why = validateQueue(s.queue)) return ParseError{*why};
    return std::nullopt;
}

PayVia effectivePayVia(const Scenario& s) {
    if (s.payVia != PayVia::Auto) return s.payVia;
    return s.devWebhookSecret.empty() ? PayVia::ConfirmPayment : PayVia::Provider;
}

std::string arrivalName(Arrival a) {
    switch (a) {
        case Arrival::Instant:
            return "instant";
        case Arrival::Ramp:
            return "ramp";
        case Arrival::Rate:
            return "rate";
        case Arrival::Closed:
            return "closed";
    }
    return "?";
}

std::string choiceName(SeatChoice c) {
    switch (c) {
        case SeatChoice::Best:
            return "best";
        case SeatChoice::Random:
            return "random";
        case SeatChoice::Front:
            return "front";
        case SeatChoice::Same:
            return "same";
        case SeatChoice::BestAvailable:
            return "best-available";
    }
    return "?";
}

std::string describe(const Scenario& s) {
    std::ostringstream o;
    o << (s.preset.empty() ? "custom" : s.preset) << ": " << s.users << " users, ";
    if (s.showId.empty())
        o << s.seats << " seats (new show)";
    else
        o << "show " << s.showId;
    o << ", arrival " << arrivalName(s.arrival);
    switch (s.arrival) {
        case Arrival::Instant:
            o << " within " << s.window.count() << " ms";
            break;
        case Arrival::Ramp:
            o << " over " << s.ramp.count() << " ms";
            break;
        case Arrival::Rate:
            o << " " << s.rate << "/s";
            break;
        case Arrival::Closed:
            o << " " << s.concurrency << " at a time";
            break;
    }
    o << ", groups " << s.groupMin << "-" << s.groupMax << ", choice ";
    for (std::size_t i = 0; i < s.choices.size(); ++i)
        o << (i ? "," : "") << choiceName(s.choices[i].choice) << ":" << s.choices[i].weight;
    o << ", retries " << s.retries << ", abandon hold/order " << s.abandonHold << "/" << s.abandonOrder << ", cancel "
      << s.cancel << ", pay via " << (effectivePayVia(s) == PayVia::Provider ? "provider" : "confirm-payment")
      << " (fail " << (effectivePayVia(s) == PayVia::Provider ? s.payFail : 0.0) << ", refund " << s.refund
      << "), pay delay " << s.payDelayMin.count() << "-" << s.payDelayMax.count() << " ms, " << s.connections
      << " connections" << describeQueue(s.queue);
    return o.str();
}

}  // namespace boxoffice::load
