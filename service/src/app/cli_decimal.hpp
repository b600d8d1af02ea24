#pragma once
// The one CLI11 validator for whole numbers on the command lines of `boxoffice` and the load
// programs (header only: CLI11 is header only, and only the programs include it).
#include <algorithm>
#include <string>

#include <CLI/CLI.hpp>

namespace boxoffice::cli {

/// Whole decimal numbers only: CLI11 reads integers with strtoll base 0, where "010" is 8 and
/// "0x10" is 16; leading zeros are dropped here so the number means what it says.
inline const CLI::Validator kDecimal(
    [](std::string& text) {
        if (text.empty() || text.find_first_not_of("0123456789") != std::string::npos)
            return std::string("must be a whole number, not '") + text + "'";
        text.erase(0, std::min(text.find_first_not_of('0'), text.size() - 1));
        return std::string();
    },
    "", "decimal");

}  // namespace boxoffice::cli
