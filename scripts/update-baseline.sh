#!/usr/bin/env bash
# Regenerates the committed report baseline the README's `squall report compare`
# example uses: partition-heal at seed 1 in simulation (about 20 s). Only
# result.json and summary.md are kept (the HTML and history are regenerable).
# Usage: npm run report:baseline   (then review and commit reports/baselines/)
set -euo pipefail
cd "$(dirname "$0")/.."
name=partition-heal-seed-1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
node bin/squall.js sim scenarios/partition-heal.yaml --seed 1 --report --report-dir "$tmp"
run=$(ls -d "$tmp"/*/ | head -1)
mkdir -p "reports/baselines/$name"
cp "$run/result.json" "$run/summary.md" "reports/baselines/$name/"
echo "baseline written: reports/baselines/$name/ (compare: npx squall report compare reports/baselines/$name reports/<run-id>)"
