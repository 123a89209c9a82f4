#!/usr/bin/env bash
# What the deploy-artifact tests under test/manifests/ need: a Lua 5.4 interpreter (Debian
# `lua5.4`) to run the Argo CD health checks. promtool comes from 40-prometheus.sh; kubectl
# (for `kubectl kustomize`) ships with this machine image, so it is only checked for here.
# Idempotent: nothing is installed when it is already there.
set -euo pipefail

if ! command -v kubectl >/dev/null 2>&1 && [ ! -x .tools/bin/kubectl ] && [ -z "${KUBECTL:-}" ]; then
  echo "50-manifest-tools: kubectl not found (set KUBECTL or put it in .tools/bin); the manifest tests will say so" >&2
fi

if command -v lua5.4 >/dev/null 2>&1; then
  exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
  echo "50-manifest-tools: not root, skipping lua5.4 (the Argo CD health-check tests will say so)" >&2
  exit 0
fi
export DEBIAN_FRONTEND=noninteractive
# Other setup parts may hold the dpkg lock; wait for it instead of failing.
apt_get() { apt-get -o DPkg::Lock::Timeout=600 "$@"; }
if ! apt_get install -y --no-install-recommends lua5.4 >/dev/null 2>&1; then
  apt_get update >/dev/null
  apt_get install -y --no-install-recommends lua5.4 >/dev/null
fi
command -v lua5.4 >/dev/null
