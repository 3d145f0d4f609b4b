#!/usr/bin/env bash
# Fetches osv-scanner's version comparison suites
# (internal/semantic/fixtures/*-versions*.txt, Apache-2.0) from the last
# commit of google/osv-scanner that has them (they left its main branch in
# February 2025), with its LICENSE, into target/upstream/osv-scanner-versions/
# (vendored, committed), and records where they came from in UPSTREAM there.
# Checks every file against tests/data/osv-scanner-versions.sha256, the
# suite the tests were written against.
#
#   scripts/version-suites.sh                      clone from GitHub
#   scripts/version-suites.sh --from GIT_DIR       use a local clone/mirror
#   scripts/version-suites.sh --to DIR             put them elsewhere
#
# The tests read them there (or in BULKHEAD_VERSION_SUITES).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
from=""
to="${BULKHEAD_UPSTREAM:-$root/target/upstream}/osv-scanner-versions"
while [ $# -gt 0 ]; do
  case "$1" in
    --from) from="$2"; shift 2 ;;
    --to) to="$2"; shift 2 ;;
    *) echo "usage: $0 [--from GIT_DIR] [--to DIR]" >&2; exit 2 ;;
  esac
done

if [ -z "$from" ]; then
  from="$(mktemp -d)/osv-scanner.git"
  trap 'rm -rf "$(dirname "$from")"' EXIT
  git clone --quiet --bare --filter=blob:none https://github.com/google/osv-scanner "$from"
fi
git_() { git --git-dir="$from" "$@"; }
# Work trees keep .git inside; bare clones and mirrors are the git dir.
[ -d "$from/.git" ] && from="$from/.git"

fixtures=internal/semantic/fixtures
# The commit that removed the suites; its parent is the last that has them.
if git_ cat-file -e "HEAD:$fixtures/debian-versions.txt" 2>/dev/null; then
  commit="$(git_ rev-parse HEAD)"
else
  removal="$(git_ rev-list -1 HEAD -- "$fixtures/debian-versions.txt")"
  commit="$(git_ rev-parse "$removal^")"
fi

mkdir -p "$to"
files="$(git_ ls-tree --name-only "$commit" "$fixtures/" | grep -- '-versions.*\.txt$')"
for path in $files; do
  git_ show "$commit:$path" > "$to/$(basename "$path")"
done
git_ show "$commit:LICENSE" > "$to/LICENSE"
{
  echo "repository: https://github.com/google/osv-scanner"
  echo "commit: $commit"
  echo "date: $(git_ show -s --format=%cI "$commit")"
  echo "path: $fixtures/"
  echo "license: Apache-2.0 (LICENSE)"
} > "$to/UPSTREAM"

(cd "$to" && sha256sum --quiet -c "$root/tests/data/osv-scanner-versions.sha256")
echo "osv-scanner's version suites of $commit are in $to"
