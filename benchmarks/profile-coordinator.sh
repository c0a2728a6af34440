#!/usr/bin/env bash
# npm run profile:coordinator [-- doctor|flame|both]
#
# Profiles a real coordinator process (`node bin/squall.js coordinator`,
# SQLite store in a temp dir, 127.0.0.1, free port) with clinic while a
# bounded load runs against it (benchmarks/lib/profile-load.ts: 4 workers in
# a child process, PROFILE_TASKS echo tasks through the batch HTTP API until
# all complete, then PROFILE_API_SEC s of autocannon POST /api/v1/executions).
# clinic's --on-port starts the load when the coordinator listens and stops
# the coordinator when the load ends, so the run stops by itself; a timeout
# (SIGINT, then SIGKILL) bounds it anyway.
#
# Tool: first argument or PROFILE_TOOL (doctor | flame | both; default doctor).
# Output: reports/profile-<UTC timestamp>/<tool>/<pid>.clinic-<tool>.html
# (+ <tool>-load.json with the load's own figures). Never opens a browser.
set -euo pipefail
cd "$(dirname "$0")/.."

TOOL="${1:-${PROFILE_TOOL:-doctor}}"
TASKS="${PROFILE_TASKS:-20000}"
API_SEC="${PROFILE_API_SEC:-5}"
LIMIT_SEC="${PROFILE_TIMEOUT_SEC:-420}"
case "$TOOL" in
  doctor) TOOLS=(doctor) ;;
  flame) TOOLS=(flame) ;;
  both) TOOLS=(doctor flame) ;;
  *) echo "profile-coordinator: tool must be doctor, flame or both (got '$TOOL')" >&2; exit 2 ;;
esac

OUT="reports/profile-$(date -u +%Y%m%dT%H%M%SZ)"
mkdir -p "$OUT"
# No usage statistics prompt (it makes clinic exit silently without a TTY), no update check: loopback only.
export NO_INSIGHT=1 NO_UPDATE_NOTIFIER=1

for t in "${TOOLS[@]}"; do
  DATA="$(mktemp -d -t squall-profile-XXXXXX)"
  echo "profile-coordinator: clinic $t on the coordinator, load: $TASKS tasks + ${API_SEC}s HTTP submissions (limit ${LIMIT_SEC}s)" >&2
  timeout -s INT -k 60 "$LIMIT_SEC" node node_modules/.bin/clinic "$t" --open=false --dest "$OUT/$t" \
    --on-port "node --import tsx benchmarks/lib/profile-load.ts --tasks $TASKS --api-sec $API_SEC > $OUT/$t-load.json" \
    -- node bin/squall.js coordinator --host 127.0.0.1 --port 0 --data-dir "$DATA" --log-level warn --api-auth none >&2 || {
    echo "profile-coordinator: clinic $t exited with status $?" >&2
  }
  rm -rf "$DATA"
done

found=0
for t in "${TOOLS[@]}"; do
  for html in "$OUT/$t"/*.clinic-"$t".html; do
    [ -f "$html" ] || continue
    found=1
    echo "$t report: $html"
    [ -s "$OUT/$t-load.json" ] && echo "$t load:   $(cat "$OUT/$t-load.json")"
  done
done
if [ "$found" = 0 ]; then
  echo "profile-coordinator: no HTML report was produced under $OUT" >&2
  exit 1
fi
