#include "app/demo_seed.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace boxoffice::app {
namespace {

// The benchmarks name demo seats by index: the names must be the layout's own, in its order.
TEST(DemoSeed, ArenaSeatIdsFollowTheLayoutOrder) {
    for (int seats : {1, 999, 1000, 20000, 20050}) {
        std::vector<std::string> ids;
        for (const auto& section : arenaLayout(seats).sections)
            for (const auto& row : section.rows)
                for (int n = 1; n <= row.count; ++n)
                    ids.push_back(section.name + "-" + row.label + "-" + std::to_string(n));
        ASSERT_EQ(static_cast<int>(ids.size()), seats);
        for (int i = 0; i < seats; ++i) ASSERT_EQ(arenaSeatId(i, seats), ids[static_cast<std::size_t>(i)]) << i;
    }
}

}  // namespace
}  // namespace boxoffice::app
