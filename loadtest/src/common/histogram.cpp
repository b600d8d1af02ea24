#include "common/histogram.hpp"

#include <algorithm>
#include <bit>
#include <cmath>

namespace boxoffice::load {

int Histogram::bucketOf(std::int64_t micros) {
    if (micros < 0) micros = 0;
    const auto v = static_cast<std::uint64_t>(micros);
    if (v < static_cast<std::uint64_t>(kSub)) return static_cast<int>(v);
    int e = 63 - std::countl_zero(v);  // >= kSubBits
    if (e > kMaxExponent) return kBuckets - 1;
    const int sub = static_cast<int>((v >> (e - kSubBits)) & (kSub - 1));
    return (e - kSubBits + 1) * kSub + sub;
}

std::int64_t Histogram::bucketUpper(int b) {
    if (b < kSub) return b;
    const int e = b / kSub + kSubBits - 1;
    const std::int64_t sub = b % kSub;
    const std::int64_t base = std::int64_t{1} << e;
    const std::int64_t width = std::int64_t{1} << (e - kSubBits);
    return base + (sub + 1) * width - 1;
}

void Histogram::record(std::int64_t micros) {
    if (micros < 0) micros = 0;
    ++counts_[static_cast<std::size_t>(bucketOf(micros))];
    if (count_ == 0 || micros < min_) min_ = micros;
    max_ = std::max(max_, micros);
    sum_ += micros;
    ++count_;
}

void Histogram::merge(const Histogram& other) {
    if (other.count_ == 0) return;
    for (std::size_t i = 0; i < counts_.size(); ++i) counts_[i] += other.counts_[i];
    min_ = count_ ? std::min(min_, other.min_) : other.min_;
    max_ = std::max(max_, other.max_);
    sum_ += other.sum_;
    count_ += other.count_;
}

std::int64_t Histogram::percentile(double p) const {
    if (count_ == 0) return 0;
    p = std::clamp(p, 0.0, 100.0);
    auto rank = static_cast<std::int64_t>(std::ceil(p / 100.0 * static_cast<double>(count_)));
    rank = std::clamp<std::int64_t>(rank, 1, count_);
    std::int64_t seen = 0;
    for (int b = 0; b < kBuckets; ++b) {
        seen += counts_[static_cast<std::size_t>(b)];
        if (seen >= rank) return std::clamp(bucketUpper(b), min_, max_);
    }
    return max_;
}

}  // namespace boxoffice::load
