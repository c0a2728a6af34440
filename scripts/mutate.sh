#!/usr/bin/env bash
# Mutation testing of the promise-holding files (stryker.config.mjs), then the
# per-file table of docs/MUTATION.md. Long: not part of `npm test`.
#   npm run mutate                          # the default file set
#   SQUALL_MUTATE=system/worker/outbox.ts npm run mutate
#   SQUALL_MUTATE_CONCURRENCY=2 npm run mutate
# Incremental: reports/mutation/stryker-incremental.json keeps results, so a
# rerun only tests mutants whose code or covering tests changed.
set -euo pipefail
cd "$(dirname "$0")/.."
npx stryker run "$@"
npx tsx harness/cli/mutation-summary.ts reports/mutation/mutation.json --survivors
