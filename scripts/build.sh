#!/usr/bin/env bash
# Configures and builds into ./build (override with BUILD_DIR). Used by run.sh and test.sh.
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD_DIR=${BUILD_DIR:-build}
generator=()
command -v ninja >/dev/null && [ ! -f "$BUILD_DIR/Makefile" ] && generator=(-G Ninja)
# One ccache for this build and the image's build stage (scripts/build-image.sh mounts the same
# directory; the Dockerfile builds in /src/build with the same settings): the image then compiles
# only what differs from the build here. Paths are hashed relative to the checkout, not the
# directory's name. BOXOFFICE_CCACHE=0 builds without it.
launcher=()
if [ "${BOXOFFICE_CCACHE:-1}" != 0 ] && command -v ccache >/dev/null; then
  export CCACHE_DIR=${CCACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/boxoffice/image/ccache}
  export CCACHE_BASEDIR=$PWD CCACHE_NOHASHDIR=1 CCACHE_MAXSIZE=${CCACHE_MAXSIZE:-2G}
  mkdir -p "$CCACHE_DIR"
  launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
else
  launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=)
fi
cmake -S . -B "$BUILD_DIR" "${generator[@]}" "${launcher[@]}" -DCMAKE_BUILD_TYPE=${BUILD_TYPE:-RelWithDebInfo} >/dev/null
cmake --build "$BUILD_DIR" --parallel "$(nproc)" "$@"
