#pragma once
// One fuzz target is one function over the raw input bytes. The same function runs under libFuzzer
// in the fuzz build (scripts/fuzz.sh: clang, ASan + UBSan) and, in the normal build, under the
// corpus replay test (replay_test.cpp), so an input that once crashed stays fixed. See README.md.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string_view>

namespace boxoffice::fuzz {

using TargetFn = void (*)(std::string_view input);

/// A property of the code under test did not hold: print it and abort, which libFuzzer reports as
/// a crash (with the input saved) and the replay test as a failed test.
[[noreturn]] inline void checkFailed(const char* file, int line, const char* condition) {
    std::fprintf(stderr, "FUZZ_CHECK failed at %s:%d: %s\n", file, line, condition);
    std::fflush(stderr);
    std::abort();
}

/// For the replay test: records a target under its name (the name of its corpus directory).
bool registerTarget(const char* name, TargetFn fn);

}  // namespace boxoffice::fuzz

#define FUZZ_CHECK(condition) \
    ((condition) ? static_cast<void>(0) : ::boxoffice::fuzz::checkFailed(__FILE__, __LINE__, #condition))

// BOXOFFICE_FUZZ_TARGET(name, function): the last line of every targets/<name>.cpp.
#ifdef BOXOFFICE_LIBFUZZER
#define BOXOFFICE_FUZZ_TARGET(name, function)                                           \
    extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) { \
        function(std::string_view(reinterpret_cast<const char*>(data), size));          \
        return 0;                                                                       \
    }
#else
#define BOXOFFICE_FUZZ_TARGET(name, function)                           \
    [[maybe_unused]] static const bool boxofficeFuzzRegistered_##name = \
        ::boxoffice::fuzz::registerTarget(#name, function);
#endif
