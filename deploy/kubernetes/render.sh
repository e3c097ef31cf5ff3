#!/usr/bin/env bash
# Renders every overlay to OUT_DIR/<overlay>.yaml (default target/kustomize under the repository),
# and fails if any does not render. .ci/run calls it before the tests; cli's DeployManifestsTest
# renders them again itself, so that it always checks the files as they are.
# Uses 'kubectl kustomize', else a 'kustomize' binary, else kustomize from the Go module proxy.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
out="${1:-$here/../../target/kustomize}"
mkdir -p "$out"
render() {
  if command -v kubectl >/dev/null 2>&1; then
    kubectl kustomize "$1"
  elif command -v kustomize >/dev/null 2>&1; then
    kustomize build "$1"
  else
    go run sigs.k8s.io/kustomize/kustomize/v5@v5.5.0 build "$1"
  fi
}
for overlay in "$here"/overlays/*/; do
  name="$(basename "$overlay")"
  render "$overlay" > "$out/$name.yaml"
  echo "rendered deploy/kubernetes/overlays/$name: $(grep -c '^kind:' "$out/$name.yaml") objects"
done
