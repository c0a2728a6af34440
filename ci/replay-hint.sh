#!/usr/bin/env bash
# Prints, for each replay artifact a failing run left in artifacts/, the one
# command that replays it (and a GitHub annotation / step summary when run
# there). Used by ci/github/squall.yml and ci/gitlab/squall.gitlab-ci.yml
# after a failed suite or sweep. Always exits 0: it explains, it does not judge.
set -u
dir="${1:-artifacts}"
squall="${SQUALL:-node bin/squall.js}"
shopt -s nullglob
files=("$dir"/*.json)
if [ "${#files[@]}" -eq 0 ]; then
  echo "no replay artifacts in $dir/ (the failure happened before any scenario ran: see the log above)"
  exit 0
fi
echo "squall: ${#files[@]} failing run(s). Download the replay artifact of this job, then replay locally with:"
for f in "${files[@]}"; do
  cmd="$squall replay $f"
  echo "  $cmd"
  if [ -n "${GITHUB_ACTIONS:-}" ]; then
    echo "::error title=squall replay::$cmd"
    if [ -n "${GITHUB_STEP_SUMMARY:-}" ]; then echo "- \`$cmd\`" >> "$GITHUB_STEP_SUMMARY"; fi
  fi
done
echo "To pin one so every later suite replays it: $squall regressions add ${files[0]}"
exit 0
