#include "support/throwaway_redis.hpp"

#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <stdexcept>
#include <thread>
#include <utility>
#include <vector>

#include "storage/redis/redis_connection.hpp"
#include "support/test_env.hpp"

extern char** environ;

namespace boxoffice::testing {

ThrowawayRedis::ThrowawayRedis(std::vector<std::string> extra) : port_(freeLoopbackPort()), extra_(std::move(extra)) {
    std::string tmpl = (std::filesystem::temp_directory_path() / "bx-redis-XXXXXX").string();
    if (::mkdtemp(tmpl.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
    dir_ = tmpl;
    try {
        start();
    } catch (...) {
        std::error_code ignored;
        std::filesystem::remove_all(dir_, ignored);
        throw;
    }
}

redis::RedisOptions ThrowawayRedis::options() const {
    redis::RedisOptions o;
    o.endpoint.host = "127.0.0.1";
    o.endpoint.port = port_;
    o.connectTimeout = std::chrono::milliseconds(300);
    o.commandTimeout = std::chrono::milliseconds(300);
    return o;
}

ThrowawayRedis::~ThrowawayRedis() {
    stop();
    std::error_code ignored;
    std::filesystem::remove_all(dir_, ignored);
}

void ThrowawayRedis::start() {
    std::vector<std::string> args{"redis-server", "--bind",    "127.0.0.1",        "--port", std::to_string(port_),
                                  "--save",       "",          "--appendonly",     "no",     "--dir",
                                  dir_,           "--logfile", dir_ + "/redis.log"};
    args.insert(args.end(), extra_.begin(), extra_.end());
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    if (::posix_spawnp(&pid_, "redis-server", nullptr, nullptr, argv.data(), environ) != 0)
        throw std::runtime_error("cannot start redis-server");
    redis::RedisConnection probe(options());
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (std::chrono::steady_clock::now() < deadline) {
        if (auto r = probe.command({"PING"}); r && r->str == "PONG") return;
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    stop();
    throw std::runtime_error("redis-server on port " + std::to_string(port_) + " did not answer");
}

void ThrowawayRedis::stop() {
    if (pid_ <= 0) return;
    ::kill(pid_, SIGTERM);
    int status = 0;
    ::waitpid(pid_, &status, 0);
    pid_ = -1;
}

}  // namespace boxoffice::testing
