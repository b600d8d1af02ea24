#include "http/router.hpp"

#include <algorithm>

namespace boxoffice::http {
namespace {

std::vector<std::string_view> split(std::string_view path) {
    std::vector<std::string_view> out;
    std::size_t i = 0;
    while (i <= path.size()) {
        std::size_t j = path.find('/', i);
        if (j == std::string_view::npos) j = path.size();
        if (j > i) out.push_back(path.substr(i, j - i));
        i = j + 1;
    }
    return out;
}

bool isParam(const std::string& seg) {
    return seg.size() > 2 && seg.front() == '{' && seg.back() == '}';
}

}  // namespace

std::string_view methodName(Method m) {
    switch (m) {
        case Method::Get:
            return "GET";
        case Method::Post:
            return "POST";
        case Method::Put:
            return "PUT";
        case Method::Patch:
            return "PATCH";
        case Method::Delete:
            return "DELETE";
        case Method::Head:
            return "HEAD";
        case Method::Options:
            return "OPTIONS";
        case Method::Other:
            return "OTHER";
    }
    return "OTHER";
}

const std::string& Request::param(const std::string& name) const {
    static const std::string empty;
    auto it = pathParams.find(name);
    return it == pathParams.end() ? empty : it->second;
}

std::optional<std::string> Request::queryValue(const std::string& name) const {
    auto it = query.find(name);
    if (it == query.end()) return std::nullopt;
    return it->second;
}

std::optional<std::string> Request::header(const std::string& lowerName) const {
    auto it = headers.find(lowerName);
    if (it == headers.end()) return std::nullopt;
    return it->second;
}

void Router::add(Method method, std::string pattern, Access access, Handler handler, Lane lane) {
    Route r{method, pattern, access, std::move(handler), lane, {}, {}};
    for (auto s : split(pattern)) r.segments.emplace_back(s);
    routes_.push_back(std::move(r));
}

void Router::addAsync(Method method, std::string pattern, Access access, AsyncHandler async, Lane lane) {
    add(method, std::move(pattern), access, {}, lane);
    routes_.back().async = std::move(async);
}

RouteMatch Router::match(Method method, std::string_view path,
                         std::unordered_map<std::string, std::string>& params) const {
    RouteMatch result;
    const auto segs = split(path);
    int bestScore = -1;
    for (const auto& r : routes_) {
        if (r.segments.size() != segs.size()) continue;
        int score = 0;
        bool ok = true;
        for (std::size_t i = 0; i < segs.size() && ok; ++i) {
            if (isParam(r.segments[i])) continue;
            if (r.segments[i] != segs[i])
                ok = false;
            else
                ++score;
        }
        if (!ok) continue;
        result.pathKnown = true;
        if (std::find(result.allowed.begin(), result.allowed.end(), r.method) == result.allowed.end())
            result.allowed.push_back(r.method);
        if (r.method == method && score > bestScore) {
            bestScore = score;
            result.route = &r;
        }
    }
    if (result.route) {
        params.clear();
        for (std::size_t i = 0; i < segs.size(); ++i)
            if (isParam(result.route->segments[i]))
                params.emplace(result.route->segments[i].substr(1, result.route->segments[i].size() - 2),
                               std::string(segs[i]));
    }
    return result;
}

}  // namespace boxoffice::http
