#!/usr/bin/env bash
# Fails when a C++ file differs from .clang-format (clang-format 14, Debian bookworm).
set -euo pipefail
cd "$(dirname "$0")/.."
mapfile -t files < <(git ls-files '*.cpp' '*.hpp')
clang-format --dry-run --Werror "${files[@]}"
echo "check-format: ${#files[@]} files formatted"
