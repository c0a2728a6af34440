#!/usr/bin/env bash
# Lints every CI workflow file of the repository with a real linter for its
# format, so a broken workflow fails CI:
#   - GitHub Actions (.github/workflows/*.yml, ci/github/*.yml): action-validator
#     (@action-validator/cli, the GitHub workflow JSON schema + glob checks);
#   - GitLab CI (ci/gitlab/*.yml): scripts/lint-gitlab-ci.ts, GitLab's own CI
#     JSON schema (vendored in scripts/schemas/) with ajv, after a strict YAML
#     parse resolving !reference tags, plus stage/needs/extends checks;
#   - Kubernetes manifests (ci/k8s/*.yaml): strict YAML parse only.
# Also checks that .github/workflows/squall.yml is the same as ci/github/squall.yml.
# Usage: bash scripts/lint-workflows.sh [ROOT]   (ROOT defaults to the repository)
set -uo pipefail
root="${1:-$(cd "$(dirname "$0")/.." && pwd)}"
here="$(cd "$(dirname "$0")/.." && pwd)"
cd "$here" || exit 2
status=0
shopt -s nullglob
gh=("$root"/.github/workflows/*.yml "$root"/.github/workflows/*.yaml "$root"/ci/github/*.yml "$root"/ci/github/*.yaml)
gl=("$root"/ci/gitlab/*.yml "$root"/ci/gitlab/*.yaml)
[ -f "$root/.gitlab-ci.yml" ] && gl+=("$root/.gitlab-ci.yml")
k8s=("$root"/ci/k8s/*.yaml "$root"/ci/k8s/*.yml)
if [ "${#gh[@]}" -eq 0 ] && [ "${#gl[@]}" -eq 0 ]; then echo "lint-workflows: no workflow files under $root" >&2; exit 2; fi
for f in "${gh[@]}"; do
  if npx --no-install action-validator "$f"; then echo "$f: ok (action-validator)"; else echo "$f: FAILED action-validator" >&2; status=1; fi
done
if [ "${#gl[@]}" -gt 0 ]; then npx --no-install tsx scripts/lint-gitlab-ci.ts "${gl[@]}" || status=1; fi
for f in "${k8s[@]}"; do
  if node -e 'const y=require("yaml");for(const d of y.parseAllDocuments(require("fs").readFileSync(process.argv[1],"utf8"),{uniqueKeys:true}))if(d.errors.length){console.error(d.errors[0].message);process.exit(1)}' "$f"; then echo "$f: ok (YAML parse)"; else echo "$f: FAILED YAML parse" >&2; status=1; fi
done
if [ -f "$root/ci/github/squall.yml" ] && [ -f "$root/.github/workflows/squall.yml" ] && ! cmp -s "$root/ci/github/squall.yml" "$root/.github/workflows/squall.yml"; then
  echo ".github/workflows/squall.yml differs from ci/github/squall.yml (the source): copy it over" >&2
  status=1
fi
exit $status
