#pragma once
// Route table: method + path template ("/v1/shows/{id}/seatmap") -> access rule + handler.
#include <functional>
#include <string>
#include <vector>

#include "domain/result.hpp"
#include "http/message.hpp"

namespace boxoffice::http {

// Staff: door staff (role staff) or an admin.
enum class Access { Public, User, Staff, Admin };

/// Where a handler runs. Reactor threads must never wait on a dependency, so only trivial
/// handlers run there; Redis-only paths (holds, seat maps) get their own lane so that a slow
/// database, which can tie up every Database worker until its deadlines fire, cannot stall them.
enum class Lane { Reactor, Fast, Database };

/// Expected failures come back as errors; the server turns them into problem responses.
using Handler = std::function<Result<Response>(const Request&)>;

/// Answers a request later, from any thread. Called exactly once.
using Responder = std::function<void(Result<Response>)>;
/// Runs `handler` for this request on the route's lane (where waiting is allowed) and answers with it.
using Deferrer = std::function<void(Handler handler)>;
/// A handler that runs on a reactor thread and must not wait on anything: it answers through
/// `respond` (possibly from another thread) or hands the request to `defer`.
using AsyncHandler = std::function<void(const Request&, Responder respond, const Deferrer& defer)>;

struct Route {
    Method method;
    std::string pattern;  // the template, also the `route` label of logs and metrics
    Access access;
    Handler handler;
    Lane lane = Lane::Database;
    std::vector<std::string> segments;
    AsyncHandler async;  // when set, used instead of `handler` (which still serves defer())
};

struct RouteMatch {
    const Route* route = nullptr;  // null: no route for this method
    bool pathKnown = false;        // some route matches the path (so 405, not 404)
    std::vector<Method> allowed;   // methods registered for the path
};

class Router {
public:
    void add(Method method, std::string pattern, Access access, Handler handler, Lane lane = Lane::Database);
    /// A route whose requests start on the reactor (`async`) and fall back to `handler` on `lane`.
    void addAsync(Method method, std::string pattern, Access access, AsyncHandler async, Lane lane);
    /// Fills `params` on a match. Literal segments win over `{param}` segments.
    RouteMatch match(Method method, std::string_view path, std::unordered_map<std::string, std::string>& params) const;
    const std::vector<Route>& routes() const { return routes_; }

private:
    std::vector<Route> routes_;
};

}  // namespace boxoffice::http
