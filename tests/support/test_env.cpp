#include "support/test_env.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <soci/soci.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <random>
#include <stdexcept>

#include "storage/sql/database.hpp"
#include "util/random_id.hpp"

namespace boxoffice::testing {
namespace {

// Database names and directory names: lower-case letters, digits and '_' only.
std::string sanitize(const std::string& prefix) {
    std::string out;
    for (const char c : prefix) {
        if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) {
            out += c;
        } else if (c >= 'A' && c <= 'Z') {
            out += static_cast<char>(c - 'A' + 'a');
        } else {
            out += '_';
        }
    }
    if (out.empty() || (out[0] >= '0' && out[0] <= '9')) out = "t_" + out;
    return out.substr(0, 40);
}

TestEnv load() {
    const char* path = std::getenv("BOXOFFICE_TEST_ENV");
    if (path == nullptr || *path == '\0') {
        throw std::runtime_error(
            "BOXOFFICE_TEST_ENV is not set. Integration tests need real servers: run "
            "`scripts/test-servers.sh start /tmp/boxoffice-servers` and set "
            "BOXOFFICE_TEST_ENV=/tmp/boxoffice-servers/env (ctest does both)");
    }
    std::ifstream in(path);
    if (!in) {
        throw std::runtime_error(std::string("BOXOFFICE_TEST_ENV=") + path +
                                 " cannot be read; did `scripts/test-servers.sh start` succeed?");
    }
    std::map<std::string, std::string> values;
    std::string line;
    while (std::getline(in, line)) {
        if (!line.empty() && line.back() == '\r') line.pop_back();
        if (line.empty() || line[0] == '#') continue;
        const auto eq = line.find('=');
        if (eq == std::string::npos) continue;
        values[line.substr(0, eq)] = line.substr(eq + 1);
    }
    auto required = [&](const std::string& key) {
        const auto it = values.find(key);
        if (it == values.end() || it->second.empty()) {
            throw std::runtime_error(std::string("BOXOFFICE_TEST_ENV=") + path + " has no " + key + "= line");
        }
        return it->second;
    };
    TestEnv env;
    env.dir = values.count("DIR") > 0 ? values["DIR"] : std::filesystem::path(path).parent_path().string();
    env.pgUrl = required("PG_URL");
    env.redisUrl = required("REDIS_URL");
    env.redisTlsUrl = required("REDIS_TLS_URL");
    env.redisTlsCa = required("REDIS_TLS_CA");
    env.motoUrl = required("MOTO_URL");
    env.motoAccessKeyId = required("MOTO_ACCESS_KEY_ID");
    env.motoSecretAccessKey = required("MOTO_SECRET_ACCESS_KEY");
    env.motoRoleArn = required("MOTO_ROLE_ARN");
    return env;
}

// Replaces the database (path) part of a postgresql:// URL, keeping any query string.
std::string withDatabase(const std::string& url, const std::string& database) {
    const auto schemeEnd = url.find("://");
    if (schemeEnd == std::string::npos) throw std::runtime_error("not a URL: " + url);
    const auto query = url.find('?', schemeEnd + 3);
    const auto authorityEnd = std::min(url.find('/', schemeEnd + 3), query);
    const std::string head = url.substr(0, authorityEnd == std::string::npos ? url.size() : authorityEnd);
    const std::string tail = query == std::string::npos ? "" : url.substr(query);
    return head + "/" + database + tail;
}

}  // namespace

const TestEnv& TestEnv::get() {
    static const TestEnv env = load();
    return env;
}

std::string createPgDatabase(const std::string& prefix) {
    const TestEnv& env = TestEnv::get();
    const std::string name = sanitize(prefix) + "_" + util::randomHex(12);
    // Through Database, not a bare soci::session: SOCI 4.0.3 mangles a libpq URI that does not end
    // in key=value, and Database already knows how to hand it over.
    sql::DatabaseOptions options;
    options.url = env.pgUrl;
    options.poolSize = 1;
    std::unique_ptr<sql::Database> admin;
    try {
        admin = sql::Database::open(options);
    } catch (const std::exception& e) {
        throw std::runtime_error(std::string("cannot reach the test PostgreSQL (are the test servers running?): ") +
                                 e.what());
    }
    const auto created = admin->run([&](soci::session& s) { s << "CREATE DATABASE " + name; });
    if (!created.ok()) {
        throw std::runtime_error("cannot create test database " + name + ": " + created.error().internal);
    }
    return withDatabase(env.pgUrl, name);
}

std::string tempSqliteUrl(const std::string& prefix) {
    std::string pattern = (std::filesystem::temp_directory_path() / (sanitize(prefix) + "-XXXXXX")).string();
    if (mkdtemp(pattern.data()) == nullptr) {
        throw std::runtime_error("mkdtemp(" + pattern + ") failed");
    }
    return "sqlite3://" + pattern + "/db.sqlite";
}

int freeLoopbackPort() {
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a);
    socklen_t len = sizeof a;
    ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
    ::close(fd);
    return ntohs(a.sin_port);
}

}  // namespace boxoffice::testing
