#include "common/histogram.hpp"

#include <gtest/gtest.h>

namespace boxoffice::load {
namespace {

TEST(Histogram, EmptyReportsZero) {
    Histogram h;
    EXPECT_EQ(h.count(), 0);
    EXPECT_EQ(h.percentile(50), 0);
    EXPECT_EQ(h.max(), 0);
}

TEST(Histogram, SmallValuesAreExact) {
    Histogram h;
    for (int v = 1; v <= 20; ++v) h.record(v);
    EXPECT_EQ(h.percentile(50), 10);
    EXPECT_EQ(h.percentile(100), 20);
    EXPECT_EQ(h.min(), 1);
}

TEST(Histogram, PercentilesOfAUniformSpreadWithinThreePercent) {
    Histogram h;
    for (int v = 1; v <= 100000; ++v) h.record(v);  // 1 us .. 100 ms
    for (double p : {50.0, 90.0, 99.0, 99.9}) {
        const double expected = p / 100.0 * 100000;
        const double got = static_cast<double>(h.percentile(p));
        EXPECT_GE(got, expected) << "p" << p;  // a bucket's upper bound, never below the true value
        EXPECT_LE(got, expected * 1.032) << "p" << p;
    }
    EXPECT_EQ(h.percentile(100), 100000);
    EXPECT_EQ(h.max(), 100000);
}

TEST(Histogram, TailIsNotHiddenByTheBulk) {
    Histogram h;
    for (int i = 0; i < 9990; ++i) h.record(1000);     // 1 ms
    for (int i = 0; i < 10; ++i) h.record(2'000'000);  // 2 s stalls: 0.1%
    EXPECT_LE(h.percentile(99), 1031);
    EXPECT_GE(h.percentile(99.95), 2'000'000 * 0.97);
    EXPECT_EQ(h.max(), 2'000'000);
}

TEST(Histogram, BucketBoundsAreMonotonicAndContainTheirValues) {
    for (std::int64_t v : {0LL, 1LL, 31LL, 32LL, 33LL, 63LL, 64LL, 1000LL, 123456LL, 987654321LL}) {
        const int b = Histogram::bucketOf(v);
        EXPECT_GE(Histogram::bucketUpper(b), v);
        if (b > 0) {
            EXPECT_LT(Histogram::bucketUpper(b - 1), v) << v;
        }
    }
}

TEST(Histogram, MergeEqualsRecordingEverythingInOne) {
    Histogram a, b, all;
    for (int v = 0; v < 5000; ++v) {
        (v % 2 ? a : b).record(v * 7);
        all.record(v * 7);
    }
    a.merge(b);
    EXPECT_EQ(a.count(), all.count());
    for (double p : {1.0, 50.0, 99.0, 99.9}) EXPECT_EQ(a.percentile(p), all.percentile(p));
    EXPECT_EQ(a.min(), 0);
    EXPECT_EQ(a.max(), all.max());
    EXPECT_DOUBLE_EQ(a.mean(), all.mean());
}

}  // namespace
}  // namespace boxoffice::load
