#!/usr/bin/env bash
# Builds the squall image with NO registry: where node:20-bookworm-slim cannot
# be pulled, this makes two local base images by `docker import` and builds
# docker/Dockerfile on them.
#
# Usage (from the repo root, Docker engine running, `npm ci` done on the host):
#   docker/build-local.sh            # -> squall:local
#   docker run --rm squall:local --help
#
#   squall-base/node20:local       the host's node binary + the shared libraries
#                                  ldd lists + static busybox (/bin/sh, mkdir, chown,
#                                  wget...) + a `node` user (uid 1000)
#   squall-base/node20-deps:local  the same plus /app/node_modules from the host,
#                                  used as BUILD_BASE: the Dockerfile skips apt-get and
#                                  npm ci when the build base already has node_modules.
# Host node_modules must match the image (same Node major, glibc, x86_64): they
# come from this machine, so they do. They are only the build stage's: the
# runtime stage copies just the packages dist/ needs (scripts/build-system.ts).
# SQUALL_REUSE_BASE=1 skips the two imports when both base images exist (after
# an `npm ci` that changed node_modules, leave it unset).
set -euo pipefail
cd "$(dirname "$0")/.."

TAG="${SQUALL_IMAGE_TAG:-squall:local}"
BASE=squall-base/node20:local
DEPS=squall-base/node20-deps:local
# A static binary: ldd refuses it ("not a dynamic executable").
is_static() { [ -x "$1" ] && ! ldd "$1" >/dev/null 2>&1; }
say() { printf '[build-local] %s\n' "$*"; }

node_bin="$(readlink -f "$(command -v node)")"
busybox=""
for b in /bin/busybox /usr/bin/busybox; do
  if is_static "$b"; then busybox="$b"; break; fi
done
[ -n "$busybox" ] || { say "no static busybox (run scripts/docker-setup.sh)"; exit 1; }
[ -d node_modules ] || { say "no node_modules on the host (run npm ci first)"; exit 1; }

if [ "${SQUALL_REUSE_BASE:-0}" = 1 ] && docker image inspect "$BASE" "$DEPS" >/dev/null 2>&1; then
  say "reusing $BASE and $DEPS (SQUALL_REUSE_BASE=1)"
  say "building $TAG"
  DOCKER_BUILDKIT=0 docker build --build-arg "BASE=$BASE" --build-arg "BUILD_BASE=$DEPS" -f docker/Dockerfile -t "$TAG" .
  say "done: docker run --rm $TAG --help"
  exit 0
fi

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
root="$work/root"
mkdir -p "$root"/{bin,usr/local/bin,etc,tmp,app,lib64}
chmod 1777 "$root/tmp"
cp "$node_bin" "$root/usr/local/bin/node"
# Libraries node needs (and libstdc++/libgcc_s for better-sqlite3's addon).
for lib in $(ldd "$node_bin" | grep -o '/[^ ]*' | sort -u); do
  mkdir -p "$root$(dirname "$lib")"
  cp -L "$lib" "$root$lib"
done
cp "$busybox" "$root/bin/busybox"
for applet in sh ash mkdir chown chmod ls cat env echo sleep wget rm cp mv id ps kill hostname true false; do
  ln -sf busybox "$root/bin/$applet"
done
printf 'root:x:0:0:root:/root:/bin/sh\nnode:x:1000:1000:node:/home/node:/bin/sh\n' >"$root/etc/passwd"
printf 'root:x:0:\nnode:x:1000:\n' >"$root/etc/group"
mkdir -p "$root/root" "$root/home/node"

say "importing $BASE (node $("$node_bin" -v) from $node_bin)"
tar -C "$root" -cf "$work/base.tar" .
docker import --change 'ENV PATH=/usr/local/bin:/bin' --change 'CMD ["node"]' "$work/base.tar" "$BASE" >/dev/null

say "importing $DEPS (host node_modules)"
# node_modules may be a symlink (git worktrees): copy what it points at.
mkdir -p "$root/app/node_modules"
cp -a "$(readlink -f node_modules)/." "$root/app/node_modules/"
tar -C "$root" -cf "$work/deps.tar" .
rm -rf "$root"
docker import --change 'ENV PATH=/usr/local/bin:/bin' --change 'CMD ["node"]' "$work/deps.tar" "$DEPS" >/dev/null
rm -f "$work"/*.tar

say "building $TAG"
DOCKER_BUILDKIT=0 docker build --build-arg "BASE=$BASE" --build-arg "BUILD_BASE=$DEPS" -f docker/Dockerfile -t "$TAG" .
say "done: docker run --rm $TAG --help"
