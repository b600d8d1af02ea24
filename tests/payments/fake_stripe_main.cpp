// boxoffice-fake-stripe: the tests' Stripe fake (support/fake_stripe.hpp) as a program, so that the
// real `boxoffice serve` can run with BOXOFFICE_PAYMENTS_PROVIDER=stripe against it
// (tests/payments/stripe-e2e.sh):
//   boxoffice-fake-stripe [--key sk_test_...] [--record FILE]
// prints its base URL on the first line of stdout, serves on a free loopback port until SIGTERM or
// SIGINT, then writes everything it was sent and answered to FILE (the input of
// tests/payments/check-stripe-api.mjs) and exits 0.
#include <signal.h>

#include <cstring>
#include <exception>
#include <iostream>
#include <string>

#include "support/fake_stripe.hpp"

namespace {

int usage() {
    std::cerr << "usage: boxoffice-fake-stripe [--key SECRET_KEY] [--record FILE]\n";
    return 2;
}

}  // namespace

int main(int argc, char** argv) {
    std::string key = "sk_test_fake";
    std::string record;
    for (int i = 1; i < argc; ++i) {
        const std::string arg = argv[i];
        if (arg == "--help" || arg == "-h") {
            std::cout << "boxoffice-fake-stripe [--key SECRET_KEY] [--record FILE]: a local fake of Stripe's\n"
                         "PaymentIntent and Refund endpoints; prints its URL, serves until SIGTERM/SIGINT,\n"
                         "then writes its recording to FILE.\n";
            return 0;
        }
        if (i + 1 >= argc) return usage();
        if (arg == "--key") {
            key = argv[++i];
        } else if (arg == "--record") {
            record = argv[++i];
        } else {
            return usage();
        }
    }
    // The signals are taken by sigwait below, never by a handler on the server's thread.
    sigset_t stopSignals;
    sigemptyset(&stopSignals);
    sigaddset(&stopSignals, SIGTERM);
    sigaddset(&stopSignals, SIGINT);
    pthread_sigmask(SIG_BLOCK, &stopSignals, nullptr);
    try {
        boxoffice::testing::FakeStripe stripe(key);
        std::cout << stripe.url() << std::endl;
        int signal = 0;
        sigwait(&stopSignals, &signal);
        std::cerr << "boxoffice-fake-stripe: " << stripe.requests().size() << " requests, " << stripe.intents().size()
                  << " payment intents\n";
        if (!record.empty()) stripe.writeRecording(record);
    } catch (const std::exception& e) {
        std::cerr << "boxoffice-fake-stripe: " << e.what() << "\n";
        return 1;
    }
    return 0;
}
