#pragma once
// Refunds by policy: how much of what was paid goes back, by how long before the show starts the
// refund is asked for. "100 % until 7 days before, 50 % until 24 h before, nothing after" is
// {{7 days, 100}, {24 h, 50}}. Amounts are in minor units (cents, yen, fils): integers, rounded
// down once per refund, so no currency's decimals can make a refund drift above what was paid.
#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "domain/clock.hpp"
#include "domain/result.hpp"

namespace boxoffice {

struct RefundTier {
    std::chrono::milliseconds before{0};  // asked at least this long before the start...
    int percent = 0;                      // ...gives back this much of the price (0-100)
};

struct RefundPolicy {
    std::vector<RefundTier> tiers;  // longest `before` first; no two with the same `before`

    /// The percent a refund asked at `now` for a show starting at `startsAt` gives back: the first
    /// tier with `startsAt - now >= before` (a refund exactly at a tier's boundary gets that tier),
    /// 0 when none applies, and always 0 once the show has started.
    int percentAt(EpochMs now, EpochMs startsAt) const;
};

/// Orders the tiers and checks them: percent in 0-100, `before` >= 0 and distinct, a tier nearer
/// the start never gives back more than one further from it. ValidationFailed names the tier.
Result<RefundPolicy> makeRefundPolicy(std::vector<RefundTier> tiers, const std::string& field = "tiers");

/// "7d:100,24h:50" (BOXOFFICE_REFUND_POLICY): comma-separated `duration:percent`, durations in
/// d, h, m or s; "" or "none" is a policy that never refunds.
Result<RefundPolicy> parseRefundPolicy(std::string_view text);
/// The same text back ("168h:100,24h:50" style, in the largest whole unit).
std::string formatRefundPolicy(const RefundPolicy& policy);

/// `percent` of `priceMinor`, rounded down (a refund never gives back a fraction of a minor unit
/// more than the policy says).
std::int64_t refundShare(std::int64_t priceMinor, int percent);

}  // namespace boxoffice
