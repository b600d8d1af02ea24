#pragma once
// What is running: the project version and the git commit it was configured from ("unknown"
// outside a git checkout). Only build_info.cpp sees the commit, so a new commit rebuilds one file.
namespace boxoffice::metrics {

const char* buildVersion();
const char* buildCommit();

}  // namespace boxoffice::metrics
