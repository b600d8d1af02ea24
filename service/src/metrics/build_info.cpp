#include "metrics/build_info.hpp"

#ifndef BOXOFFICE_COMMIT
#define BOXOFFICE_COMMIT "unknown"
#endif

namespace boxoffice::metrics {

const char* buildVersion() {
    return BOXOFFICE_VERSION;
}

const char* buildCommit() {
    return BOXOFFICE_COMMIT;
}

}  // namespace boxoffice::metrics
