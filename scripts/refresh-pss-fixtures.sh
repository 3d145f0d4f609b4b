#!/usr/bin/env bash
# Re-vendors the Pod Security Admission conformance fixtures of
# kubernetes/pod-security-admission (Apache-2.0): the pods of
# test/testdata/{baseline,restricted}/vX.Y/{pass,fail}/*.yaml for every
# version from 1.25 to the newest upstream has, into
# target/upstream/pod-security-admission/ (or $PSS_DEST), with upstream's LICENSE and an UPSTREAM
# file naming the repository and the commit they were taken from.
#
# Usage: scripts/refresh-pss-fixtures.sh [REPOSITORY [REF]]
#   REPOSITORY  a git URL, a clone, or a bare git directory
#               (default: https://github.com/kubernetes/pod-security-admission.git;
#               kubernetes/kubernetes holds the same files under
#               staging/src/k8s.io/pod-security-admission/, see PSA_PREFIX)
#   REF         the commit, branch or tag to take (default: HEAD)
# Environment: PSA_PREFIX, the directory of the module inside the repository
# ("" for pod-security-admission itself, the default;
# "staging/src/k8s.io/pod-security-admission/" for kubernetes/kubernetes).
#
# After a refresh: `cargo test -j 1 -p bulkhead-plugin-kubernetes` runs the
# plugin over every version; new versions need their changes in
# plugins/kubernetes/src/pss/ and docs/kubernetes.md.
set -euo pipefail
cd "$(dirname "$0")/.."
repository=${1:-https://github.com/kubernetes/pod-security-admission.git}
ref=${2:-HEAD}
prefix=${PSA_PREFIX:-}
oldest_minor=25
dest=${PSS_DEST:-target/upstream/pod-security-admission}

scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
if git --git-dir="$repository" rev-parse --git-dir >/dev/null 2>&1; then
  git_dir=$repository
elif [ -d "$repository/.git" ]; then
  git_dir=$repository/.git
else
  git clone --quiet --bare --filter=blob:none "$repository" "$scratch/repo.git"
  git_dir=$scratch/repo.git
fi
g() { git --git-dir="$git_dir" "$@"; }
# What the UPSTREAM file names: the URL, or the canonical one for a local copy.
case $repository in
  *://*) upstream=$repository ;;
  *) if [ -n "$prefix" ]; then upstream=https://github.com/kubernetes/kubernetes
     else upstream=https://github.com/kubernetes/pod-security-admission; fi
     upstream="$upstream (read from a local copy)" ;;
esac
commit=$(g rev-parse "$ref^{commit}")
date=$(g show -s --format=%cI "$commit")

versions=$(g ls-tree --name-only "$commit" "${prefix}test/testdata/baseline/" |
  sed -n 's|.*/v1\.\([0-9][0-9]*\)$|\1|p' | sort -n |
  awk -v oldest="$oldest_minor" '$1 >= oldest { print "v1." $1 }')
[ -n "$versions" ] || { echo "no test/testdata/baseline/v1.N at $commit" >&2; exit 1; }

paths=()
for level in baseline restricted; do
  for version in $versions; do
    paths+=("${prefix}test/testdata/$level/$version")
  done
done
g archive --format=tar "$commit" -- "${paths[@]}" | tar -x -C "$scratch"

rm -rf "$dest"
mkdir -p "$dest"
mv "$scratch/${prefix}test/testdata/baseline" "$scratch/${prefix}test/testdata/restricted" "$dest/"
g show "$commit:${prefix}LICENSE" > "$dest/LICENSE"
newest=$(echo "$versions" | tail -n 1)
cat > "$dest/UPSTREAM" <<INFO
repository: $upstream
commit: $commit
committed: $date
path: ${prefix}test/testdata
versions: v1.$oldest_minor to $newest
license: Apache-2.0 (LICENSE, copied from the same commit)
files: unchanged; refreshed with scripts/refresh-pss-fixtures.sh
INFO
echo "vendored $(find "$dest" -name '*.yaml' | wc -l) pods of v1.$oldest_minor..$newest from $commit"
