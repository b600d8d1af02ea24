#include "common/cli_app.hpp"

#include <ostream>

namespace boxoffice::load {

void setUpCliApp(CLI::App& app) {
    app.set_version_flag("--version", app.get_name() + " " + BOXOFFICE_VERSION);
    app.option_defaults()->multi_option_policy(CLI::MultiOptionPolicy::TakeLast);
    app.get_formatter()->column_width(26);
}

std::optional<int> parseArguments(CLI::App& app, const std::vector<std::string>& args, std::ostream& out,
                                  std::ostream& err) {
    // CLI11 takes a vector of arguments last first (it pops them off the back).
    std::vector<std::string> reversed(args.rbegin(), args.rend());
    try {
        app.parse(reversed);
    } catch (const CLI::ParseError& e) {
        if (e.get_exit_code() == 0) return app.exit(e, out, err);  // --help, --version
        return usageError(app, e.what(), err);
    }
    return std::nullopt;
}

int usageError(const CLI::App& app, const std::string& message, std::ostream& err) {
    err << app.get_name() << ": " << message << "\n\n" << app.help();
    return 2;
}

}  // namespace boxoffice::load
