#pragma once
// Times one dependency call and records it with its outcome.
#include <chrono>

#include "metrics/metrics.hpp"

namespace boxoffice::metrics {

class Stopwatch {
public:
    double seconds() const { return std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count(); }

private:
    std::chrono::steady_clock::time_point start_ = std::chrono::steady_clock::now();
};

/// Records one call of `op` with the outcome of `result` (a Result<T>).
template <class R>
void note(const DependencyOp& op, const Stopwatch& watch, const R& result) {
    op.observe(watch.seconds(), result ? nullptr : &result.error());
}

template <class R>
R record(const DependencyOp& op, const Stopwatch& watch, R result) {
    note(op, watch, result);
    return result;
}

}  // namespace boxoffice::metrics
