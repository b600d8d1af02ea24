# syntax=docker/dockerfile:1
# boxoffice container image: a build stage with the compilers, a runtime stage with only the two
# binaries (the service, and the flash-sale harness `boxoffice-load` that the Helm chart's load-test
# Job and the one-off ECS load task run) and the shared libraries they link (plus time zones and CA
# certificates, which they read at run time).
#
#   docker build -t boxoffice .                                   # anywhere with a Docker engine
#   scripts/build-image.sh                                        # here: buildah from a local Debian base
#
# Both bases are arguments so the same file builds from a base made locally with mmdebstrap
# (scripts/build-image.sh passes BUILD_BASE and RUNTIME_BASE) where no registry can be reached.
ARG BUILD_BASE=debian:bookworm
ARG RUNTIME_BASE=debian:bookworm-slim

FROM ${BUILD_BASE} AS build
ARG DEBIAN_FRONTEND=noninteractive
RUN apt-get update \
 && apt-get install -y --no-install-recommends \
      build-essential cmake ninja-build pkg-config ca-certificates ccache \
      libpistache-dev libhiredis-dev libsoci-dev libboost-dev libpq-dev libsqlite3-dev \
      prometheus-cpp-dev nlohmann-json3-dev libjemalloc-dev libcurl4-openssl-dev libssl-dev libcctz-dev \
      libcli11-dev libqrencode-dev \
 && rm -rf /var/lib/apt/lists/* /var/cache/apt/*.bin
# ccache: scripts/build-image.sh mounts a persistent /ccache (buildah -v), so a rebuild compiles only
# what changed; without a mount it is an empty directory in a stage that is thrown away.
# The same settings as scripts/build.sh (paths hashed relative to /src, the build in /src/build as
# the checkout's is in ./build), so objects compiled there for the same sources are found here.
ENV CCACHE_DIR=/ccache CCACHE_MAXSIZE=2G CCACHE_BASEDIR=/src CCACHE_NOHASHDIR=1
WORKDIR /src
COPY CMakeLists.txt ./
COPY cmake/ cmake/
COPY migrations/ migrations/
COPY service/ service/
COPY loadtest/ loadtest/
# The service and the harness; tests run outside the image (scripts/test.sh).
RUN cmake -S . -B /src/build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DBOXOFFICE_BUILD_TESTS=OFF \
      -DCMAKE_CXX_COMPILER_LAUNCHER=ccache \
 && cmake --build /src/build --target boxoffice boxoffice-load --parallel "$(nproc)" \
 && strip --strip-unneeded -o /boxoffice /src/build/service/boxoffice \
 && strip --strip-unneeded -o /boxoffice-load /src/build/loadtest/boxoffice-load \
 && /boxoffice --help | grep -q '^Usage: boxoffice ' \
 && /boxoffice --version | grep -q '^boxoffice [0-9.]* (commit ' \
 && /boxoffice-load --help | grep -q '^boxoffice-load: ' \
 && (ccache --show-stats || true)
# The runtime stage installs the Debian packages that own the binaries' shared libraries (read from
# ldd here, so a new dependency cannot be forgotten), not a hand-kept list. The harness adds libcurl
# (its set-up client and verifier) to what the service links.
RUN ldd /boxoffice /boxoffice-load | awk '/=> \// { print $3 }' | xargs -r readlink -f | sort -u \
      | xargs -r dpkg -S 2>/dev/null | cut -d: -f1 | sort -u > /runtime-packages \
 && grep -qx 'libpq5' /runtime-packages && grep -qx 'libcurl4' /runtime-packages \
 && grep -qx 'libqrencode4' /runtime-packages \
 && cat /runtime-packages

FROM ${RUNTIME_BASE} AS runtime
ARG DEBIAN_FRONTEND=noninteractive
COPY --from=build /runtime-packages /usr/share/boxoffice/runtime-packages
RUN apt-get update \
 && apt-get install -y --no-install-recommends ca-certificates tzdata $(cat /usr/share/boxoffice/runtime-packages) \
 && rm -rf /var/lib/apt/lists/* /var/cache/apt/*.bin /var/log/apt /var/log/dpkg.log \
 && groupadd --system --gid 10001 boxoffice \
 && useradd --system --uid 10001 --gid 10001 --home-dir /var/lib/boxoffice --no-create-home \
      --shell /usr/sbin/nologin boxoffice \
 && install -d -o 10001 -g 10001 -m 0750 /var/lib/boxoffice
COPY --from=build /boxoffice /usr/local/bin/boxoffice
# Not the entrypoint: the chart's Job sets `command: [/usr/local/bin/boxoffice-load]`, the ECS load
# task definition sets it as its entryPoint.
COPY --from=build /boxoffice-load /usr/local/bin/boxoffice-load
# The embedded default (no BOXOFFICE_DATABASE_URL) writes its SQLite file here.
WORKDIR /var/lib/boxoffice
USER 10001:10001
EXPOSE 8080 9464
# Exec form: boxoffice is PID 1 and receives SIGTERM itself (it blocks SIGTERM and takes it with
# sigwait, which the kernel delivers to a namespace's init; no shell or init wrapper is needed).
ENTRYPOINT ["/usr/local/bin/boxoffice"]
CMD ["serve"]
