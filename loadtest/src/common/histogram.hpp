#pragma once
// A latency histogram with log buckets (HdrHistogram-like): exact below 32 us, then 32 sub-buckets
// per power of two (at most ~3% relative error), so recording is O(1), merging is a sum and memory
// is fixed (~10 KB) however many samples a flash sale produces.

#include <array>
#include <cstdint>

namespace boxoffice::load {

class Histogram {
public:
    static constexpr int kSubBits = 5;
    static constexpr int kSub = 1 << kSubBits;
    static constexpr int kMaxExponent = 40;  // 2^40 us ~ 12 days: nothing a sale produces is larger
    static constexpr int kBuckets = (kMaxExponent - kSubBits + 2) * kSub;

    void record(std::int64_t micros);
    void merge(const Histogram& other);

    std::int64_t count() const { return count_; }
    std::int64_t min() const { return count_ ? min_ : 0; }
    std::int64_t max() const { return max_; }
    double mean() const { return count_ ? static_cast<double>(sum_) / static_cast<double>(count_) : 0.0; }
    /// The smallest bucket bound such that at least `p` percent of the samples are at or below it
    /// (clamped to the exact max). 0 when empty.
    std::int64_t percentile(double p) const;

    static int bucketOf(std::int64_t micros);
    /// The highest value that lands in bucket `b`.
    static std::int64_t bucketUpper(int b);

private:
    std::array<std::int64_t, kBuckets> counts_{};
    std::int64_t count_ = 0;
    std::int64_t sum_ = 0;
    std::int64_t min_ = 0;
    std::int64_t max_ = 0;
};

}  // namespace boxoffice::load
