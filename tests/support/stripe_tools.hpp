#pragma once
// The payment tests' node tools, installed by tests/payments/tools.sh into .cache/stripe-tools on
// first use: Stripe's own library for webhook signatures, and the check of a FakeStripe recording
// against Stripe's published OpenAPI description. Each throws when node, npm or the install fails.
#include <string>

namespace boxoffice::testing {

/// The Stripe-Signature header Stripe's own library (npm `stripe`, generateTestHeaderString)
/// writes for `payload`.
std::string stripeSignatureHeader(const std::string& payload, const std::string& secret, long long unixSeconds);

struct StripeApiCheck {
    int exitCode = -1;   // 0: no mismatch; 1: mismatches (or nothing recorded); 2: could not run
    std::string output;  // one "MISMATCH #N METHOD PATH ..." line per mismatch, then a summary line
};

/// tests/payments/check-stripe-api.mjs over a FakeStripe::writeRecording file.
StripeApiCheck checkAgainstStripeApi(const std::string& recordingFile);

}  // namespace boxoffice::testing
