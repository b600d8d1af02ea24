// boxoffice: reserved-seat flash sales. This file only reads the command line (CLI11) and calls one
// subcommand of app/commands.hpp; the service's object graph is wired in app/application.cpp.
// Configuration stays in BOXOFFICE_* variables: the command line only chooses what to run.
#include <CLI/CLI.hpp>

#include <algorithm>
#include <chrono>
#include <iostream>
#include <limits>
#include <string>

#include "app/cli_decimal.hpp"
#include "app/commands.hpp"
#include "metrics/build_info.hpp"
#include "util/duration.hpp"

namespace {

using boxoffice::app::MigrateAction;

using boxoffice::cli::kDecimal;

std::string innermostCommand(const CLI::App& app) {
    std::string path = app.get_name();
    for (const CLI::App* at = &app; !at->get_subcommands().empty();) {
        at = at->get_subcommands().front();
        path += " " + at->get_name();
    }
    return path;
}

}  // namespace

int main(int argc, char** argv) {
    namespace app = boxoffice::app;
    CLI::App cli("boxoffice: reserved-seat flash sales. Configured by BOXOFFICE_* environment variables.", "boxoffice");
    cli.set_version_flag("--version", std::string("boxoffice ") + boxoffice::metrics::buildVersion() + " (commit " +
                                          boxoffice::metrics::buildCommit() + ")");
    // A repeated option takes its last value, as the hand-written parser did.
    cli.option_defaults()->multi_option_policy(CLI::MultiOptionPolicy::TakeLast);
    cli.require_subcommand(0, 1);

    auto* serve =
        cli.add_subcommand("serve", "run the HTTP service (and the outbox relay when BOXOFFICE_SQS_QUEUE_URL is set)");
    auto* relay = cli.add_subcommand(
        "relay", "only the outbox relay, to BOXOFFICE_SQS_QUEUE_URL (no HTTP API; metrics on BOXOFFICE_METRICS_PORT)");

    auto* migrate = cli.add_subcommand("migrate", "apply, revert or list schema migrations (default: up)");
    migrate->require_subcommand(0, 1);
    migrate->add_subcommand("up", "apply every pending migration");  // also what `migrate` alone does
    auto* migrateDown = migrate->add_subcommand("down", "revert the last N applied migrations");
    int steps = 1;
    migrateDown->add_option("N", steps, "how many to revert (more than are applied reverts them all)")
        ->required()
        ->transform(kDecimal)
        ->check(CLI::Range(1, std::numeric_limits<int>::max()).description("at least 1"));
    auto* migrateStatus = migrate->add_subcommand("status", "list the migrations, applied, pending or CHANGED");

    auto* seed = cli.add_subcommand("seed", "create a demo arena, event and a show on sale now; prints the show id");
    int seats = 20000;
    bool demo = false;
    seed->add_flag("--demo", demo, "the demo data set (the only one)")->required();
    seed->add_option("--seats", seats, "seats in the venue")
        ->capture_default_str()
        ->transform(kDecimal)
        ->check(CLI::Range(1, 200000).description("1 to 200000"));

    auto* token = cli.add_subcommand("token", "mint a JWT signed with BOXOFFICE_JWT_SECRET, printed on stdout");
    boxoffice::auth::TokenSpec spec;
    std::string role = "user";
    std::string ttl = "1h";
    int count = 0;
    token->add_option("--user", spec.userId, "the token's subject (sub), at most 128 characters")
        ->required()
        ->check(CLI::Validator(
            [](const std::string& id) { return !id.empty() && id.size() <= 128 ? "" : "1 to 128 characters"; }, "ID"));
    token->add_option("--role", role, "user, staff or admin")
        ->capture_default_str()
        ->check(CLI::Validator(
            [](const std::string& r) { return boxoffice::auth::parseRole(r) ? "" : "must be user, staff or admin"; },
            "ROLE"));
    token->add_option("--ttl", ttl, "lifetime, at least 1s: 90s, 15m, 1h, 7d")
        ->capture_default_str()
        ->check(CLI::Validator(
            [](const std::string& d) {
                const auto ms = boxoffice::parseDurationMs(d);
                return ms && *ms >= 1000 ? "" : "must be a duration of at least 1s, such as 90s, 15m, 1h, 7d";
            },
            "DURATION"));
    token->add_option("--count", count, "mint N tokens, for users ID-1 .. ID-N, one per line")
        ->transform(kDecimal)
        ->check(CLI::Range(1, 1'000'000).description("1 to 1000000"));

    // `help` was a command of the hand-written parser: kept, out of the listing.
    auto* help = cli.add_subcommand("help", "")->group("");

    try {
        cli.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        if (e.get_exit_code() == 0) return cli.exit(e);  // --help, --version: on stdout
        std::cerr << "boxoffice: " << e.what() << "\n"
                  << "Run '" << innermostCommand(cli) << " --help' for usage.\n";
        return 2;
    }

    if (*serve) return app::runServe();
    if (*relay) return app::runRelay();
    if (*migrate) {
        if (*migrateDown) return app::runMigrate(MigrateAction::Down, steps);
        if (*migrateStatus) return app::runMigrate(MigrateAction::Status, 0);
        return app::runMigrate(MigrateAction::Up, 0);
    }
    if (*seed) return app::runSeedDemo(seats);
    if (*token) {
        spec.role = *boxoffice::auth::parseRole(role);
        spec.ttl = std::chrono::seconds(*boxoffice::parseDurationMs(ttl) / 1000);
        return app::runToken(spec, count);
    }
    if (*help) {
        // Not cli.help(): that describes the selected subcommand, `help` itself.
        std::cout << cli.get_formatter()->make_help(&cli, cli.get_name(), CLI::AppFormatMode::Normal);
        return 0;
    }
    // No subcommand: the usage, as an error (a bare `boxoffice` is almost always a mistake in a script).
    std::cerr << cli.help();
    return 2;
}
