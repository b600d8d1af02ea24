// Refunds by policy: which tier applies at exactly its boundary, after the show, and how amounts in
// minor units of currencies with 0, 2 and 3 decimals are shared out without drift.
#include "domain/refund_policy.hpp"

#include <gtest/gtest.h>

namespace boxoffice {
namespace {

using std::chrono::hours;
constexpr EpochMs kHour = 3'600'000;
constexpr EpochMs kStart = 1'900'000'000'000;  // the show's start

RefundPolicy standard() {
    auto p = makeRefundPolicy({{hours(24), 50}, {hours(24 * 7), 100}});  // given out of order
    EXPECT_TRUE(p.ok());
    return *p;
}

TEST(RefundPolicy, EachTierAppliesUpToAndIncludingItsBoundary) {
    const RefundPolicy p = standard();
    EXPECT_EQ(p.percentAt(kStart - 30 * 24 * kHour, kStart), 100);
    EXPECT_EQ(p.percentAt(kStart - 7 * 24 * kHour, kStart), 100) << "exactly 7 days before: still the 100 % tier";
    EXPECT_EQ(p.percentAt(kStart - 7 * 24 * kHour + 1, kStart), 50) << "one millisecond later: the next tier";
    EXPECT_EQ(p.percentAt(kStart - 24 * kHour, kStart), 50);
    EXPECT_EQ(p.percentAt(kStart - 24 * kHour + 1, kStart), 0);
    EXPECT_EQ(p.percentAt(kStart - 1, kStart), 0);
}

TEST(RefundPolicy, NothingOnceTheShowHasStartedEvenWithATierAtZero) {
    auto p = makeRefundPolicy({{hours(0), 20}});
    ASSERT_TRUE(p.ok());
    EXPECT_EQ(p->percentAt(kStart - 1, kStart), 20);
    EXPECT_EQ(p->percentAt(kStart, kStart), 0);
    EXPECT_EQ(p->percentAt(kStart + kHour, kStart), 0);
    EXPECT_EQ(RefundPolicy{}.percentAt(kStart - 1000 * kHour, kStart), 0) << "an empty policy never refunds";
}

TEST(RefundPolicy, BadTiersAreRefusedNamingTheTier) {
    auto over = makeRefundPolicy({{hours(1), 101}});
    ASSERT_FALSE(over.ok());
    EXPECT_EQ(over.error().fields.at(0).field, "tiers[0].percent");
    auto twice = makeRefundPolicy({{hours(24), 50}, {hours(24), 40}});
    ASSERT_FALSE(twice.ok());
    EXPECT_EQ(twice.error().code, ErrorCode::ValidationFailed);
    // Nearer the start may not give back more than further from it.
    auto inverted = makeRefundPolicy({{hours(48), 10}, {hours(24), 90}});
    ASSERT_FALSE(inverted.ok());
    EXPECT_NE(inverted.error().detail.find("nearer the start"), std::string::npos) << inverted.error().detail;
}

TEST(RefundPolicy, TheConfigTextRoundTrips) {
    auto p = parseRefundPolicy(" 7d:100, 24h:50 ,90m:10");
    ASSERT_TRUE(p.ok()) << p.error().detail;
    ASSERT_EQ(p->tiers.size(), 3u);
    EXPECT_EQ(p->tiers[0].before, hours(24 * 7));
    EXPECT_EQ(p->tiers[2].before, std::chrono::minutes(90));
    EXPECT_EQ(formatRefundPolicy(*p), "7d:100,1d:50,90m:10");
    EXPECT_EQ(formatRefundPolicy(*parseRefundPolicy(formatRefundPolicy(*p))), "7d:100,1d:50,90m:10");
    EXPECT_TRUE(parseRefundPolicy("none")->tiers.empty());
    EXPECT_EQ(formatRefundPolicy(*parseRefundPolicy("none")), "none");
    for (const char* bad : {"7d", "7d:", "7x:100", "-1h:50", "7d:150", "7d:100,,", "abc", "7d:100;24h:50"})
        EXPECT_FALSE(parseRefundPolicy(bad).ok()) << bad;
}

TEST(RefundPolicy, SharesRoundDownInMinorUnitsWhateverTheCurrencysDecimals) {
    // JPY (0 decimals): 1,001 yen at 50 % is 500 yen, never 501.
    EXPECT_EQ(refundShare(1001, 50), 500);
    // EUR (2 decimals): 150.00 EUR at 50 % is 75.00; 0.99 EUR at 33 % is 0.32 (32.67 cents, down).
    EXPECT_EQ(refundShare(15000, 50), 7500);
    EXPECT_EQ(refundShare(99, 33), 32);
    // KWD (3 decimals): 1.005 KWD at 50 % is 0.502 KWD.
    EXPECT_EQ(refundShare(1005, 50), 502);
    EXPECT_EQ(refundShare(1005, 100), 1005);
    EXPECT_EQ(refundShare(1005, 0), 0);
    // Exact at the top of the range (no overflow in price * percent).
    const std::int64_t big = 9'000'000'000'000'000'001;
    EXPECT_EQ(refundShare(big, 50), 4'500'000'000'000'000'000);
    // Refunding seat by seat never gives back more than the whole order at once would, nor more
    // than was paid: rounding down per refund can only leave a fraction of a minor unit behind.
    for (int percent : {1, 33, 50, 67, 99, 100}) {
        const std::int64_t prices[] = {333, 1001, 1005, 15000, 7};
        std::int64_t total = 0, piecewise = 0;
        for (auto p : prices) {
            total += p;
            piecewise += refundShare(p, percent);
        }
        EXPECT_LE(piecewise, refundShare(total, percent)) << percent;
        EXPECT_LE(refundShare(total, percent), total) << percent;
        EXPECT_GE(piecewise, refundShare(total, percent) - static_cast<std::int64_t>(std::size(prices))) << percent;
    }
}

}  // namespace
}  // namespace boxoffice
