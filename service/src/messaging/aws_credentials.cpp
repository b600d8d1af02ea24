#include "messaging/aws_credentials.hpp"

#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "util/rfc3339.hpp"
#include "messaging/curl_http.hpp"

namespace boxoffice::messaging {
namespace {

Error unavailable(std::string internal) {
    return Error::of(ErrorCode::DependencyUnavailable, "AWS credentials unavailable", std::move(internal));
}

Result<std::string> readFile(const std::string& path) {
    std::ifstream in(path);
    if (!in) return unavailable("cannot read " + path);
    std::ostringstream s;
    s << in.rdbuf();
    std::string text = s.str();
    while (!text.empty() && (text.back() == '\n' || text.back() == '\r' || text.back() == ' ')) text.pop_back();
    if (text.empty()) return unavailable(path + " is empty");
    return text;
}

Error fromResponse(const char* what, const HttpResponse& r) {
    if (r.status == 0) {
        Error e = unavailable(std::string(what) + ": " + r.transportError);
        if (r.timedOut) e.code = ErrorCode::DependencyTimeout;
        return e;
    }
    // The body of an error names the reason (InvalidIdentityToken, AccessDenied); it holds no secret.
    return unavailable(std::string(what) + " answered " + std::to_string(r.status) + ": " + r.body.substr(0, 300));
}

class StaticFetcher final : public CredentialsFetcher {
public:
    explicit StaticFetcher(const AwsCredentialSettings& s)
        : credentials_{s.accessKeyId, s.secretAccessKey, s.sessionToken, 0} {}
    Result<AwsCredentials> fetch() override { return credentials_; }

private:
    AwsCredentials credentials_;
};

class ContainerFetcher final : public CredentialsFetcher {
public:
    explicit ContainerFetcher(const AwsCredentialSettings& s) : s_(s) {}
    Result<AwsCredentials> fetch() override {
        HttpRequest req;
        req.url = s_.containerFullUri.empty() ? "http://169.254.170.2" + s_.containerRelativeUri : s_.containerFullUri;
        req.connectTimeout = s_.connectTimeout;
        req.timeout = s_.timeout;
        // The token file is re-read on every fetch: the agent rotates it.
        std::string token = s_.containerAuthToken;
        if (!s_.containerAuthTokenFile.empty()) {
            auto t = readFile(s_.containerAuthTokenFile);
            if (!t) return std::move(t).error();
            token = *t;
        }
        if (!token.empty()) req.headers.push_back("Authorization: " + token);
        auto r = perform(req);
        if (r.status != 200) return fromResponse("the container credentials endpoint", r);
        return parseContainerCredentials(r.body);
    }

private:
    AwsCredentialSettings s_;
};

class WebIdentityFetcher final : public CredentialsFetcher {
public:
    explicit WebIdentityFetcher(const AwsCredentialSettings& s) : s_(s) {}
    Result<AwsCredentials> fetch() override {
        // Re-read every time: the kubelet rotates the projected token.
        auto token = readFile(s_.webIdentityTokenFile);
        if (!token) return std::move(token).error();
        HttpRequest req;
        req.method = "POST";
        req.url = s_.stsEndpoint.empty() ? "https://sts." + s_.region + ".amazonaws.com/" : s_.stsEndpoint;
        req.headers = {"Content-Type: application/x-www-form-urlencoded; charset=utf-8"};
        req.body = "Action=AssumeRoleWithWebIdentity&Version=2011-06-15&DurationSeconds=3600&RoleArn=" +
                   formEncode(s_.roleArn) + "&RoleSessionName=" + formEncode(s_.roleSessionName) +
                   "&WebIdentityToken=" + formEncode(*token);
        req.connectTimeout = s_.connectTimeout;
        req.timeout = s_.timeout;
        auto r = perform(req);
        if (r.status != 200) return fromResponse("STS AssumeRoleWithWebIdentity", r);
        return parseAssumeRoleResponse(r.body);
    }

private:
    AwsCredentialSettings s_;
};

// The text of the first <tag>...</tag>, XML entities decoded. STS's response is a fixed,
// flat document of AWS's own; these four fields are all we read from it.
std::optional<std::string> xmlText(const std::string& xml, const std::string& tag) {
    const std::string open = "<" + tag + ">", close = "</" + tag + ">";
    const auto b = xml.find(open);
    if (b == std::string::npos) return std::nullopt;
    const auto e = xml.find(close, b + open.size());
    if (e == std::string::npos) return std::nullopt;
    const std::string raw = xml.substr(b + open.size(), e - b - open.size());
    std::string out;
    for (std::size_t i = 0; i < raw.size(); ++i) {
        if (raw[i] != '&') {
            out += raw[i];
            continue;
        }
        static const std::pair<const char*, char> kEntities[] = {
            {"&amp;", '&'}, {"&lt;", '<'}, {"&gt;", '>'}, {"&quot;", '"'}, {"&apos;", '\''}};
        bool matched = false;
        for (const auto& [name, ch] : kEntities) {
            if (raw.compare(i, std::char_traits<char>::length(name), name) == 0) {
                out += ch;
                i += std::char_traits<char>::length(name) - 1;
                matched = true;
                break;
            }
        }
        if (!matched) out += '&';
    }
    return out;
}

}  // namespace

CredentialSource pickSource(const AwsCredentialSettings& s) {
    if (!s.accessKeyId.empty()) return CredentialSource::Static;
    if (!s.webIdentityTokenFile.empty()) return CredentialSource::WebIdentity;
    if (!s.containerRelativeUri.empty() || !s.containerFullUri.empty()) return CredentialSource::Container;
    return CredentialSource::None;
}

const char* sourceName(CredentialSource s) {
    switch (s) {
        case CredentialSource::Static:
            return "environment";
        case CredentialSource::WebIdentity:
            return "web-identity";
        case CredentialSource::Container:
            return "container";
        case CredentialSource::None:
            break;
    }
    return "none";
}

std::unique_ptr<CredentialsFetcher> makeFetcher(const AwsCredentialSettings& settings) {
    switch (pickSource(settings)) {
        case CredentialSource::Static:
            return std::make_unique<StaticFetcher>(settings);
        case CredentialSource::WebIdentity:
            return std::make_unique<WebIdentityFetcher>(settings);
        case CredentialSource::Container:
            return std::make_unique<ContainerFetcher>(settings);
        case CredentialSource::None:
            break;
    }
    return nullptr;
}

Result<AwsCredentials> parseContainerCredentials(const std::string& body) {
    auto j = nlohmann::json::parse(body, nullptr, false);
    if (j.is_discarded() || !j.is_object()) return unavailable("container credentials: not a JSON object");
    auto field = [&](const char* name) -> std::string {
        auto it = j.find(name);
        return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
    };
    AwsCredentials c{field("AccessKeyId"), field("SecretAccessKey"), field("Token"), 0};
    if (c.accessKeyId.empty() || c.secretAccessKey.empty())
        return unavailable("container credentials: AccessKeyId or SecretAccessKey missing");
    if (const std::string exp = field("Expiration"); !exp.empty()) {
        auto at = parseRfc3339(exp);
        if (!at) return unavailable("container credentials: Expiration is not RFC 3339");
        c.expiresAt = *at;
    }
    return c;
}

Result<AwsCredentials> parseAssumeRoleResponse(const std::string& body) {
    AwsCredentials c;
    auto key = xmlText(body, "AccessKeyId"), secret = xmlText(body, "SecretAccessKey"),
         token = xmlText(body, "SessionToken"), exp = xmlText(body, "Expiration");
    if (!key || !secret || !token || key->empty() || secret->empty())
        return unavailable("STS response without credentials");
    c.accessKeyId = *key;
    c.secretAccessKey = *secret;
    c.sessionToken = *token;
    if (exp) {
        auto at = parseRfc3339(*exp);
        if (!at) return unavailable("STS response: Expiration is not RFC 3339");
        c.expiresAt = *at;
    }
    return c;
}

CredentialsCache::CredentialsCache(std::unique_ptr<CredentialsFetcher> fetcher, const Clock& clock,
                                   std::chrono::milliseconds refreshAhead)
    : fetcher_(std::move(fetcher)), clock_(clock), refreshAhead_(refreshAhead) {}

Result<AwsCredentials> CredentialsCache::get() {
    std::lock_guard lock(mu_);
    const EpochMs now = clock_.nowMs();
    if (cached_ && (cached_->expiresAt == 0 || now < refreshAt_)) return *cached_;
    auto fresh = fetcher_->fetch();
    if (!fresh) {
        // A failed refresh must not stop publishing while the old credentials are still good.
        if (cached_ && now < cached_->expiresAt) return *cached_;
        return fresh;
    }
    cached_ = *fresh;
    if (fresh->expiresAt != 0) {
        const EpochMs life = fresh->expiresAt - now;
        const EpochMs ahead = std::min<EpochMs>(refreshAhead_.count(), life / 2);
        refreshAt_ = fresh->expiresAt - std::max<EpochMs>(ahead, 0);
    }
    return *cached_;
}

void CredentialsCache::invalidate() {
    std::lock_guard lock(mu_);
    cached_.reset();
}

}  // namespace boxoffice::messaging
