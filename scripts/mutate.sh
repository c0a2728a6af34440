#!/usr/bin/env bash
# Mutation testing of the four promise-holding folders (system/coordinator,
# worker, engine, store; stryker.config.mjs), then the per-file table of
# docs/MUTATION.md. Long (hours for all four folders on a shared 2-core
# machine): not part of `npm test`.
#   npm run mutate                                              # every file of the four folders
#   SQUALL_MUTATE=system/worker/outbox.ts,system/store/*.ts npm run mutate   # a subset (globs)
#   SQUALL_MUTATE_OUT=reports/mutation/b1 SQUALL_MUTATE=... npm run mutate   # a batch with its own reports
#   SQUALL_MUTATE_CONCURRENCY=2 npm run mutate                  # test runners in parallel (default 1)
#   SQUALL_MUTATE_SIM=1 npm run mutate                          # also the simulation broken-variant suites
#   SQUALL_MUTATE_STRINGS=1 / SQUALL_MUTATE_STATIC=1            # string-literal / module-level mutants too
# Incremental: <out>/stryker-incremental.json keeps results, so a rerun only
# tests mutants whose code or covering tests changed. A run stopped early
# still reports what it measured: npx tsx harness/cli/mutation-summary.ts <out>/events
set -euo pipefail
cd "$(dirname "$0")/.."
OUT="${SQUALL_MUTATE_OUT:-reports/mutation}"
npx stryker run "$@"
npx tsx harness/cli/mutation-summary.ts "$OUT/mutation.json" --survivors
