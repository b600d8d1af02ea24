// The corpus regression run: every file of corpus/<target>/ through its target function, in the
// normal build (no sanitizers, label unit). A reproducer added to a corpus stays a test forever.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <string>
#include <vector>

#include "fuzz_target.hpp"

namespace boxoffice::fuzz {
namespace {

namespace fs = std::filesystem;

std::map<std::string, TargetFn>& registry() {
    static std::map<std::string, TargetFn> targets;
    return targets;
}

std::string readFile(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

fs::path corpusRoot() {
    return fs::path(BOXOFFICE_FUZZ_CORPUS_DIR);
}

class CorpusReplay : public testing::Test {
public:
    CorpusReplay(std::string name, TargetFn fn) : name_(std::move(name)), fn_(fn) {}

    void TestBody() override {
        const fs::path dir = corpusRoot() / name_;
        ASSERT_TRUE(fs::is_directory(dir)) << "every target needs seeds in " << dir;
        std::vector<fs::path> files;
        for (const auto& entry : fs::directory_iterator(dir))
            if (entry.is_regular_file()) files.push_back(entry.path());
        std::sort(files.begin(), files.end());
        ASSERT_FALSE(files.empty()) << dir << " holds no seed";
        for (const auto& file : files) {
            // Printed first: a failed check aborts the process, and this line names the input.
            std::fprintf(stderr, "replaying %s\n", file.c_str());
            const std::string input = readFile(file);
            fn_(input);
        }
        std::fprintf(stderr, "%s: %zu corpus files replayed\n", name_.c_str(), files.size());
    }

private:
    std::string name_;
    TargetFn fn_;
};

TEST(FuzzCorpus, EveryCorpusDirectoryBelongsToATarget) {
    ASSERT_FALSE(registry().empty());
    for (const auto& entry : fs::directory_iterator(corpusRoot())) {
        if (!entry.is_directory()) continue;
        EXPECT_TRUE(registry().contains(entry.path().filename().string()))
            << entry.path() << " has no target: targets/" << entry.path().filename().string() << ".cpp missing?";
    }
}

}  // namespace

bool registerTarget(const char* name, TargetFn fn) {
    if (!registry().emplace(name, fn).second) {
        std::fprintf(stderr, "two fuzz targets are named %s\n", name);
        std::abort();
    }
    return true;
}

}  // namespace boxoffice::fuzz

int main(int argc, char** argv) {
    testing::InitGoogleTest(&argc, argv);
    for (const auto& [name, fn] : boxoffice::fuzz::registry()) {
        testing::RegisterTest(
            "FuzzCorpusReplay", name.c_str(), nullptr, nullptr, __FILE__, __LINE__,
            [name = name, fn = fn]() -> testing::Test* { return new boxoffice::fuzz::CorpusReplay(name, fn); });
    }
    return RUN_ALL_TESTS();
}
