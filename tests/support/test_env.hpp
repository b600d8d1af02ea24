#pragma once
// Where the real servers started by scripts/test-servers.sh listen. ctest passes the env file's path
// in BOXOFFICE_TEST_ENV; integration tests fail (never skip) when it is missing.
#include <string>

namespace boxoffice::testing {

struct TestEnv {
    std::string dir;          // the servers' directory (logs, TLS material)
    std::string pgUrl;        // postgresql://app@127.0.0.1:PORT/postgres (superuser "app", trust auth)
    std::string redisUrl;     // redis://127.0.0.1:PORT
    std::string redisTlsUrl;  // rediss://:PASSWORD@127.0.0.1:PORT (TLS + requirepass, like ElastiCache)
    std::string redisTlsCa;   // CA certificate that signed the TLS server's certificate
    // moto_server with signature checking on: an IAM user's keys, and a role for web identities.
    std::string motoUrl;  // http://127.0.0.1:PORT
    std::string motoAccessKeyId;
    std::string motoSecretAccessKey;
    std::string motoRoleArn;

    /// Reads $BOXOFFICE_TEST_ENV once; throws std::runtime_error with a clear message when unset/unreadable.
    static const TestEnv& get();
};

/// Creates a fresh, empty PostgreSQL database with a unique name (prefix + random suffix) and
/// returns its URL. Each test gets its own database so tests may run in parallel.
std::string createPgDatabase(const std::string& prefix);

/// A TCP port on 127.0.0.1 that was free a moment ago (bind port 0 and read it back).
int freeLoopbackPort();

/// A unique SQLite URL (`sqlite3:///tmp/...db`) in a fresh temporary directory.
std::string tempSqliteUrl(const std::string& prefix);

}  // namespace boxoffice::testing
