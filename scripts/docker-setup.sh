#!/usr/bin/env bash
# Prepares a local Docker engine for squall's opt-in container suite.
#
# Usage (as root, or with sudo):
#   scripts/docker-setup.sh          # then: npm run test:docker
#
# Idempotent; each step is skipped when already done:
#   1. installs docker.io and busybox-static with apt-get if missing;
#   2. starts dockerd in the background if `docker info` fails
#      (--iptables=false --bridge=none --storage-driver=vfs, so it runs inside
#      an unprivileged-network sandbox; logs to $SQUALL_DOCKERD_LOG), and waits
#      until `docker info` answers (bounded: $SQUALL_DOCKERD_WAIT_S seconds);
#   3. builds the test image squall-test/busybox:latest by `docker import` of a
#      tiny root filesystem (static busybox + symlinks), since squall never
#      pulls and no registry needs to be reachable.
#
# Environment:
#   DOCKER_SOCKET          engine socket (default /var/run/docker.sock)
#   SQUALL_DOCKERD_LOG     dockerd log file (default /var/log/squall-dockerd.log)
#   SQUALL_DOCKERD_WAIT_S  seconds to wait for the engine (default 60)
#   SQUALL_TEST_IMAGE      image to build (default squall-test/busybox:latest)
set -euo pipefail

SOCKET="${DOCKER_SOCKET:-/var/run/docker.sock}"
LOG="${SQUALL_DOCKERD_LOG:-/var/log/squall-dockerd.log}"
WAIT_S="${SQUALL_DOCKERD_WAIT_S:-60}"
IMAGE="${SQUALL_TEST_IMAGE:-squall-test/busybox:latest}"
export DOCKER_HOST="unix://${SOCKET}"

# A static binary: ldd refuses it ("not a dynamic executable").
is_static() { [ -x "$1" ] && ! ldd "$1" >/dev/null 2>&1; }
say() { printf '[docker-setup] %s\n' "$*"; }

# 1. packages
missing=()
command -v dockerd >/dev/null 2>&1 || missing+=(docker.io)
is_static /bin/busybox || {
  dpkg -s busybox-static >/dev/null 2>&1 || missing+=(busybox-static)
}
if [ "${#missing[@]}" -gt 0 ]; then
  say "installing ${missing[*]} with apt-get"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
else
  say "packages present (dockerd, static busybox)"
fi

# 2. engine
if docker info >/dev/null 2>&1; then
  say "engine already answering on ${SOCKET}"
else
  say "starting dockerd (log: ${LOG})"
  mkdir -p "$(dirname "$LOG")"
  nohup dockerd --iptables=false --bridge=none --storage-driver=vfs \
    --host "unix://${SOCKET}" >>"$LOG" 2>&1 &
  say "dockerd pid $!"
  deadline=$(( $(date +%s) + WAIT_S ))
  until docker info >/dev/null 2>&1; do
    if [ "$(date +%s)" -ge "$deadline" ]; then
      say "dockerd did not answer within ${WAIT_S}s; last log lines:"
      tail -n 20 "$LOG" >&2 || true
      exit 1
    fi
    sleep 0.5
  done
  say "engine up"
fi

# 3. test image
if docker image inspect "$IMAGE" >/dev/null 2>&1; then
  say "image ${IMAGE} present"
else
  busybox=""
  for b in /bin/busybox /usr/bin/busybox; do
    if is_static "$b"; then busybox="$b"; break; fi
  done
  [ -n "$busybox" ] || { say "no static busybox found (install busybox-static)"; exit 1; }
  root="$(mktemp -d)"
  trap 'rm -rf "$root"' EXIT
  mkdir -p "$root/bin" "$root/tmp" "$root/etc"
  cp "$busybox" "$root/bin/busybox"
  for applet in sh echo sleep cat env ls true false printf yes head kill; do
    ln -s busybox "$root/bin/$applet"
  done
  echo 'root:x:0:0:root:/:/bin/sh' >"$root/etc/passwd"
  tar -C "$root" -cf "$root.tar" .
  docker import --change 'ENV PATH=/bin' --change 'CMD ["/bin/sh"]' "$root.tar" "$IMAGE" >/dev/null
  rm -f "$root.tar"
  say "built ${IMAGE} by docker import of a static busybox rootfs"
fi
say "ready: SQUALL_DOCKER_TESTS=1 DOCKER_SOCKET=${SOCKET} npm run test:docker"
