#include "support/fake_stripe.hpp"

#include <algorithm>
#include <cctype>
#include <ctime>
#include <fstream>
#include <optional>
#include <stdexcept>

#include <nlohmann/json.hpp>

#include "util/hex.hpp"

namespace boxoffice::testing {
namespace {

TinyResponse stripeError(int status, const std::string& type, const std::string& param, const std::string& message) {
    nlohmann::json error = {{"type", type}, {"message", message}};
    if (!param.empty()) error["param"] = param;  // Stripe leaves it out when no parameter is to blame
    return {status, "application/json", nlohmann::json{{"error", error}}.dump()};
}

// metadata[NAME]=VALUE pairs as the object Stripe answers them in.
nlohmann::json metadataOf(const std::map<std::string, std::string>& form) {
    nlohmann::json out = nlohmann::json::object();
    for (const auto& [k, v] : form)
        if (k.rfind("metadata[", 0) == 0 && k.back() == ']') out[k.substr(9, k.size() - 10)] = v;
    return out;
}

// The parameters of an endpoint the fake implements; any other one Stripe may know, the fake does not.
std::optional<TinyResponse> unknownParameter(const std::map<std::string, std::string>& form,
                                             std::initializer_list<const char*> known) {
    for (const auto& [k, v] : form) {
        if (k.rfind("metadata[", 0) == 0) continue;
        if (std::none_of(known.begin(), known.end(), [&](const char* name) { return k == name; }))
            return stripeError(400, "invalid_request_error", k, "Received unknown parameter: " + k);
    }
    return std::nullopt;
}

std::map<std::string, std::string> parseForm(const std::string& body, bool& ok) {
    std::map<std::string, std::string> out;
    ok = true;
    std::size_t pos = 0;
    while (pos <= body.size() && !body.empty()) {
        const auto amp = body.find('&', pos);
        const std::string pair = body.substr(pos, amp == std::string::npos ? std::string::npos : amp - pos);
        const auto eq = pair.find('=');
        auto key = util::percentDecode(pair.substr(0, eq), true);
        auto value = util::percentDecode(eq == std::string::npos ? "" : pair.substr(eq + 1), true);
        if (!key || !value || eq == std::string::npos) ok = false;
        if (key && value) out[*key] = *value;
        if (amp == std::string::npos) break;
        pos = amp + 1;
    }
    return out;
}

bool positiveInteger(const std::string& s) {
    if (s.empty() || s.size() > 12) return false;
    for (char c : s)
        if (!std::isdigit(static_cast<unsigned char>(c))) return false;
    return true;
}

}  // namespace

FakeStripe::FakeStripe(std::string secretKey)
    : secretKey_(std::move(secretKey)), server_([this](const TinyRequest& r) { return handle(r); }) {}

std::vector<TinyRequest> FakeStripe::requests() const {
    std::lock_guard lock(mu_);
    std::vector<TinyRequest> out;
    for (const auto& e : exchanges_) out.push_back(e.request);
    return out;
}

std::vector<FakeStripe::Intent> FakeStripe::intents() const {
    std::lock_guard lock(mu_);
    std::vector<Intent> out;
    for (const auto& [id, i] : intents_) out.push_back(i);
    return out;
}

void FakeStripe::writeRecording(const std::string& file) const {
    std::lock_guard lock(mu_);
    auto exchanges = nlohmann::json::array();
    for (const auto& [req, res] : exchanges_) {
        bool ok = true;
        const auto path = req.target.substr(0, req.target.find('?'));
        exchanges.push_back(
            {{"request",
              {{"method", req.method},
               {"path", path},
               {"headers", req.headers},
               {"body", req.body},
               {"form", parseForm(req.body, ok)}}},
             {"response", {{"status", res.status}, {"contentType", res.contentType}, {"body", res.body}}}});
    }
    std::ofstream out(file, std::ios::binary | std::ios::trunc);
    out << nlohmann::json{{"exchanges", exchanges}}.dump(2) << '\n';
    if (!out.flush()) throw std::runtime_error("cannot write " + file);
}

TinyResponse FakeStripe::handle(const TinyRequest& req) {
    std::lock_guard lock(mu_);
    TinyResponse res = answer(req);
    exchanges_.push_back({req, res});
    return res;
}

TinyResponse FakeStripe::answer(const TinyRequest& req) {
    if (failNext_ > 0) {
        --failNext_;
        return stripeError(500, "api_error", "", "fake outage");
    }
    auto auth = req.headers.find("authorization");
    if (auth == req.headers.end() || auth->second != "Bearer " + secretKey_)
        return stripeError(401, "invalid_request_error", "", "Invalid API Key provided");
    if (req.method != "POST") return stripeError(405, "invalid_request_error", "", "method");
    auto ct = req.headers.find("content-type");
    if (ct == req.headers.end() || ct->second.rfind("application/x-www-form-urlencoded", 0) != 0)
        return stripeError(400, "invalid_request_error", "", "form encoding expected");
    auto key = req.headers.find("idempotency-key");
    if (key == req.headers.end() || key->second.empty())
        return stripeError(400, "invalid_request_error", "", "the service always sends an Idempotency-Key");
    bool ok = true;
    const auto form = parseForm(req.body, ok);
    if (!ok) return stripeError(400, "invalid_request_error", "", "malformed form body");
    // Stripe compares every reuse of a key with the first request and refuses one with other
    // parameters (its docs, "Idempotent requests"); the fake takes another endpoint as a difference
    // too (the docs do not say; the service never reuses a key across endpoints).
    if (auto seen = idempotent_.find(key->second); seen != idempotent_.end()) {
        if (seen->second.target == req.target && seen->second.form == form) return seen->second.response;
        return stripeError(400, "idempotency_error", "",
                           "Keys for idempotent requests can only be used with the same parameters and endpoint "
                           "they were first used with. Try using a key other than '" +
                               key->second + "' if you meant to execute a different request.");
    }
    TinyResponse res;
    if (req.target == "/v1/payment_intents")
        res = createIntent(form);
    else if (req.target == "/v1/refunds")
        res = createRefund(form);
    else
        return stripeError(404, "invalid_request_error", "", "Unrecognized request URL");
    // Stripe saves no answer for a request refused before the endpoint ran (a bad parameter), which
    // is what every refusal of the fake is; failNext() plays an outage in front of Stripe, never saved.
    if (res.status == 200) idempotent_[key->second] = {req.target, form, res};
    return res;
}

TinyResponse FakeStripe::createIntent(const Form& form) {
    if (auto refused = unknownParameter(form, {"amount", "currency"})) return *refused;
    auto amount = form.find("amount");
    if (amount == form.end() || !positiveInteger(amount->second))
        return stripeError(400, "invalid_request_error", "amount", "Invalid integer");
    auto currency = form.find("currency");
    if (currency == form.end() || currency->second.size() != 3 ||
        std::any_of(currency->second.begin(), currency->second.end(), [](char c) { return !std::islower(c); }))
        return stripeError(400, "invalid_request_error", "currency", "Invalid currency");
    Intent i;
    i.id = "pi_fake" + std::to_string(++next_);
    i.amount = std::stoll(amount->second);
    i.currency = currency->second;
    if (auto o = form.find("metadata[order_id]"); o != form.end()) i.orderId = o->second;
    intents_[i.id] = i;
    // Every field spec3.json requires of a payment_intent, and those the service reads (client_secret).
    nlohmann::json body = {{"id", i.id},
                           {"object", "payment_intent"},
                           {"amount", i.amount},
                           {"amount_capturable", 0},
                           {"amount_received", 0},
                           {"capture_method", "automatic"},
                           {"client_secret", i.id + "_secret_fake"},
                           {"confirmation_method", "automatic"},
                           {"created", static_cast<long long>(std::time(nullptr))},
                           {"currency", i.currency},
                           {"livemode", false},
                           {"metadata", metadataOf(form)},
                           {"payment_method_types", nlohmann::json::array({"card"})},
                           {"status", "requires_payment_method"}};
    return {200, "application/json", body.dump()};
}

TinyResponse FakeStripe::createRefund(const Form& form) {
    if (auto refused = unknownParameter(form, {"payment_intent", "amount"})) return *refused;
    auto pi = form.find("payment_intent");
    if (pi == form.end() || !intents_.count(pi->second))
        return stripeError(400, "invalid_request_error", "payment_intent", "No such payment_intent");
    Intent& i = intents_[pi->second];
    long long amount = i.amount - i.refunded;
    if (auto a = form.find("amount"); a != form.end()) {
        if (!positiveInteger(a->second)) return stripeError(400, "invalid_request_error", "amount", "Invalid integer");
        amount = std::stoll(a->second);
    }
    if (amount <= 0 || amount > i.amount - i.refunded)
        return stripeError(400, "invalid_request_error", "amount", "Refund amount is greater than unrefunded amount");
    i.refunded += amount;
    nlohmann::json body = {{"id", "re_fake" + std::to_string(++next_)},
                           {"object", "refund"},
                           {"amount", amount},
                           {"created", static_cast<long long>(std::time(nullptr))},
                           {"currency", i.currency},
                           {"metadata", metadataOf(form)},
                           {"payment_intent", i.id},
                           {"status", "succeeded"}};
    return {200, "application/json", body.dump()};
}

}  // namespace boxoffice::testing
