#pragma once
// The subcommands of the `boxoffice` executable, their arguments already read and checked by
// main.cpp. Each returns the process's exit code: 0 done, 1 a failure at run time (a database that
// cannot be reached, a migration refused), 2 a configuration error (BOXOFFICE_* variables).
#include "auth/jwt.hpp"

namespace boxoffice::app {

enum class MigrateAction { Up, Down, Status };

int runServe();
int runRelay();
/// `steps` counts only for Down: that many of the last applied migrations are reverted.
int runMigrate(MigrateAction action, int steps);
/// Creates (or reopens) the demo venue of `seats` seats, its event and a show on sale now.
int runSeedDemo(int seats);
/// `count` 0 mints one token for spec.userId; N mints one per line for ID-1 .. ID-N.
int runToken(auth::TokenSpec spec, int count);

}  // namespace boxoffice::app
