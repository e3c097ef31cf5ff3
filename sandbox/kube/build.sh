#!/usr/bin/env bash
# Builds kube-apiserver and etcd from their Go modules (sandbox/kube/apiserver, sandbox/kube/etcd)
# into a per-machine cache, once per machine and version:
#
#   ${OPSLEDGER_KUBE_CACHE:-$HOME/.cache/opsledger/kube}/k8s-<version>-etcd-<version>/
#       kube-apiserver  etcd  sources.sha256
#
# A build happens only when a binary is missing or the wrapper sources changed (sources.sha256).
# It goes into a temporary directory that is renamed into place, under a lock, so concurrent
# callers (two Maven modules, a user and CI) wait for one build instead of racing. Prints the
# directory on the last line of stdout, and how long the build took on stderr.
#
# Needs Go (the go line of the wrapper modules, 1.26) and the Go module proxy; no release download.
# The first build compiles Kubernetes (about 15-25 minutes on 2 cores); later ones take seconds.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

if ! command -v go >/dev/null 2>&1; then
  echo "build.sh: Go is not on PATH: cannot build kube-apiserver and etcd (install Go 1.26+)" >&2
  exit 2
fi

module_version() { # <go.mod> <module path>
  awk -v m="$2" '$1 == m && $2 ~ /^v/ { print $2; exit } $1 == "require" && $2 == m { print $3; exit }' "$1"
}
kube_version="$(module_version "$here/apiserver/go.mod" k8s.io/kubernetes)"
etcd_version="$(module_version "$here/etcd/go.mod" go.etcd.io/etcd/server/v3)"
if [[ -z "$kube_version" || -z "$etcd_version" ]]; then
  echo "build.sh: cannot read the pinned versions from the go.mod files" >&2
  exit 2
fi

cache_root="${OPSLEDGER_KUBE_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/opsledger/kube}"
target="$cache_root/k8s-$kube_version-etcd-$etcd_version"
mkdir -p "$cache_root"

# What the binaries are built from: the wrapper modules and this script (flags live here).
stamp="$(cd "$here" && cat build.sh apiserver/go.mod apiserver/go.sum apiserver/*.go \
  etcd/go.mod etcd/go.sum etcd/*.go | sha256sum | cut -d' ' -f1)"
stamp="$stamp $(go env GOVERSION)"

up_to_date() {
  [[ -x "$target/kube-apiserver" && -x "$target/etcd" && -f "$target/sources.sha256" ]] &&
    [[ "$(cat "$target/sources.sha256")" == "$stamp" ]]
}

if up_to_date; then
  echo "$target"
  exit 0
fi

exec 9>"$cache_root/.build.lock"
if ! flock -n 9; then
  echo "build.sh: another build of the Kubernetes binaries is running; waiting for it" >&2
  flock 9
fi
if up_to_date; then # built by whoever held the lock
  echo "$target"
  exit 0
fi

start=$(date +%s)
tmp="$(mktemp -d "$cache_root/.build-XXXXXX")"
trap 'rm -rf "$tmp"' EXIT

export CGO_ENABLED=0 GOWORK=off GOFLAGS=-mod=readonly GOTOOLCHAIN=local
build_date="$(date -u +%Y-%m-%dT%H:%M:%SZ)"
minor="${kube_version#v*.}"
minor="${minor%%.*}"
major="${kube_version#v}"
major="${major%%.*}"
kube_ldflags="-s -w"
for kv in "gitVersion=$kube_version" "gitMajor=$major" "gitMinor=$minor" "gitCommit=" \
  "gitTreeState=clean" "buildDate=$build_date"; do
  kube_ldflags+=" -X k8s.io/component-base/version.$kv"
done
etcd_ldflags="-s -w -X go.etcd.io/etcd/api/v3/version.GitSHA=go-module-$etcd_version"

echo "build.sh: building kube-apiserver $kube_version and etcd $etcd_version with $(go env GOVERSION) into $target" >&2
(cd "$here/etcd" && go build -trimpath -buildvcs=false -ldflags "$etcd_ldflags" -o "$tmp/etcd" .)
etcd_done=$(date +%s)
echo "build.sh: etcd built in $((etcd_done - start)) s" >&2
(cd "$here/apiserver" && go build -trimpath -buildvcs=false -ldflags "$kube_ldflags" -o "$tmp/kube-apiserver" .)
echo "build.sh: kube-apiserver built in $(($(date +%s) - etcd_done)) s" >&2
echo "$stamp" >"$tmp/sources.sha256"

if [[ -e "$target" ]]; then
  mv "$target" "$tmp/previous"
fi
mv "$tmp" "$target"
trap - EXIT
rm -rf "$target/previous"
echo "build.sh: kube-apiserver and etcd ready in $(($(date +%s) - start)) s" >&2
echo "$target"
