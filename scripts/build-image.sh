#!/usr/bin/env bash
# Builds the boxoffice container image from the root Dockerfile and writes it as an OCI archive.
#
#   scripts/build-image.sh                 # -> $BUILD_DIR/image/boxoffice.oci.tar, tag localhost/boxoffice:dev
#   IMAGE_TAG=boxoffice:1.2.3 scripts/build-image.sh
#
# Where a Docker engine answers (`docker info`), it uses `docker build` with the Dockerfile's default
# bases (debian:bookworm, debian:bookworm-slim). Otherwise it uses buildah: the base image is made
# from Debian packages with mmdebstrap (no registry is needed) and cached as a tarball, and all of
# buildah's storage lives under $BUILD_DIR/image, not in /var/lib/containers.
#
# Environment:
#   BUILD_DIR            build tree (default: build)
#   IMAGE_TAG            image name (default: localhost/boxoffice:dev)
#   IMAGE_ENGINE         auto (default), buildah or docker
#   IMAGE_CACHE          caches kept between builds and between clones (default: ~/.cache/boxoffice/image):
#                        the mmdebstrap base tarball, downloaded .deb files, ccache objects
#   IMAGE_BASE_MAX_AGE   days before the base is rebuilt, to take Debian's updates (default: 7)
#
# Exit code 77 when neither a Docker engine nor the buildah tools are available.
# Prints the phases' wall times and the image size; writes them to $BUILD_DIR/image/build-report.
set -euo pipefail
cd "$(dirname "$0")/.."

BUILD_DIR=${BUILD_DIR:-build}
IMAGE_TAG=${IMAGE_TAG:-localhost/boxoffice:dev}
IMAGE_ENGINE=${IMAGE_ENGINE:-auto}
# The caches live outside the clone so a fresh clone on the same machine (CI) starts warm; each is
# only a speed-up: apt checks every .deb against the signed lists, ccache hashes every input.
IMAGE_CACHE=${IMAGE_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/boxoffice/image}
IMAGE_BASE_MAX_AGE=${IMAGE_BASE_MAX_AGE:-7}
BASE_TAG=localhost/debian:bookworm-base

log() { echo "build-image: $*" >&2; }
die() {
  log "$*"
  exit 1
}

mkdir -p "$BUILD_DIR/image"
OUT=$(cd "$BUILD_DIR/image" && pwd -P)
ARCHIVE=$OUT/boxoffice.oci.tar
REPORT=$OUT/build-report
: >"$REPORT"

phase_start=0
phase() { phase_start=$SECONDS; log "$*"; }
phase_done() {
  local secs=$((SECONDS - phase_start))
  log "$1: ${secs}s"
  echo "$1_seconds=$secs" >>"$REPORT"
}

if [[ $IMAGE_ENGINE == auto ]]; then
  if command -v docker >/dev/null && docker info >/dev/null 2>&1; then
    IMAGE_ENGINE=docker
  else
    IMAGE_ENGINE=buildah
  fi
fi

case $IMAGE_ENGINE in
  docker)
    phase "docker build -t $IMAGE_TAG"
    docker build -t "$IMAGE_TAG" -f Dockerfile .
    phase_done build
    # Docker 25+ writes an OCI image layout inside `docker save`'s tarball.
    docker save -o "$ARCHIVE" "$IMAGE_TAG"
    size=$(docker image inspect --format '{{.Size}}' "$IMAGE_TAG")
    ;;
  buildah)
    for tool in buildah podman skopeo mmdebstrap runc; do
      # 77: "cannot build here" (ctest counts it as skipped), distinct from a failed build.
      command -v "$tool" >/dev/null || {
        log "$tool not found: apt-get install mmdebstrap buildah podman skopeo uidmap fuse-overlayfs runc"
        exit 77
      }
    done
    # Private storage and configuration, inside the build tree. runc, not crun (crun fails on this
    # kind of host: cgroups in hybrid mode); ulimits the host allows an unprivileged container.
    export CONTAINERS_STORAGE_CONF=$OUT/storage.conf CONTAINERS_CONF=$OUT/containers.conf
    printf '[storage]\ndriver="overlay"\ngraphroot="%s/storage/root"\nrunroot="%s/storage/run"\n' "$OUT" "$OUT" \
      >"$CONTAINERS_STORAGE_CONF"
    printf '[containers]\ndefault_ulimits=["nofile=20000:20000","nproc=32768:32768"]\n[engine]\nruntime="runc"\n' \
      >"$CONTAINERS_CONF"
    export TMPDIR=$OUT/tmp
    mkdir -p "$TMPDIR" "$IMAGE_CACHE/apt-archives/partial" "$IMAGE_CACHE/ccache"

    # The base: Debian bookworm minbase, with the paths debian:bookworm-slim leaves out (manuals,
    # docs, translations), from Debian's own mirror. Cached: it only changes with Debian's updates.
    # The merged-usr hook makes the /usr merge itself; the usrmerge package would pull in 46 MB of perl.
    base_tar=$IMAGE_CACHE/debian-bookworm-minbase.tar
    if [[ -f $base_tar ]] && [[ -z $(find "$base_tar" -mtime +"$IMAGE_BASE_MAX_AGE") ]]; then
      log "base: reusing $base_tar (younger than $IMAGE_BASE_MAX_AGE days)"
    else
      phase "base: mmdebstrap bookworm minbase -> $base_tar"
      mmdebstrap --quiet --variant=minbase --hook-dir=/usr/share/mmdebstrap/hooks/merged-usr \
        --dpkgopt='path-exclude=/usr/share/man/*' --dpkgopt='path-exclude=/usr/share/locale/*' \
        --dpkgopt='path-exclude=/usr/share/doc/*' --dpkgopt='path-include=/usr/share/doc/*/copyright' \
        --dpkgopt='path-exclude=/usr/share/info/*' \
        bookworm "${base_tar%.tar}.partial.tar" >"$OUT/mmdebstrap.log" 2>&1 || # the format comes from the name
        {
          tail -n 30 "$OUT/mmdebstrap.log" >&2
          die "mmdebstrap failed (full log: $OUT/mmdebstrap.log)"
        }
      mv "${base_tar%.tar}.partial.tar" "$base_tar"
      phase_done base
    fi
    # Import the base when the storage lacks it or the tarball is newer than the imported image.
    stamp=$OUT/base-imported
    if ! podman image exists "$BASE_TAG" || [[ ! -f $stamp || $base_tar -nt $stamp ]]; then
      phase "base: podman import -> $BASE_TAG"
      podman import --quiet --change 'CMD ["/bin/bash"]' "$base_tar" "$BASE_TAG" >/dev/null
      touch "$stamp"
      phase_done import
    fi

    # --layers keeps each step's result in the storage above, so a rebuild after a change in
    # service/ starts from the cached apt layer of the build stage instead of the bare base.
    phase "buildah bud -t $IMAGE_TAG"
    # The .deb files and the compiler cache are mounted from IMAGE_CACHE (not part of any layer).
    buildah bud --quiet --layers --isolation chroot \
      --volume "$IMAGE_CACHE/apt-archives:/var/cache/apt/archives" --volume "$IMAGE_CACHE/ccache:/ccache" \
      --build-arg BUILD_BASE="$BASE_TAG" --build-arg RUNTIME_BASE="$BASE_TAG" \
      -t "$IMAGE_TAG" -f Dockerfile . >"$OUT/buildah.log" 2>&1 ||
      {
        tail -n 40 "$OUT/buildah.log" >&2
        die "buildah bud failed (full log: $OUT/buildah.log)"
      }
    phase_done build
    rm -f "$ARCHIVE"
    skopeo copy --quiet "containers-storage:$IMAGE_TAG" "oci-archive:$ARCHIVE:${IMAGE_TAG##*/}"
    size=$(podman image inspect --format '{{.Size}}' "$IMAGE_TAG")
    # No `podman image prune` here: with --layers the cached steps are untagged images, and pruning
    # them would make every build start from the base again. `rm -rf $BUILD_DIR/image` resets it all.
    ;;
  *) die "IMAGE_ENGINE must be auto, buildah or docker (got $IMAGE_ENGINE)" ;;
esac

mb=$(((size + 500000) / 1000000))
echo "image=$IMAGE_TAG" >>"$REPORT"
echo "engine=$IMAGE_ENGINE" >>"$REPORT"
echo "image_bytes=$size" >>"$REPORT"
echo "archive=$ARCHIVE" >>"$REPORT"
log "image $IMAGE_TAG: $mb MB ($size bytes, uncompressed); OCI archive $ARCHIVE ($(du -m "$ARCHIVE" | cut -f1) MB)"
